import FlywheelCore
import Foundation
import Simulation
import SQLiteReplay
import Streams

/// Where datasets live: the folder named by the environment variable `FLYWHEEL_DATA`, else
/// `~/.flywheel/data`. A scenario's relative replay `path` is looked up there first.
///
/// The research datasets the project knows are listed in ``known``, each with its authors and the
/// SHA-256 of the file Flywheel expects; `flywheel dataset fetch` copies them from a mirror (a
/// folder or an HTTP server holding those files) and accepts only a file with that checksum.
public enum DataHome {
    /// The environment variable naming the data folder.
    public static let variable = "FLYWHEEL_DATA"

    /// A research dataset Flywheel knows by name.
    public struct KnownDataset: Sendable, Hashable {
        public var name: String
        /// The file name expected in the data home.
        public var file: String
        public var about: String
        /// The SHA-256 (lowercase hex) of the file as Flywheel's scenarios expect it.
        public var sha256: String
        /// The work to cite when reporting a result on it.
        public var citation: String
        /// Where the original is published, and how Flywheel's file differs from it.
        public var origin: String
    }

    /// The research datasets of the concept-drift literature that `flywheel dataset` knows.
    public static let known: [KnownDataset] = [
        KnownDataset(name: "elec2", file: "elec2.csv",
                     about: "NSW electricity market, half-hourly, 1996–1998 (Harries 1999; MOA's elecNormNew)",
                     sha256: "c6dbe190afbfda8c040c4da90067bd4723812464bed0f9091665077e0aa4339b",
                     citation: "M. Harries, SPLICE-2 comparative evaluation: Electricity pricing, technical report, "
                         + "University of New South Wales, 1999",
                     origin: "MOA's elecNormNew.arff (also OpenML dataset 151, electricity) as CSV, with an added column "
                         + "timestamp_reconstructed = 1996-05-07T00:00 + 30 min × row"),
        KnownDataset(name: "weather-offutt", file: "weather-offutt.csv",
                     about: "daily weather at Offutt AFB, 1949–1999 (Elwell & Polikar 2011)",
                     sha256: "5e2eccc40186ba25fa354ed9a29a91bcaa3095d7118ddf4fa404ee68cb4c7632",
                     citation: "R. Elwell and R. Polikar, Incremental learning of concept drift in nonstationary environments, "
                         + "IEEE Transactions on Neural Networks 22(10), 2011",
                     origin: "Polikar's NSE weather data (NOAA, Offutt Air Force Base, Nebraska) as one CSV: a day_index "
                         + "column, the eight features named from the source's description, and the rain label"),
        KnownDataset(name: "seattle-weather", file: "seattle-weather.csv",
                     about: "daily Seattle weather, 2012–2015 (NOAA, vega-datasets)",
                     sha256: "62f0609f787158128aa2bd102967173a4953122dd4f872bf1d502cae1037df0b",
                     citation: "NOAA daily weather summaries for Seattle, distributed with the vega-datasets package (MIT licence)",
                     origin: "vega-datasets' data/seattle-weather.csv; releases of that package differ in this file "
                         + "(number formatting, some weather labels), so only the checksummed copy is accepted"),
        KnownDataset(name: "insects-gradual-balanced", file: "insects-gradual-balanced.csv.gz",
                     about: "INSECTS, gradual, balanced (Souza, Reis, Maletzke & Batista 2020)",
                     sha256: "d0e921bdaa59c03c8441030bc2000cf5f158742feda919c8d35a71a564c85d54",
                     citation: "V. M. A. Souza, D. M. dos Reis, A. G. Maletzke and G. E. A. P. A. Batista, Challenges in "
                         + "benchmarking stream learning algorithms with real-world data, Data Mining and Knowledge Discovery 34, 2020",
                     origin: "the authors' INSECTS files (gradual, balanced) as gzip-compressed CSV with columns Att1…Att33, class"),
        KnownDataset(name: "sea-abrupt-noise20", file: "sea-abrupt-noise20.csv",
                     about: "SEA concepts, 20 % noise, abrupt changes at rows 10,000 / 20,000 / 30,000 (López Lobo 2020)",
                     sha256: "cc0d43e011db0b0dfc898128b106f1bafba30f63affa1a3bc6099d0d88e2a703",
                     citation: "J. López Lobo, Synthetic datasets for concept drift detection purposes, Harvard Dataverse, "
                         + "doi:10.7910/DVN/5OWRGB, 2020 (SEA concepts: Street & Kim 2001)",
                     origin: "Harvard Dataverse doi:10.7910/DVN/5OWRGB, the abrupt SEA file with 20 % noise"),
        KnownDataset(name: "sea-gradual-noise20", file: "sea-gradual-noise20.csv",
                     about: "SEA concepts, 20 % noise, gradual changes near rows 10,000 / 20,000 / 30,000 (López Lobo 2020)",
                     sha256: "9b1c8e696cab0a729e609fa85c80e780f220bbbc446fb0e9c39470a450ec5b39",
                     citation: "J. López Lobo, Synthetic datasets for concept drift detection purposes, Harvard Dataverse, "
                         + "doi:10.7910/DVN/5OWRGB, 2020 (SEA concepts: Street & Kim 2001)",
                     origin: "Harvard Dataverse doi:10.7910/DVN/5OWRGB, the gradual SEA file with 20 % noise"),
    ]

