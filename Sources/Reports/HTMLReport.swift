import FlywheelCore
import Foundation

/// A self-contained HTML page of a Markdown report (`report.html` beside `report.md`): the same
/// text, its tables (sortable by a click on a header) and its figures inlined as SVG, with hover
/// values and series toggles. Everything is in the one file — a small inline `<style>` and
/// `<script>`, no network access, no external file (a Content-Security-Policy forbids any), so
/// the page opens from disk in any browser, offline.
///
/// The Markdown read is the subset the reports write (CommonMark/GFM): ATX headings, paragraphs,
/// pipe tables with alignments, `-`/`1.` lists, fenced code, `---` rules, `*emphasis*`,
/// `**strong**`, `` `code` ``, links, and figures: a line `![alt](file.svg)`, optionally followed
/// by its caption line `*caption*`, becomes a `<figure>` holding the SVG (its XML prolog removed)
/// and a `<figcaption>`. Every text is escaped; a link's target is kept only when it is relative
/// or `http(s):`/`mailto:`.
///
/// The script reads what the plots write for it (``Plots``): a chart's data group carries its
/// axis maps (`data-x-map`/`data-y-map`: `d0 d1 p0 p1`), from which the values under the pointer
/// are read back from the lines' pixel coordinates (exact at the drawn vertices, to the 0.01 px
/// the SVG keeps); the elements of series `i` and its legend entry carry `data-series="i"`
/// (a click on the entry hides or shows them); points and cells carry their own `data-tip`.
/// When it has set everything up, the script marks the page `data-report="ok"` on `<html>` and
/// the rendered size of each figure's SVG as `data-rendered="W×H"` on its `<figure>`; a script
/// error anywhere is recorded in `data-report-errors` on `<html>`.
public enum HTMLReport {
    /// The page of `markdown`. `figure` returns the SVG text of a figure file the Markdown
    /// references (`decay.svg`); it throws when the file is missing.
    public static func render(_ markdown: String, figure: (String) throws -> String) throws -> String {
        var body = ""
        var title = "Flywheel report"
        var ids: Set<String> = []
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var i = 0
        var figureCount = 0
        while i < lines.count {
            let line = lines[i]
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty {
                i += 1
                continue
            }
            if t.hasPrefix("```") {
                let language = String(t.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                var code: [String] = []
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    code.append(lines[i])
                    i += 1
                }
                i += 1
                let cls = language.isEmpty ? "" : " class=\"language-\(escape(language))\""
                body += "<pre><code\(cls)>" + escape(code.joined(separator: "\n")) + "</code></pre>\n"
                continue
            }
            if let (level, text) = heading(t) {
                if level == 1, title == "Flywheel report" { title = plainText(text) }
                let id = uniqueID(slug(plainText(text)), &ids)
                body += "<h\(level) id=\"\(id)\">" + inline(text) + "</h\(level)>\n"
                i += 1
                continue
            }
            if isRule(t) {
                body += "<hr>\n"
                i += 1
                continue
            }
            if t.hasPrefix("|"), i + 1 < lines.count, let aligns = separator(lines[i + 1]) {
                var rows: [[String]] = []
                let header = cells(t)
                i += 2
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    rows.append(cells(lines[i].trimmingCharacters(in: .whitespaces)))
                    i += 1
                }
                body += table(header: header, aligns: aligns, rows: rows)
                continue
            }
            if let (alt, file) = image(t) {
                i += 1
                // The caption line the reports write under each figure (the alt text in italics).
                var caption = inline(alt)
                var j = i
                while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
                if j < lines.count, let c = captionLine(lines[j].trimmingCharacters(in: .whitespaces)) {
                    caption = inline(c)
                    i = j + 1
                }
                figureCount += 1
                let svg = inlineSVG(try figure(file))
                body +=
                    "<figure class=\"figure\" id=\"figure-\(figureCount)\" data-file=\"\(escape(file))\">\n"
                    + svg + "<figcaption>" + caption + "</figcaption>\n</figure>\n"
                continue
            }
            if listItem(t) != nil {
                let ordered = listItem(t)!.ordered
                body += ordered ? "<ol>\n" : "<ul>\n"
                while i < lines.count, let item = listItem(lines[i].trimmingCharacters(in: .whitespaces)),
                    item.ordered == ordered
                {
                    var text = item.text
                    i += 1
                    // Continuation lines (indented, not a new item) belong to the item.
                    while i < lines.count, lines[i].hasPrefix("  "),
                        listItem(lines[i].trimmingCharacters(in: .whitespaces)) == nil,
                        !lines[i].trimmingCharacters(in: .whitespaces).isEmpty
                    {
                        text += "\n" + lines[i].trimmingCharacters(in: .whitespaces)
                        i += 1
                    }
                    body += "<li>" + inline(text) + "</li>\n"
                }
                body += ordered ? "</ol>\n" : "</ul>\n"
                continue
            }
            if t.hasPrefix(">") {
                var quoted: [String] = []
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(">") {
                    let q = lines[i].trimmingCharacters(in: .whitespaces).dropFirst()
                    quoted.append(q.hasPrefix(" ") ? String(q.dropFirst()) : String(q))
                    i += 1
                }
                body +=
                    "<blockquote>\n" + (try render(quoted.joined(separator: "\n"), figure: figure, fragment: true))
                    + "</blockquote>\n"
                continue
            }
            // A paragraph: lines up to a blank line or the start of another block.
            var para: [String] = [t]
            i += 1
            while i < lines.count {
                let u = lines[i].trimmingCharacters(in: .whitespaces)
                if u.isEmpty || startsBlock(u, next: i + 1 < lines.count ? lines[i + 1] : nil) { break }
                para.append(u)
                i += 1
            }
            body += "<p>" + inline(para.joined(separator: "\n")) + "</p>\n"
        }
        return page(title: title, body: body)
    }

    /// The body of a nested block (a quote): the same rendering, without the page around it.
    static func render(_ markdown: String, figure: (String) throws -> String, fragment: Bool) throws -> String {
        let full = try render(markdown, figure: figure)
        guard let a = full.range(of: "<main>\n"), let b = full.range(of: "</main>", options: .backwards) else {
            return ""
        }
        return String(full[a.upperBound..<b.lowerBound])
    }

    /// The page of the Markdown file at `markdownFile`, its figures read from the files beside it
    /// (a referenced figure must be a plain file name in that folder).
    public static func render(markdownFile: URL) throws -> String {
        let text: String
        do { text = try String(contentsOf: markdownFile, encoding: .utf8) } catch {
            throw FlywheelError(
                "cannot read \(markdownFile.path): \(error.localizedDescription)",
                at: SourceLocation(file: markdownFile.path, line: 0))
        }
        let folder = markdownFile.deletingLastPathComponent()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return try render(text) { file in
            let line = (lines.firstIndex { $0.contains("](\(file))") } ?? -1) + 1
            let at = SourceLocation(file: markdownFile.path, line: line)
            guard !file.contains("/"), !file.contains("\\"), !file.hasPrefix(".") else {
                throw FlywheelError(
                    "figure '\(file)' is not a file beside the report", at: at,
                    hint: "a report's figures are plain file names in its folder")
            }
            let url = folder.appendingPathComponent(file)
            do { return try String(contentsOf: url, encoding: .utf8) } catch {
                throw FlywheelError(
                    "figure \(file) is missing or unreadable beside the report "
                        + "(\(error.localizedDescription))", at: at)
            }
        }
    }

    // MARK: Blocks

    static func heading(_ t: String) -> (Int, String)? {
        let hashes = t.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = t.dropFirst(hashes)
        guard rest.isEmpty || rest.hasPrefix(" ") else { return nil }
        var text = rest.trimmingCharacters(in: .whitespaces)
        // An optional closing sequence of #s.
        while text.hasSuffix("#") { text.removeLast() }
        return (hashes, text.trimmingCharacters(in: .whitespaces))
    }

    static func isRule(_ t: String) -> Bool {
        let compact = t.filter { $0 != " " }
        guard compact.count >= 3, let c = compact.first, "-*_".contains(c) else { return false }
        return compact.allSatisfy { $0 == c }
    }

    /// The alignments of a table's separator row (`|---|:---:|---:|`), nil when it is not one.
    static func separator(_ line: String) -> [String]? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("|") || t.contains("|") else { return nil }
        let parts = cells(t)
        guard !parts.isEmpty else { return nil }
        var aligns: [String] = []
        for p in parts {
            let s = p.trimmingCharacters(in: .whitespaces)
            let core = s.trimmingCharacters(in: CharacterSet(charactersIn: ":"))
            guard !core.isEmpty, core.allSatisfy({ $0 == "-" }) else { return nil }
            switch (s.hasPrefix(":"), s.hasSuffix(":")) {
            case (true, true): aligns.append("c")
            case (false, true): aligns.append("r")
            default: aligns.append("")
            }
        }
        return aligns
    }

    /// A table row's cells: split on the pipes that are not escaped (`\|`), the outer ones dropped.
    static func cells(_ row: String) -> [String] {
        var t = Substring(row.trimmingCharacters(in: .whitespaces))
        if t.hasPrefix("|") { t = t.dropFirst() }
        if t.hasSuffix("|"), !t.hasSuffix("\\|") { t = t.dropLast() }
        var out: [String] = []
        var cur = ""
        var escaped = false
        for c in t {
            if escaped {
                cur += c == "|" ? "|" : "\\" + String(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "|" {
                out.append(cur.trimmingCharacters(in: .whitespaces))
                cur = ""
            } else {
                cur.append(c)
            }
        }
        if escaped { cur += "\\" }
        out.append(cur.trimmingCharacters(in: .whitespaces))
        return out
    }

    static func table(header: [String], aligns: [String], rows: [[String]]) -> String {
        func cls(_ k: Int) -> String { k < aligns.count && !aligns[k].isEmpty ? " class=\"\(aligns[k])\"" : "" }
        var s = "<div class=\"table-wrap\"><table class=\"sortable\">\n<thead><tr>"
        for (k, h) in header.enumerated() { s += "<th scope=\"col\"\(cls(k))>" + inline(h) + "</th>" }
        s += "</tr></thead>\n<tbody>\n"
        for row in rows {
            s += "<tr>"
            for k in 0..<header.count { s += "<td\(cls(k))>" + (k < row.count ? inline(row[k]) : "") + "</td>" }
            s += "</tr>\n"
        }
        return s + "</tbody>\n</table></div>\n"
    }

    /// `![alt](file)` alone on a line: the alt text (which may hold brackets) and the file.
    static func image(_ t: String) -> (String, String)? {
        guard t.hasPrefix("!["), t.hasSuffix(")"), let mid = t.range(of: "](", options: .backwards) else { return nil }
        let alt = String(t[t.index(t.startIndex, offsetBy: 2)..<mid.lowerBound])
        let file = String(t[mid.upperBound..<t.index(before: t.endIndex)])
        guard !file.isEmpty, !file.contains(where: { $0 == " " || $0 == "(" || $0 == ")" }) else { return nil }
        return (alt, file)
    }

    /// The text of a caption line `*…*` (not a `**…**` line).
    static func captionLine(_ t: String) -> String? {
        guard t.count >= 2, t.hasPrefix("*"), t.hasSuffix("*"), !t.hasPrefix("**") else { return nil }
        let inner = String(t.dropFirst().dropLast())
        guard !inner.isEmpty, !inner.hasPrefix(" "), !inner.hasSuffix(" ") else { return nil }
        return inner
    }

    static func listItem(_ t: String) -> (ordered: Bool, text: String)? {
        if t.hasPrefix("- ") || t.hasPrefix("* ") || t.hasPrefix("+ ") {
            return (false, String(t.dropFirst(2)))
        }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = t.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return (true, String(rest.dropFirst(2))) }
        }
        return nil
    }

    /// Whether the line `t` starts a block other than a paragraph (which then ends).
    static func startsBlock(_ t: String, next: String?) -> Bool {
        if t.hasPrefix("```") || heading(t) != nil || t.hasPrefix(">") || image(t) != nil { return true }
        if listItem(t) != nil { return true }
        if t.hasPrefix("|"), let n = next, separator(n) != nil { return true }
        // A line of dashes under a paragraph is a rule here (the reports write no setext headings).
        return isRule(t)
    }

    // MARK: Inline

    /// The inline Markdown of `s` as HTML: code spans, strong, emphasis, links; the rest escaped.
    static func inline(_ s: String) -> String {
        let c = Array(s)
        var out = ""
        var i = 0
        while i < c.count {
            let ch = c[i]
            if ch == "\\", i + 1 < c.count, c[i + 1].isASCII, c[i + 1].isPunctuation || c[i + 1].isSymbol {
                out += escape(String(c[i + 1]))
                i += 2
                continue
            }
            if ch == "`" {
                let run = backtickRun(c, i)
                if let close = closingBackticks(c, from: i + run, run: run) {
                    var code = String(c[(i + run)..<close]).replacingOccurrences(of: "\n", with: " ")
                    if code.count >= 2, code.hasPrefix(" "), code.hasSuffix(" "), code.contains(where: { $0 != " " }) {
                        code = String(code.dropFirst().dropLast())
                    }
                    out += "<code>" + escape(code) + "</code>"
                    i = close + run
                } else {
                    out += String(repeating: "`", count: run)
                    i += run
                }
                continue
            }
            if ch == "*", i + 1 < c.count, c[i + 1] == "*" {
                if i + 2 < c.count, !c[i + 2].isWhitespace, let close = closingStrong(c, from: i + 2) {
                    out += "<strong>" + inline(String(c[(i + 2)..<close])) + "</strong>"
                    i = close + 2
                } else {
                    out += "**"
                    i += 2
                }
                continue
            }
            if ch == "*" {
                if i + 1 < c.count, !c[i + 1].isWhitespace, let close = closingEmphasis(c, from: i + 1) {
                    out += "<em>" + inline(String(c[(i + 1)..<close])) + "</em>"
                    i = close + 1
                } else {
                    out += "*"
                    i += 1
                }
                continue
            }
            if ch == "[", let (text, href, end) = link(c, i) {
                if let safe = safeHref(href) {
                    out += "<a href=\"\(escape(safe))\">" + inline(text) + "</a>"
                } else {
                    out += inline(text)
                }
                i = end
                continue
            }
            out += escape(String(ch))
            i += 1
        }
        return out
    }

    static func backtickRun(_ c: [Character], _ i: Int) -> Int {
        var j = i
        while j < c.count, c[j] == "`" { j += 1 }
        return j - i
    }

    /// The start of the next run of exactly `run` backticks from `from`.
    static func closingBackticks(_ c: [Character], from: Int, run: Int) -> Int? {
        var j = from
        while j < c.count {
            if c[j] == "`" {
                let n = backtickRun(c, j)
                if n == run { return j }
                j += n
            } else {
                j += 1
            }
        }
        return nil
    }

    /// Index of the next character at or after `from` outside code spans satisfying `match`.
    static func scan(_ c: [Character], from: Int, _ match: (Int) -> Bool) -> Int? {
        var j = from
        while j < c.count {
            if c[j] == "\\" { j += 2; continue }
            if c[j] == "`" {
                let n = backtickRun(c, j)
                if let close = closingBackticks(c, from: j + n, run: n) { j = close + n; continue }
                j += n
                continue
            }
            if match(j) { return j }
            j += 1
        }
        return nil
    }

    static func closingStrong(_ c: [Character], from: Int) -> Int? {
        scan(c, from: from) { j in
            j > from && j + 1 < c.count && c[j] == "*" && c[j + 1] == "*" && !c[j - 1].isWhitespace
        }
    }

    static func closingEmphasis(_ c: [Character], from: Int) -> Int? {
        var skip = false
        return scan(c, from: from) { j in
            // Skip a `**…**` pair nested inside the emphasis.
            if c[j] == "*", j + 1 < c.count, c[j + 1] == "*" { skip.toggle(); return false }
            if c[j] == "*", j > 0, c[j - 1] == "*" { return false }
            return !skip && c[j] == "*" && j > from && !c[j - 1].isWhitespace
        }
    }

    /// `[text](href)` at `i`: its text, target and the index after it.
    static func link(_ c: [Character], _ i: Int) -> (String, String, Int)? {
        var depth = 0
        let bracket = scan(
            c, from: i,
            { j in
                if c[j] == "[" { depth += 1 }
                if c[j] == "]" { depth -= 1; return depth == 0 }
                return false
            })
        guard let close = bracket, close + 1 < c.count, c[close + 1] == "(" else { return nil }
        // The target ends at the `)` that balances the `(` (a target may hold parentheses).
        var open = 0
        guard
            let end = (close + 2..<c.count).first(where: { j in
                if c[j] == "(" { open += 1 }
                if c[j] == ")" { if open == 0 { return true }; open -= 1 }
                return false
            })
        else { return nil }
        let href = String(c[(close + 2)..<end]).trimmingCharacters(in: .whitespaces)
        guard !href.contains(" ") else { return nil }
        return (String(c[(i + 1)..<close]), href, end + 1)
    }

    /// `href` when it is relative (no scheme) or `http:`, `https:`, `mailto:`; nil otherwise.
    static func safeHref(_ href: String) -> String? {
        let lower = href.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") { return href }
        let beforeSlash = lower.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if beforeSlash.contains(":") { return nil }
        return href
    }

    /// The text of inline Markdown without its markup (for the page title and heading ids).
    static func plainText(_ s: String) -> String {
        s.filter { $0 != "*" && $0 != "`" && $0 != "\\" }
    }

    static func slug(_ s: String) -> String {
        var out = ""
        var dash = false
        for ch in s.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) {
                out.append(ch)
                dash = false
            } else if !out.isEmpty && !dash {
                out.append("-")
                dash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "section" : out
    }

    static func uniqueID(_ base: String, _ ids: inout Set<String>) -> String {
        var id = base
        var n = 2
        while ids.contains(id) {
            id = "\(base)-\(n)"
            n += 1
        }
        ids.insert(id)
        return id
    }

    /// Escapes text for HTML character data and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\0": out += "\u{FFFD}"
            default: out.append(ch)
            }
        }
        return out
    }

    /// The SVG document without its XML declaration or document type, ready to sit in HTML.
    static func inlineSVG(_ svg: String) -> String {
        var s = Substring(svg)
        while true {
            s = s.drop { $0.isWhitespace }
            if s.hasPrefix("<?"), let end = s.range(of: "?>") {
                s = s[end.upperBound...]
            } else if s.hasPrefix("<!DOCTYPE") || s.hasPrefix("<!doctype"), let end = s.range(of: ">") {
                s = s[end.upperBound...]
            } else {
                break
            }
        }
        var out = String(s)
        // The root's <title> would show as a browser tooltip over the whole chart, on top of the
        // hover values: in the page it becomes the chart's <desc> (still read by screen readers).
        if let svgOpen = out.range(of: "<svg"),
            let tagEnd = out.range(of: ">", range: svgOpen.upperBound..<out.endIndex)
        {
            let rest = out[tagEnd.upperBound...].drop { $0.isWhitespace }
            if rest.hasPrefix("<title>"), let close = out.range(of: "</title>", range: rest.startIndex..<out.endIndex) {
                let text = out[out.index(rest.startIndex, offsetBy: 7)..<close.lowerBound]
                out = out[..<rest.startIndex] + "<desc>" + text + "</desc>" + out[close.upperBound...]
            }
        }
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }

    // MARK: Page

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en" data-report="loading">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
        script-src 'unsafe-inline'; img-src data:">
        <title>\(escape(title))</title>
        <script>\(errorScript)</script>
        <style>\(style)</style>
        </head>
        <body>
        <p class="hint">Hover a chart for its values; click a legend entry to hide or show its series; \
        click a table header to sort by that column.</p>
        <main>
        \(body)</main>
        <div id="tooltip" role="tooltip" hidden></div>
        <script>\(script)</script>
        </body>
        </html>

        """
    }

    /// Records every script error on `<html data-report-errors>` (first in the page, so that it
    /// catches errors of the main script, syntax errors included).
    static let errorScript = """

        window.onerror = function (message, source, line, column) {
          var root = document.documentElement, previous = root.getAttribute("data-report-errors");
          var text = String(message) + " (line " + line + ":" + column + ")";
          root.setAttribute("data-report-errors", previous ? previous + " | " + text : text);
          root.setAttribute("data-report", "error");
        };

        """

    static let style = """

        body { margin: 0; color: #222; background: #fff;
          font: 15px/1.5 system-ui, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 8px 28px 64px; }
        .hint { max-width: 1120px; margin: 0 auto; padding: 10px 28px 0; color: #666; font-size: 13px; }
        h1 { font-size: 1.9em; margin: .3em 0 .5em; }
        h2 { font-size: 1.4em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
        h3 { font-size: 1.15em; margin-top: 1.4em; }
        code { font: .88em/1.3 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
          background: #f2f2f2; padding: .05em .3em; border-radius: 3px; }
        pre { background: #f6f6f6; padding: 10px 12px; overflow-x: auto; }
        pre code { background: none; padding: 0; }
        blockquote { margin: 1em 0; padding: 0 1em; border-left: 3px solid #ccc; color: #444; }
        .table-wrap { overflow-x: auto; margin: 1em 0; }
        table { border-collapse: collapse; font-size: .88em; }
        th, td { border: 1px solid #d6d6d6; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f1f3f6; }
        tbody tr:nth-child(even) { background: #fafafa; }
        th.r, td.r { text-align: right; } th.c, td.c { text-align: center; }
        table.sortable th { cursor: pointer; user-select: none; }
        th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: .8em; }
        th[aria-sort="descending"]::after { content: " \\25BC"; font-size: .8em; }
        figure { margin: 1.6em 0; }
        figure svg { display: block; max-width: 100%; height: auto; }
        figcaption { font-style: italic; color: #444; margin-top: .4em; font-size: .92em; }
        .legend-item[data-series] { cursor: pointer; }
        .legend-off { opacity: .3; }
        .series-off { display: none; }
        .cell-value, .best-cell, .point-labels, .hover-mark { pointer-events: none; }
        #tooltip { position: fixed; z-index: 10; pointer-events: none; max-width: 460px; padding: 5px 9px;
          background: rgba(255, 255, 255, .97); border: 1px solid #999; border-radius: 4px;
          box-shadow: 0 2px 6px rgba(0, 0, 0, .18); font-size: 12.5px; line-height: 1.4; }
        #tooltip .tip-head { font-weight: 600; }
        #tooltip .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
        @media print { .hint, #tooltip { display: none; } }

        """

    static let script = """

        (function () {
          "use strict";
          var root = document.documentElement;
          var tip = document.getElementById("tooltip");
          var NS = "http://www.w3.org/2000/svg";

          function place(ev) {
            var x = ev.clientX + 14, y = ev.clientY + 14;
            var w = tip.offsetWidth, h = tip.offsetHeight;
            if (x + w > window.innerWidth - 4) { x = Math.max(4, ev.clientX - w - 14); }
            if (y + h > window.innerHeight - 4) { y = Math.max(4, ev.clientY - h - 14); }
            tip.style.left = x + "px";
            tip.style.top = y + "px";
          }
          function show(lines, ev) {
            tip.textContent = "";
            lines.forEach(function (l, k) {
              var div = document.createElement("div");
              if (k === 0 && lines.length > 1) { div.className = "tip-head"; }
              if (l.color) {
                var sw = document.createElement("span");
                sw.className = "swatch";
                sw.style.background = l.color;
                div.appendChild(sw);
              }
              div.appendChild(document.createTextNode(l.text));
              tip.appendChild(div);
            });
            tip.hidden = false;
            place(ev);
          }
          function hide() { tip.hidden = true; }

          function linearMap(s) {
            var v = String(s || "").trim().split(/\\s+/).map(Number);
            if (v.length !== 4 || !v.every(isFinite)) { return null; }
            return { d0: v[0], d1: v[1], p0: v[2], p1: v[3] };
          }
          function invert(m, p) {
            return m.p1 === m.p0 ? m.d0 : m.d0 + (p - m.p0) / (m.p1 - m.p0) * (m.d1 - m.d0);
          }
          function decimals(m) {
            var r = Math.abs(m.d1 - m.d0);
            if (!(r > 0)) { return 2; }
            return Math.max(0, Math.min(8, 3 - Math.floor(Math.log10(r))));
          }
          function vertices(el) {
            if (el._vertices) { return el._vertices; }
            var pts = [];
            if (el.tagName.toLowerCase() === "circle") {
              pts.push([Number(el.getAttribute("cx")), Number(el.getAttribute("cy"))]);
            } else {
              var v = String(el.getAttribute("d") || "").replace(/[MLZ]/g, " ").trim().split(/\\s+/).map(Number);
              for (var k = 0; k + 1 < v.length; k += 2) { pts.push([v[k], v[k + 1]]); }
            }
            el._vertices = pts;
            return pts;
          }
          function nearest(pts, px) {
            var lo = 0, hi = pts.length - 1;
            if (hi < 0) { return null; }
            while (hi - lo > 1) {
              var mid = (lo + hi) >> 1;
              if (pts[mid][0] < px) { lo = mid; } else { hi = mid; }
            }
            return Math.abs(pts[lo][0] - px) <= Math.abs(pts[hi][0] - px) ? pts[lo] : pts[hi];
          }
          function yAt(pts, px) {
            if (!pts.length || px < pts[0][0] - 0.5 || px > pts[pts.length - 1][0] + 0.5) { return null; }
            for (var k = 1; k < pts.length; k++) {
              var a = pts[k - 1], b = pts[k];
              if (px >= a[0] && px <= b[0]) {
                return b[0] === a[0] ? b[1] : a[1] + (px - a[0]) / (b[0] - a[0]) * (b[1] - a[1]);
              }
            }
            return Math.abs(pts[0][0] - px) <= 0.5 ? pts[0][1] : pts[pts.length - 1][1];
          }
          function visible(el) {
            for (var e = el; e && e.tagName && e.tagName.toLowerCase() !== "svg"; e = e.parentNode) {
              if (e.classList && e.classList.contains("series-off")) { return false; }
            }
            return true;
          }
          function seriesName(svg, i) {
            var entry = svg.querySelector('.legend-item[data-series="' + i + '"]');
            return entry ? entry.getAttribute("data-name") : "series " + i;
          }

          // Hover values on the time charts: the value of every visible series under the pointer.
          function chartHover(svg, data, ev) {
            var xm = linearMap(data.getAttribute("data-x-map")), ym = linearMap(data.getAttribute("data-y-map"));
            var ctm = svg.getScreenCTM();
            if (!xm || !ym || !ctm) { return false; }
            var pt = svg.createSVGPoint();
            pt.x = ev.clientX; pt.y = ev.clientY;
            var p = pt.matrixTransform(ctm.inverse());
            var left = Math.min(xm.p0, xm.p1), right = Math.max(xm.p0, xm.p1);
            var top = Math.min(ym.p0, ym.p1), bottom = Math.max(ym.p0, ym.p1);
            if (p.x < left || p.x > right || p.y < top || p.y > bottom) { return false; }
            var lines = data.querySelectorAll("path.line[data-series], circle[data-series]");
            var snapped = null, rows = [];
            for (var k = 0; k < lines.length && snapped === null; k++) {
              if (!visible(lines[k])) { continue; }
              var n = nearest(vertices(lines[k]), p.x);
              if (n && Math.abs(n[0] - p.x) < 12) { snapped = n[0]; }
            }
            if (snapped === null) { return false; }
            var seen = {};
            for (var j = 0; j < lines.length; j++) {
              var el = lines[j], i = el.getAttribute("data-series");
              if (seen[i] || !visible(el)) { continue; }
              var y = yAt(vertices(el), snapped);
              if (y === null) { continue; }
              seen[i] = true;
              rows.push({ i: i, py: y, color: el.getAttribute("stroke") || el.getAttribute("fill"),
                          text: seriesName(svg, i) + ": " + invert(ym, y).toFixed(decimals(ym)) });
            }
            if (!rows.length) { return false; }
            var head = (data.getAttribute("data-x-label") || "x") + " " + invert(xm, snapped).toFixed(decimals(xm));
            var yLabel = data.getAttribute("data-y-label");
            show([{ text: head + (yLabel ? " \\u2014 " + yLabel : "") }].concat(rows), ev);
            mark(svg, data, snapped, ym, rows);
            return true;
          }
          function mark(svg, data, x, ym, rows) {
            var g = svg.querySelector("g.hover-mark");
            if (!g) {
              g = document.createElementNS(NS, "g");
              g.setAttribute("class", "hover-mark");
              svg.appendChild(g);
            }
            g.textContent = "";
            var line = document.createElementNS(NS, "line");
            line.setAttribute("x1", x); line.setAttribute("x2", x);
            line.setAttribute("y1", ym.p1); line.setAttribute("y2", ym.p0);
            line.setAttribute("stroke", "#777"); line.setAttribute("stroke-width", "1");
            line.setAttribute("stroke-dasharray", "3 3");
            g.appendChild(line);
            rows.forEach(function (r) {
              var c = document.createElementNS(NS, "circle");
              c.setAttribute("cx", x); c.setAttribute("cy", r.py); c.setAttribute("r", "4");
              c.setAttribute("fill", r.color || "#333"); c.setAttribute("stroke", "#fff");
              g.appendChild(c);
            });
          }
          function unmark() {
            var marks = document.querySelectorAll("g.hover-mark");
            for (var k = 0; k < marks.length; k++) { marks[k].textContent = ""; }
          }

          document.addEventListener("mousemove", function (ev) {
            var target = ev.target instanceof Element ? ev.target : null;
            var tipped = target && target.closest("[data-tip]");
            unmark();
            if (tipped) { show([{ text: tipped.getAttribute("data-tip") }], ev); return; }
            var svg = target && target.closest("figure svg");
            var data = svg && svg.querySelector("g[data-x-map]");
            if (data && chartHover(svg, data, ev)) { return; }
            hide();
          });
          document.addEventListener("mouseleave", function () { unmark(); hide(); });

          // Series toggles: a legend entry hides or shows the elements of its series.
          function toggle(entry) {
            var svg = entry.closest("svg"), i = entry.getAttribute("data-series");
            var off = !entry.classList.contains("legend-off");
            entry.classList.toggle("legend-off", off);
            entry.setAttribute("aria-pressed", off ? "false" : "true");
            var els = svg.querySelectorAll('[data-series="' + i + '"]:not(.legend-item)');
            for (var k = 0; k < els.length; k++) { els[k].classList.toggle("series-off", off); }
            unmark(); hide();
          }
          var entries = document.querySelectorAll("figure .legend-item[data-series]");
          for (var e = 0; e < entries.length; e++) {
            var entry = entries[e];
            entry.setAttribute("tabindex", "0");
            entry.setAttribute("role", "button");
            entry.setAttribute("aria-pressed", "true");
            entry.addEventListener("click", function () { toggle(this); });
            entry.addEventListener("keydown", function (ev) {
              if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(this); }
            });
          }

          // Sortable tables: numbers by value (the first number of a cell), other text in order.
          function sortKey(text) {
            var t = text.replace(/\\u2212/g, "-").replace(/[\\s,]/g, "");
            var m = t.match(/^[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?/i);
            return m ? Number(m[0]) : null;
          }
          function sortBy(table, col, th) {
            var body = table.tBodies[0];
            if (!body) { return; }
            var ascending = th.getAttribute("aria-sort") !== "ascending";
            var ths = table.tHead.rows[0].cells;
            for (var k = 0; k < ths.length; k++) { ths[k].removeAttribute("aria-sort"); }
            th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
            var rows = Array.prototype.slice.call(body.rows).map(function (r, k) {
              var text = r.cells[col] ? r.cells[col].textContent.trim() : "";
              return { row: r, k: k, text: text, n: sortKey(text) };
            });
            var numeric = rows.every(function (r) { return r.n !== null || r.text === "" || r.text === "\\u2013"; });
            rows.sort(function (a, b) {
              var d;
              if (numeric) {
                if (a.n === null || b.n === null) { return (a.n === null) - (b.n === null) || a.k - b.k; }
                d = a.n - b.n;
              } else {
                d = a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
              }
              return (ascending ? d : -d) || a.k - b.k;
            });
            rows.forEach(function (r) { body.appendChild(r.row); });
          }
          var tables = document.querySelectorAll("table.sortable");
          for (var t = 0; t < tables.length; t++) {
            var heads = tables[t].tHead ? tables[t].tHead.rows[0].cells : [];
            for (var h = 0; h < heads.length; h++) {
              (function (table, col, th) {
                th.setAttribute("tabindex", "0");
                th.addEventListener("click", function () { sortBy(table, col, th); });
                th.addEventListener("keydown", function (ev) {
                  if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); sortBy(table, col, th); }
                });
              })(tables[t], h, heads[h]);
            }
          }

          // Done: each figure's rendered size, then the page's state.
          var figures = document.querySelectorAll("figure");
          for (var f = 0; f < figures.length; f++) {
            var svg = figures[f].querySelector("svg");
            var r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
            figures[f].setAttribute("data-rendered", Math.round(r.width) + "x" + Math.round(r.height));
          }
          if (!root.hasAttribute("data-report-errors")) { root.setAttribute("data-report", "ok"); }
        })();

        """
}
