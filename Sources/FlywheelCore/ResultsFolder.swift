/// The folder a scenario's results go to when no `--out` is given: `results/<slug>`, where the
/// slug is a folder name derived from the scenario's `name` (a label, never a path):
///
/// 1. every run of characters other than ASCII letters, digits, `.`, `_` and `-` becomes one `-`
///    (so `/` can never appear: `team/exp 1` → `team-exp-1`);
/// 2. leading and trailing `.` and `-` are removed (no hidden folder, no `.` or `..`:
///    `../x` → `x`);
/// 3. the result is cut to ``maxLength`` characters (and step 2 applied again).
///
/// A name that leaves nothing (`""`, `.`, `..`, `../..`, `/`, `日本`) is refused by validation.
/// The rule is deterministic and leaves the shipped names (`quickstart`, `full-loop`, …) as they
/// are. Two names may give the same slug, and then the same folder.
public enum ResultsFolder {
    /// The longest slug.
    public static let maxLength = 64

    /// The folder name for a scenario name (possibly empty: see ``ResultsFolder``).
    public static func slug(_ name: String) -> String {
        var out = ""
        var inRun = false
        for u in name.unicodeScalars {
            let keep =
                (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "." || u == "_"
                || u == "-"
            if keep {
                out.unicodeScalars.append(u)
                inRun = false
            } else if !inRun {
                out.append("-")
                inRun = true
            }
        }
        func trimmed<S: StringProtocol>(_ s: S) -> String {
            let c = Array(s)
            var a = 0
            var b = c.count
            while a < b, c[a] == "." || c[a] == "-" { a += 1 }
            while b > a, c[b - 1] == "." || c[b - 1] == "-" { b -= 1 }
            return String(c[a..<b])
        }
        return trimmed(trimmed(out).prefix(maxLength))
    }

    /// `results/<slug>`, or nil when the name leaves no folder name.
    public static func defaultPath(forScenario name: String, suffix: String = "") -> String? {
        let s = slug(name)
        return s.isEmpty ? nil : "results/\(s)\(suffix)"
    }
}
