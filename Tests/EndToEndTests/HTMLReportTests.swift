import FlywheelCore
import Foundation
import Reports
import Scenarios
import Testing
import Workbench

/// The Chromium of the machine (Debian's `chromium`), nil when it is not on PATH.
let chromiumPath: String? = {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        for name in ["chromium", "chromium-browser"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
    }
    return nil
}()

/// Runs headless Chromium on `page` with a fresh profile, killed if it has not finished within
/// `limit` seconds (a guard against a hang, not a measurement). Returns its standard output.
func chromium(_ page: URL, _ arguments: [String], limit: Double = 120) throws -> String {
    let chromium = try #require(chromiumPath)
    let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("flywheel-chromium-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let stdout = scratch.appendingPathComponent("stdout"), stderr = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
            "--window-size=1200,4000",
        ] + arguments + [page.absoluteString]
    process.standardOutput = try FileHandle(forWritingTo: stdout)
    process.standardError = try FileHandle(forWritingTo: stderr)
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    if done.wait(timeout: .now() + limit) == .timedOut {
        process.terminate()
        if done.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL); done.wait() }
        Issue.record("chromium did not finish within \(Int(limit)) s on \(page.lastPathComponent)")
    }
    let out = try String(contentsOf: stdout, encoding: .utf8)
    if process.terminationStatus != 0 {
        let err = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
        Issue.record("chromium exited with \(process.terminationStatus): \(err.suffix(2000))")
    }
    return out
}

/// The `>` that ends the start tag whose inside begins at `from` (a `>` inside a quoted
/// attribute value does not).
func tagEnd(_ html: String, from: String.Index) -> String.Index? {
    var quoted = false
    var i = from
    while i < html.endIndex {
        let c = html[i]
        if c == "\"" { quoted.toggle() } else if c == ">", !quoted { return i }
        i = html.index(after: i)
    }
    return nil
}

/// The value of attribute `name` on the first `tag` element of `html` (the serialised DOM).
func attribute(_ name: String, of tag: String, in html: String) -> String? {
    guard let open = html.range(of: "<\(tag) "), let end = tagEnd(html, from: open.upperBound) else { return nil }
    return attributes(String(html[open.upperBound..<end]))[name]
}

