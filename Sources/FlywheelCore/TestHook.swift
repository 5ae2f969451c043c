import Foundation

/// Test-only: lets the interruption tests stop a real `flywheel` process at a named point of
/// writing, deterministically, instead of signalling it after a guessed delay.
///
/// `FLYWHEEL_TEST_HOOK=point[#n]:action` acts at the n-th time (default the first) the process
/// reaches `point`. Actions: `SIGINT`, `SIGTERM` (the process signals itself and waits up to 5 s
/// for its handler to end it, so the interruption lands exactly there), `SIGINT-go` (signals and
/// carries on: the handler races the writer), `SIGKILL`, and `pause` (creates the file named by
/// `FLYWHEEL_TEST_HOOK_READY`, then sleeps up to 60 s for the test to act). Without the variable
/// a point costs one comparison. `FLYWHEEL_TEST_RENAME=plain` makes commits use the two-rename
/// fallback (as on a file system that cannot exchange two paths). Points: `run.simulated`,
/// `output.staged`, `output.file`, `sqlite.transaction`, `commit.before`, `commit.between`
/// (two-rename fallback only), `commit.exchanged`, `sweep.creating`, `sweep.created`,
/// `sweep.traffic`, `sweep.cell`.
public enum TestHook {
    struct Spec: Sendable {
        var point: String
        var occurrence: Int
        var action: String
    }

    static let spec: Spec? = {
        guard let text = ProcessInfo.processInfo.environment["FLYWHEEL_TEST_HOOK"], let colon = text.lastIndex(of: ":")
        else {
            return nil
        }
        let target = text[..<colon]
        let action = String(text[text.index(after: colon)...])
        let parts = target.split(separator: "#", maxSplits: 1)
        let occurrence = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
        return Spec(point: parts.first.map(String.init) ?? "", occurrence: occurrence, action: action)
    }()

    /// Whether commits must use two renames instead of an atomic exchange.
    public static let plainRenames = ProcessInfo.processInfo.environment["FLYWHEEL_TEST_RENAME"] == "plain"

    private final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var count = 0
    }
    private static let counter = Counter()

    /// Marks that the process has reached `point`.
    public static func reach(_ point: String) {
        guard let spec, spec.point == point else { return }
        counter.lock.lock()
        counter.count += 1
        let hit = counter.count == spec.occurrence
        counter.lock.unlock()
        guard hit else { return }
        switch spec.action {
        case "SIGKILL": kill(getpid(), SIGKILL)
        case "SIGINT", "SIGTERM":
            kill(getpid(), spec.action == "SIGINT" ? SIGINT : SIGTERM)
            for _ in 0..<500 { usleep(10_000) }
        case "SIGINT-go": kill(getpid(), SIGINT)
        case "pause":
            if let ready = ProcessInfo.processInfo.environment["FLYWHEEL_TEST_HOOK_READY"] {
                _ = FileManager.default.createFile(atPath: ready, contents: Data("\(getpid())\n".utf8))
            }
            for _ in 0..<6000 { usleep(10_000) }
        default: break
        }
    }
}