    /// The known dataset called `name`.
    /// - Throws: ``FlywheelError`` naming the nearest known name, if any, and every known name.
    public static func dataset(named name: String) throws -> KnownDataset {
        if let d = known.first(where: { $0.name == name }) { return d }
        let names = known.map(\.name)
        let all = "known datasets: \(names.joined(separator: ", "))"
        throw FlywheelError("'\(name)' is not a known dataset",
                            hint: nearest(name, in: names).map { "did you mean '\($0)'? \(all)" } ?? all)
    }

    /// A data folder that replaces the environment's within a task (for programs embedding the
    /// loader, and tests): `DataHome.$override.withValue("/data") { try ScenarioLoader.load(path: p) }`.
    @TaskLocal public static var override: String?

    /// The data folder: ``override`` if set, else `$FLYWHEEL_DATA` if set and not empty, else `~/.flywheel/data`.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let o = override { return o }
        if let d = environment[variable], !d.isEmpty { return d }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".flywheel/data")
    }

    /// Where a known dataset is in the data home.
    /// - Throws: ``FlywheelError`` for an unknown name (with the nearest known one) or a file that
    ///   is not there (saying how to set the data home).
    public static func locate(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let d = try dataset(named: name)
        let dir = directory(environment: environment)
        let path = (dir as NSString).appendingPathComponent(d.file)
        guard FileManager.default.fileExists(atPath: path) else {
            let source = environment[variable].map { !$0.isEmpty } == true ? " (from \(variable))" : " (the default; \(variable) is not set)"
            throw FlywheelError("\(d.name) is not in the data home \(dir)\(source): \(path) does not exist",
                                hint: "copy it there from a mirror with `flywheel dataset fetch \(d.name) --from DIR|URL`, or set \(variable) "
                                    + "to the folder that holds it, e.g. export \(variable)=/path/to/datasets")
        }
        return path
    }

    /// Resolves a replay path: an absolute path as is; a relative one against the data home, then
    /// `scenarioDirectory`, then the current directory. Returns the first existing file, or nil
    /// and every place tried.
    public static func resolve(_ path: String, scenarioDirectory: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> (path: String?, tried: [String]) {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") {
            return (FileManager.default.fileExists(atPath: expanded) ? expanded : nil, [expanded])
        }
        var bases = [directory(environment: environment)]
        if let s = scenarioDirectory { bases.append(s) }
        bases.append(FileManager.default.currentDirectoryPath)
        var tried: [String] = []
        for b in bases {
            let p = URL(fileURLWithPath: b).appendingPathComponent(expanded).standardizedFileURL.path
            if tried.contains(p) { continue }
            tried.append(p)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { return (p, tried) }
        }
        return (nil, tried)
    }
}