/// The attributes of one start tag's inside (`a="1" b="2"`), entity references of `"&<>` decoded.
func attributes(_ tag: String) -> [String: String] {
    var out: [String: String] = [:]
    let pattern = try! NSRegularExpression(pattern: "([A-Za-z_:][-A-Za-z0-9_:.]*)=\"([^\"]*)\"")
    for m in pattern.matches(in: tag, range: NSRange(tag.startIndex..., in: tag)) {
        let key = String(tag[Range(m.range(at: 1), in: tag)!])
        let value = String(tag[Range(m.range(at: 2), in: tag)!])
        out[key] = value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
    return out
}

/// Every start tag `<tag …>` of `html`, as its attributes.
func startTags(_ tag: String, in html: String) -> [[String: String]] {
    var out: [[String: String]] = []
    var from = html.startIndex
    while let open = html.range(of: "<\(tag) ", range: from..<html.endIndex),
        let end = tagEnd(html, from: open.upperBound)
    {
        out.append(attributes(String(html[open.upperBound..<end])))
        from = end
    }
    return out
}

/// The figure files a Markdown report references, in order.
func referencedFigures(_ markdown: String) -> [String] {
    markdown.split(separator: "\n").compactMap { line -> String? in
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("!["), t.hasSuffix(".svg)"), let mid = t.range(of: "](", options: .backwards) else {
            return nil
        }
        return String(t[mid.upperBound..<t.index(before: t.endIndex)])
    }
}

@Suite struct HTMLReportRendering {
    @Test func markdownBecomesEscapedHTMLWithTheFigureInlined() throws {
        let markdown = """
            # Run <b>&</b> "quotes"

            A paragraph with **bold `x|y`**, *emphasis*, `<code>` and a [link](javascript:alert(1)).
            The same paragraph goes on.

            | rank | strategy | cost |
            |---|---|---:|
            | 1 | `a\\|b` | 3.5 ± 0.2 |
            | 2 | <script>alert(1)</script> | 10 |

            ![Decay <of> [0, 1] models](decay.svg)

            *Decay <of> [0, 1] models*

            - one
            - two

            ---
            Last line.
            """
        let svg =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
            + "height=\"10\"><title>t</title><rect width=\"10\" height=\"10\"/></svg>\n"
        var asked: [String] = []
        let html = try HTMLReport.render(markdown) { file in
            asked.append(file)
            return svg
        }
        #expect(asked == ["decay.svg"])
        #expect(html.contains("<title>Run &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot;</title>"))
        #expect(html.contains("<h1 id=\"run-b-b-quotes\">Run &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot;</h1>"))
        #expect(
            html.contains(
                "<p>A paragraph with <strong>bold <code>x|y</code></strong>, <em>emphasis</em>, "
                    + "<code>&lt;code&gt;</code> and a link.\nThe same paragraph goes on.</p>"))
        #expect(!html.contains("javascript:"), "a script link is kept as text only")
        #expect(!html.contains("<script>alert"), "text is escaped, never markup")
        #expect(html.contains("<td><code>a|b</code></td>"), "an escaped pipe stays in its cell")
        #expect(html.contains("<th scope=\"col\" class=\"r\">cost</th>"), "a right-aligned column")
        #expect(html.contains("<td class=\"r\">3.5 ± 0.2</td>"))
        #expect(!html.contains("<?xml"), "the figure's XML prolog is removed")
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><desc>t</desc>"))
        #expect(html.contains("<figcaption>Decay &lt;of&gt; [0, 1] models</figcaption>"))
        #expect(!html.contains("<em>Decay"), "the caption line is the figure's caption, not a paragraph")
        #expect(html.contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"))
        #expect(html.contains("<hr>\n<p>Last line.</p>"))
    }

    @Test func aFigureMissingBesideTheReportIsAnErrorNamingTheFileAndLine() throws {
        let dir = temporaryDirectory("html-missing")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let md = dir.appendingPathComponent("report.md")
        try "# r\n\ntext\n\n![gone](gone.svg)\n".write(to: md, atomically: true, encoding: .utf8)
        do {
            _ = try HTMLReport.render(markdownFile: md)
            Issue.record("a missing figure was not reported")
        } catch let e as FlywheelError {
            #expect(e.description.contains("gone.svg"))
            #expect(e.description.contains("report.md:5"))
        }
        try "# r\n\n![up](../x.svg)\n".write(to: md, atomically: true, encoding: .utf8)
        #expect(throws: FlywheelError.self) { _ = try HTMLReport.render(markdownFile: md) }
    }

    @Test func aRunWritesTheReportPageWithEveryFigureInlineAndNothingExternal() throws {
        let dir = temporaryDirectory("html-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outputs = try Workbench.run(shortQuickstart(), outDirectory: dir.path, threads: 2)
        #expect(outputs.files.contains("report.html"))
        let markdown = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        let figures = referencedFigures(markdown)
        #expect(figures.count >= 4)
        #expect(startTags("figure", in: html).map { $0["data-file"] ?? "" } == figures)
        for file in figures {
            // The SVG inside the page is the file's document without its prolog (root title as desc).
            let svg = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let body = svg[svg.range(of: "<svg ")!.lowerBound...].replacingOccurrences(of: "<title>", with: "<desc>")
                .replacingOccurrences(of: "</title>", with: "</desc>")
            let firstLines = body.split(separator: "\n").prefix(3).joined(separator: "\n")
            #expect(html.contains(firstLines), "\(file) is not inlined")
        }
        // Self-contained: no resource is loaded from anywhere.
        for pattern in [" src=", "<link", "url(http", "@import", "href=\"http", "xlink:href=\"http"] {
            #expect(!html.contains(pattern), "report.html loads an external resource (\(pattern))")
        }
        #expect(html.contains("default-src 'none'"))

        // `flywheel report` rebuilds the same page from run.sqlite.
        let original = try read(dir, "report.html")
        let files = try Workbench.regenerate(runDirectory: dir.path)
        #expect(files.contains("report.html"))
        #expect(try read(dir, "report.html") == original)
    }
}

/// The page in a real browser: headless Chromium from Debian loads it, and the checks read back
/// what the page's own script wrote into the DOM.
@Suite(.serialized, .enabled(if: chromiumPath != nil, "chromium is not on PATH (Debian package chromium)"))
struct HTMLReportInABrowser {
    @Test func theRunReportLoadsWithoutScriptErrorsAndEveryFigureIsVisible() throws {
        let dir = temporaryDirectory("html-browser")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Workbench.run(shortQuickstart(), outDirectory: dir.path, threads: 2)
        let page = dir.appendingPathComponent("report.html")
        let markdown = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)

        let dom = try chromium(page, ["--dump-dom"])
        #expect(attribute("data-report", of: "html", in: dom) == "ok", "the page's script did not finish")
        #expect(
            attribute("data-report-errors", of: "html", in: dom) == nil,
            "script error: \(attribute("data-report-errors", of: "html", in: dom) ?? "")")
        let figures = startTags("figure", in: dom)
        #expect(figures.map { $0["data-file"] ?? "" } == referencedFigures(markdown))
        for f in figures {
            let size = (f["data-rendered"] ?? "0x0").split(separator: "x").compactMap { Double($0) }
            #expect(
                size.count == 2 && size[0] > 100 && size[1] > 100,
                "\(f["data-file"] ?? "?") renders at \(f["data-rendered"] ?? "no size")")
        }

        // A screenshot of the page: a PNG of the window's size with real content (a page of one
        // colour compresses to a few kilobytes).
        let png = dir.appendingPathComponent("report.png")
        _ = try chromium(page, ["--screenshot=\(png.path)"])
        let bytes = try Data(contentsOf: png)
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        #expect(bytes.count > 60_000, "the screenshot is nearly empty (\(bytes.count) bytes)")
        if bytes.count >= 24 {
            func be32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
            #expect(be32(16) == 1200 && be32(20) == 4000, "screenshot size \(be32(16))×\(be32(20))")
        }
    }

    /// A copy of the page with a probe appended: it clicks a legend entry, hovers a vertex of a
    /// line and sorts a table, and writes what it saw into the DOM.
    @Test func hoverValuesAreTheDataAndLegendEntriesToggleTheirSeries() throws {
        let dir = temporaryDirectory("html-probe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outputs = try Workbench.run(shortQuickstart(), outDirectory: dir.path, threads: 2)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        let vertex = 20
        let probe = """
            <script>
            (function () {
              var out = {};
              var svg = document.querySelector('figure[data-file="decay.svg"] svg');
              var entry = svg.querySelector('.legend-item[data-series="0"]');
              var line = svg.querySelector('path.line[data-series="0"]');
              entry.dispatchEvent(new MouseEvent("click", { bubbles: true }));
              out.hiddenDisplay = getComputedStyle(line).display;
              out.entryPressed = entry.getAttribute("aria-pressed");
              entry.dispatchEvent(new MouseEvent("click", { bubbles: true }));
              out.shownDisplay = getComputedStyle(line).display;
              out.stillHidden = svg.querySelectorAll(".series-off").length;
              var d = line.getAttribute("d").replace(/[ML]/g, " ").trim().split(/\\s+/).map(Number);
              var pt = svg.createSVGPoint();
              pt.x = d[2 * \(vertex)]; pt.y = d[2 * \(vertex) + 1];
              var s = pt.matrixTransform(svg.getScreenCTM());
              line.dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: s.x, clientY: s.y }));
              var tip = document.getElementById("tooltip");
              out.tipHidden = tip.hidden;
              out.tip = Array.prototype.map.call(tip.children, function (c) { return c.textContent; });
              var table = document.querySelector("table.sortable");
              var th = table.tHead.rows[0].cells[0];
              th.dispatchEvent(new MouseEvent("click", { bubbles: true }));
              th.dispatchEvent(new MouseEvent("click", { bubbles: true }));
              out.sort = th.getAttribute("aria-sort");
              out.firstColumn = Array.prototype.map.call(table.tBodies[0].rows, function (r) {
                return r.cells[0].textContent;
              });
              document.documentElement.setAttribute("data-probe", JSON.stringify(out));
            })();
            </script>
            """
        let probed = dir.appendingPathComponent("probe.html")
        try html.replacingOccurrences(of: "</body>", with: probe + "\n</body>").write(
            to: probed, atomically: true, encoding: .utf8)
        let dom = try chromium(probed, ["--dump-dom"])
        #expect(
            attribute("data-report-errors", of: "html", in: dom) == nil,
            "script error: \(attribute("data-report-errors", of: "html", in: dom) ?? "")")
        let json = try #require(attribute("data-probe", of: "html", in: dom), "the probe did not run")
        let out = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(out["hiddenDisplay"] as? String == "none", "a click on the legend entry hides the line")
        #expect(out["entryPressed"] as? String == "false")
        #expect(out["shownDisplay"] as? String != "none", "a second click shows it again")
        #expect(out["stillHidden"] as? Int == 0)
        #expect(out["tipHidden"] as? Bool == false, "hovering a line shows its values")

        // The hover values against the data: the mean over replicates of each strategy's metric
        // at that tick (the decay curve's x is the tick's middle, tick + 0.5).
        let record = outputs.record
        let metric = record.manifest.primaryMetric
        let tip = out["tip"] as? [String] ?? []
        #expect(tip.first?.contains("\(vertex).50") == true, "tooltip header \(tip.first ?? "none")")
        #expect(tip.count >= record.strategies.count + 1, "a value per strategy: \(tip)")
        for name in record.strategies {
            let values = record.runs(of: name).map { $0.values(metric)![vertex] }
            let expected = values.reduce(0, +) / Double(values.count)
            let row = try #require(tip.first { $0.hasPrefix(name + ": ") }, "no value for \(name) in \(tip)")
            let shown = try #require(Double(row.dropFirst(name.count + 2)), "\(row)")
            // The page shows three decimals: within half a unit of the last one.
            #expect(abs(shown - expected) <= 0.0005 + 1e-9, "\(name) at tick \(vertex): shown \(shown), data \(expected)")
        }

        // The first table (the scenario's) sorted twice on its first column: descending text order.
        #expect(out["sort"] as? String == "descending")
        let column = out["firstColumn"] as? [String] ?? []
        #expect(!column.isEmpty && column == column.sorted(by: >))
    }

    @Test func theSweepReportLoadsAndItsHeatmapCellsCarryTheirValues() throws {
        let dir = temporaryDirectory("html-sweep")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outputs = try Workbench.sweep(smallSweep(), outDirectory: dir.path, threads: 2)
        #expect(outputs.files.contains("sweep-report.html"))
        let markdown = try String(contentsOf: dir.appendingPathComponent("sweep-report.md"), encoding: .utf8)
        let dom = try chromium(dir.appendingPathComponent("sweep-report.html"), ["--dump-dom"])
        #expect(attribute("data-report", of: "html", in: dom) == "ok")
        #expect(attribute("data-report-errors", of: "html", in: dom) == nil)
        let figures = startTags("figure", in: dom)
        #expect(figures.map { $0["data-file"] ?? "" } == referencedFigures(markdown))
        for f in figures {
            let size = (f["data-rendered"] ?? "0x0").split(separator: "x").compactMap { Double($0) }
            #expect(size.count == 2 && size[0] > 100 && size[1] > 100, "\(f["data-file"] ?? "?")")
        }
        // Every cell of the 3 × 2 grid of each heatmap has a hover text naming its row and column
        // and ending with the value printed in the cell.
        let cell = try NSRegularExpression(
            pattern: "<rect [^>]*class=\"cell\" data-tip=\"([^\"]*)\"[^>]*>(?:</rect>)?\\s*"
                + "<text [^>]*class=\"cell-value\"[^>]*>([^<]*)</text>")
        let matches = cell.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)).map { m in
            (String(dom[Range(m.range(at: 1), in: dom)!]), String(dom[Range(m.range(at: 2), in: dom)!]))
        }
        #expect(matches.count >= 12, "two heatmaps of 6 cells")
        for (tip, value) in matches {
            #expect(tip.hasSuffix(" " + value) && tip.contains(", ") && tip.contains(": "), "\(tip) / \(value)")
        }
        #expect(Set(matches.map(\.0)).count == matches.count, "each cell has its own hover text")
    }
}