/// Reads a `stream: {replay: ...}` section and the `clock:` that goes with it.
///
/// ```yaml
/// clock: {ticks: 60}            # optional: default all ticks; tick and start come from the file
/// stream:
///   warmup_ticks: 7             # ticks at the start of the file the initial model is fitted on
///   replay:
///     path: elec2.csv           # data home ($FLYWHEEL_DATA), then the scenario's folder, then .
///     timestamp: timestamp_reconstructed
///     label: class
///     numeric: [nswprice, nswdemand]
///     tick: 1d
///     known_drifts:             # change points the data is known to have
///       - {at: 10000, type: instantaneous}          # a 0-based row …
///       - {at: 1997-06-01, type: gradual, width: 7d} # … or a time
/// ```
///
/// The replay keys are the snake_case fields of ``ReplayMapping``. With ticks grouped by rows
/// (`tick: 500 rows`) a tick has no length in time: every duration of the scenario must be a tick
/// count (`every: 14`); a time such as `every: 7d` is refused at its line, as are `clock.tick` and
/// (without a timestamp column) `clock.start`.
public enum ReplayReader {
    /// Runs `body` with every SQLite table or query it replays stopped after `seconds` per pass
    /// (``SQLiteRows/timeLimit``): validate and dataset describe use it, so a query that never
    /// ends is reported instead of hanging.
    public static func withQueryTimeLimit<T>(_ seconds: Double?, _ body: () throws -> T) rethrows -> T {
        try SQLiteRows.$timeLimit.withValue(seconds) { try body() }
    }

    /// The keys of `replay:`; on equally near misspellings the earlier key is suggested (so
    /// `lable` suggests `label`, not `table`).
    static let mappingKeys = ["path", "timestamp", "timestamp_format", "label", "label_kind", "classes", "numeric", "categorical",
                              "categories", "encoding", "max_categories", "slice", "slices", "tick", "origin", "order", "delimiter",
                              "known_drifts", "table", "query"]
    static let streamKeys = ["replay", "warmup_ticks"]
    static let clockKeys = ["tick", "ticks", "start", "events_per_tick"]
    static let knownDriftKeys = ["at", "type", "width", "name"]
    /// Drift targets that can be injected into real data.
    static let targets = ["covariates", "prior", "label_noise", "quality"]

    /// A replayed stream with its clock.
    struct Stream {
        var source: ReplaySource
        var clock: Clock
    }

    /// Whether the `stream:` section is a replay.
    static func isReplay(_ stream: YAMLValue?) -> Bool {
        guard let m = stream?.node.mapping else { return false }
        return m.contains { $0.key.scalar?.string == "replay" }
    }

    /// Reads the stream and clock of a replay; reports problems (with the scenario's file and line)
    /// and returns nil when there are any.
    static func read(_ stream: YAMLValue, clock clockValue: YAMLValue?, file: String) -> Stream? {
        let errorsBefore = stream.diagnostics.errors.count
        guard let s = stream.mapping(allowed: streamKeys), let r = s["replay"], let m = r.mapping(allowed: mappingKeys) else { return nil }
        let clock = clockValue?.mapping(allowed: clockKeys) ?? [:]
        func need(_ key: String) -> YAMLValue? {
            if let x = m[key] { return x }
            r.fail("missing required key '\(key)'")
            return nil
        }
        func strings(_ v: YAMLValue?) -> [String]? {
            guard let v else { return nil }
            guard let list = v.sequence() else { return nil }
            return list.compactMap { $0.string() }
        }

        // The file.
        var path: String?
        if let p = need("path"), let text = p.string() {
            let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
            let (found, tried) = DataHome.resolve(text, scenarioDirectory: folder)
            if let found { path = found } else {
                p.fail("cannot find the data file '\(text)'; looked in \(tried.joined(separator: ", "))",
                       hint: "pass --data DIR or set \(DataHome.variable) to the folder holding your datasets, or give a path relative to the scenario file")
            }
        }
        let label = need("label")?.string()
        var tick: TickGrouping?
        if let t = need("tick") {
            if let text = t.scalarText, let g = TickGrouping(parsing: text) { tick = g }
            else {
                t.fail("\"\(t.written)\" is not a tick grouping",
                       hint: "use a span such as 1d or 1h, or a row count such as \"500 rows\"")
            }
        }
        if case .rows(let n) = tick {
            // Durations elsewhere in the scenario must then be tick counts (ConfigValue.duration).
            r.diagnostics.rowsPerTick = n
            r.diagnostics.rowTicksTimestamp = m["timestamp"]?.scalarText
        }
        var format = TimestampFormat.iso8601
        if let f = m["timestamp_format"], let text = f.string() {
            if let v = TimestampFormat(parsing: text) { format = v }
            else { f.fail("'\(text)' is not a timestamp format", hint: "iso8601, epoch_s, epoch_ms, epoch_d, or a pattern such as %d/%m/%Y %H:%M") }
        }
        let kind = m["label_kind"]?.oneOf(LabelKind.allCases.map(\.rawValue)).flatMap(LabelKind.init(rawValue:)) ?? .classification
        let encoding = m["encoding"]?.oneOf(CategoricalEncoding.allCases.map(\.rawValue)).flatMap(CategoricalEncoding.init(rawValue:)) ?? .ordinal
        let order = m["order"]?.oneOf(TimestampOrder.allCases.map(\.rawValue)).flatMap(TimestampOrder.init(rawValue:)) ?? .fail
        var categories: [String: [String]] = [:]
        if let c = m["categories"], let cm = c.node.mapping {
            for (k, val) in cm {
                let key = k.scalar?.string ?? "?"
                if let list = strings(YAMLValue(node: val, path: c.child(key), diagnostics: c.diagnostics)) { categories[key] = list }
            }
        } else if let c = m["categories"] { c.fail("expected a mapping of categorical columns to their values") }
        var origin: Int64?
        if let o = m["origin"] {
            if let text = o.scalarText, let v = ISOTime.parse(Substring(text)) { origin = v }
            else { o.fail("\"\(o.written)\" is not a date", hint: "use e.g. 2024-01-01 or 2024-01-01T00:00:00Z") }
        }
        let mapping = ReplayMapping(
            path: path ?? "", timestamp: m["timestamp"]?.string(), timestampFormat: format, label: label ?? "",
            labelKind: kind, classes: strings(m["classes"]), numeric: strings(m["numeric"]) ?? [],
            categorical: strings(m["categorical"]) ?? [], categories: categories, encoding: encoding,
            maxCategories: m["max_categories"]?.int(min: 1, max: 1_000_000) ?? 64, slice: m["slice"]?.string(),
            slices: strings(m["slices"]), tick: tick ?? .rows(1), origin: origin, order: order,
            delimiter: m["delimiter"]?.string() ?? ",", table: m["table"]?.string(), query: m["query"]?.string())
        if mapping.numeric.isEmpty && mapping.categorical.isEmpty && m["numeric"] == nil && m["categorical"] == nil {
            r.fail("no feature columns: list them under numeric: [...] and/or categorical: [...]",
                   hint: "flywheel dataset describe <file> suggests a mapping")
        }

        // Declared change points.
        var declared: [DeclaredDrift] = []
        if let list = m["known_drifts"]?.sequence() {
            for item in list {
                guard let k = item.mapping(allowed: knownDriftKeys) else { continue }
                let type = k["type"]?.oneOf(["instantaneous", "gradual"]) ?? "instantaneous"
                var at: DeclaredDrift.Position?
                if let a = k["at"] {
                    if let text = a.scalarText, let row = Int(text.replacingOccurrences(of: "_", with: "")) { at = .row(row) }
                    else if let text = a.scalarText, let t = ISOTime.parse(Substring(text)) { at = .time(t) }
                    else {
                        a.fail("\"\(a.written)\" is neither a row number nor a time",
                               hint: "e.g. at: 10000 or at: 1997-06-01")
                    }
                } else { item.fail("missing required key 'at'", hint: "a 0-based row number or a time") }
                var width: DeclaredDrift.Width?
                if let w = k["width"] {
                    if let text = w.scalarText, let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 { width = .rows(n) }
                    else if let text = w.scalarText, let span = Span(parsing: text), span.seconds > 0 { width = .span(span) }
                    else {
                        w.fail("\"\(w.written)\" is not a width", hint: "a number of rows, or a duration such as 3d")
                    }
                }
                if let at { declared.append(DeclaredDrift(at: at, type: type, width: width, name: k["name"]?.string())) }
            }
        }

        // The clock.
        var nominal = Span(seconds: 86_400)
        if let t = clock["tick"] {
            if let text = t.scalarText, let span = Span(parsing: text), span.seconds > 0 {
                if case .span(let own) = tick, own != span {
                    t.fail("the replay groups rows into ticks of \(own); the clock's tick must match or be left out",
                           hint: "remove clock.tick: a replay's tick comes from replay.tick")
                }
                if case .rows(let n) = tick {
                    t.fail("ticks are \(n) rows (replay.tick): a tick has no length in time, so clock.tick "
                           + "does not apply",
                           hint: "remove clock.tick, or group by time (replay.tick: \(span)) with the file's "
                               + "timestamp column")
                }
                nominal = span
            } else { t.fail("\"\(t.written)\" is not a tick length", hint: "use e.g. 1d, 1h, 1w") }
        }
        if let e = clock["events_per_tick"] {
            e.fail("events_per_tick does not apply to a replayed stream: the file sets the volume", hint: "remove it")
        }
        var givenStart: Int64?
        if let st = clock["start"] {
            if mapping.timestamp != nil {
                st.fail("a replay with a timestamp column starts at the file's first scored tick", hint: "remove clock.start")
            } else if case .rows(let n) = tick {
                st.fail("ticks are \(n) rows of a file without a timestamp column: a tick has no time, so clock.start "
                        + "does not apply", hint: "remove clock.start, or name the file's timestamp column")
            } else if let text = st.scalarText, let v = ISOTime.parse(Substring(text)) { givenStart = v }
            else { st.fail("\"\(st.written)\" is not a date", hint: "use e.g. 2024-01-01") }
        }
        let ticks = clock["ticks"]?.int(min: 1, max: 10_000_000)
        let warmupDefault = 7
        let warmup = s["warmup_ticks"]?.int(min: 1, max: 10_000_000) ?? warmupDefault
        guard stream.diagnostics.errors.count == errorsBefore, clock["ticks"] == nil || ticks != nil else { return nil }

        // Open and scan the file: report its problems at the scenario key they come from.
        let source: ReplaySource
        do {
            source = try ReplaySource(mapping: mapping, warmupTicks: warmup, ticks: ticks, declared: declared, opener: .files)
        } catch let e as FlywheelError {
            let at = node(for: e.keyPath, replay: m, replayValue: r, stream: s, clock: clock)
            var message = e.message
            if let loc = e.location, loc.file == mapping.path, !message.contains(loc.file) {
                message = "\(loc.file)\(loc.line > 0 ? ":\(loc.line)" : ""): \(message)"
            }
            at.fail(message, hint: e.hint)
            return nil
        } catch {
            r.fail("\(error)")
            return nil
        }
        let span = source.tickSpan ?? nominal
        let start = source.start ?? givenStart ?? 1_704_067_200
        let basis: TickBasis
        if case .rows(let n) = mapping.tick {
            basis = .rows(n, first: source.start, last: source.lastScoredTime)
        } else {
            basis = .fileTime
        }
        return Stream(source: source, clock: Clock(tick: span, ticks: source.ticks, start: start, basis: basis))
    }

    /// The scenario node a replay error's key path names (`numeric[2]`, `known_drifts[0].at`,
    /// `ticks`, `warmup_ticks`, …), or the `replay:` node.
    static func node(for key: String?, replay m: [String: YAMLValue], replayValue r: YAMLValue, stream s: [String: YAMLValue],
                     clock: [String: YAMLValue]) -> YAMLValue {
        guard let key, !key.isEmpty else { return r }
        if key == "ticks" { return clock["ticks"] ?? r }
        if key == "warmup_ticks" { return s["warmup_ticks"] ?? r }
        let head = String(key.prefix { $0 != "[" && $0 != "." })
        guard var v = m[head] else { return r }
        var rest = key.dropFirst(head.count)
        while !rest.isEmpty {
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]) {
                guard let list = v.node.sequence, i < list.count else { break }
                v = YAMLValue(node: list[i], path: "\(v.path)[\(i)]", diagnostics: v.diagnostics)
                rest = rest[rest.index(after: close)...]
            } else if rest.hasPrefix(".") {
                let name = String(rest.dropFirst().prefix { $0 != "[" && $0 != "." })
                guard let map = v.node.mapping, let child = map.first(where: { $0.key.scalar?.string == name }) else { break }
                v = YAMLValue(node: child.value, path: v.child(name), diagnostics: v.diagnostics)
                rest = rest.dropFirst(1 + name.count)
            } else { break }
        }
        return v
    }

    /// Checks that a `drifts:` entry can be injected into replayed data; reports it otherwise.
    static func checkDrift(_ v: YAMLValue) -> Bool {
        guard let m = v.node.mapping else { return true }
        let target = m.first { $0.key.scalar?.string == "target" }?.value.scalar?.string ?? "concept"
        guard target == "concept" else { return true }
        let at = m.first { $0.key.scalar?.string == "target" }.map { YAMLValue(node: $0.value, path: v.child("target"), diagnostics: v.diagnostics) } ?? v
        at.fail("a concept drift cannot be injected into replayed data: a real label cannot be recomputed under another concept",
                hint: "inject \(targets.joined(separator: ", ")), or declare a change the data is known to have under replay.known_drifts")
        return false
    }
}
