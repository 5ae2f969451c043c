import FlywheelCore
import Foundation

/// A change point a dataset is known to have, declared by the user (`known_drifts:` under a
/// scenario's `replay:`), e.g. the SEA files of López Lobo (2020), abrupt at rows 10,000, 20,000
/// and 30,000. It enters the run's ground truth with target `concept` and detail `declared`.
public struct DeclaredDrift: Sendable, Hashable {
    /// Where the change happens in the file.
    public enum Position: Sendable, Hashable {
        /// The 0-based data row at which the new world starts (row 10,000 is the 10,001st data row).
        case row(Int)
        /// A time in seconds since the epoch (needs a timestamp column and ticks grouped by time).
        case time(Int64)
    }
    /// How long a gradual change takes: a number of rows, or a span of time.
    public enum Width: Sendable, Hashable {
        case rows(Int)
        case span(Span)
    }

    public var at: Position
    /// `instantaneous` or `gradual`.
    public var type: String
    /// The width of a gradual change (nil for an instantaneous one).
    public var width: Width?
    /// An optional name, appended to the detail (`declared: <name>`).
    public var name: String?

    public init(at: Position, type: String = "instantaneous", width: Width? = nil, name: String? = nil) {
        self.at = at
        self.type = type
        self.width = width
        self.name = name
    }
}

/// Replayed data as a run's traffic: a CSV file or SQLite table (``TableReplay``) streamed tick by tick, the first
/// ``warmupTicks`` ticks forming the warm-up history the initial model is fitted on (not scored),
/// the next ``ticks`` ticks the scored run, with optional injected drifts.
///
/// **One realisation.** Real data happened once: ``open(replicate:seed:)`` returns the same
/// batches for every replicate (injected drifts draw from a stream named by the seed only, never
/// by the replicate). Replicates of a replay therefore differ only by the strategies' own
/// randomness (e.g. which events get labelled, holdout splits, stochastic learners).
///
/// **Memory.** Decoding is streaming (``TableReplay`` never holds the file) and the engine reads
/// the replay once for all replicates (``replicatesShareTraffic``), in chunks of ticks that every
/// strategy simulates before the next chunk is read: only the warm-up, the chunk in flight
/// (`8·dimension + 32` bytes an event) and each strategy's labelled rows are held, so a file
/// larger than memory replays.
///
/// **Injected drift on real data** (time `t` in scored ticks; event `i` of `n` in tick `k` is at
/// `k + i/n`), through the same ``DriftInjector`` as synthetic streams:
/// - covariates: the real feature is shifted/scaled; the recorded label stays the real one, so
///   unlike on a synthetic stream (where labels follow the transformed input) the relation between
///   the served input and the label changes too;
/// - quality faults and label noise: exactly as on synthetic streams (on a regression target,
///   label noise adds `η·N(0, 1)` in the target's own units);
/// - prior: by thinning the tick's rows. With `b` the class's share among the tick's rows and
///   `s = b + I·(share − b)` the wanted share, a row is kept with
///   ``DriftInjector/priorAcceptance(isClass:base:target:)``; the kept rows have share `s` in
///   expectation and an unchanged `P(x | y)`. Volume drops accordingly (a tick without the class
///   stays unchanged);
/// - a subpopulation (covariates, `subpopulation:`): by thinning the same way, with `b` the share
///   of the tick's rows whose recorded inputs lie in the region; the kept rows have share
///   `b + I·(goal − b)` in the region in expectation, and the rows inside and outside keep their
///   distributions (and their real labels). A tick with no row in the region, or only such rows,
///   stays unchanged. A thinned tick records each kept row's place (``EventBatch/offsets``);
/// - concept drifts cannot be injected (a real label cannot be recomputed under another concept);
///   the scenario loader rejects them.
///
/// Real data has no Bayes ceiling: `bayes` is NaN and `concept` is 0 on every event.
public struct ReplaySource: TrafficSource {
    public let mapping: ReplayMapping
    public let schema: FeatureSchema
    /// Ticks at the start of the file used as warm-up history (not scored).
    public let warmupTicks: Int
    /// Scored ticks.
    public let ticks: Int
    /// Ticks in the whole file.
    public let fileTicks: Int
    /// Data rows in the whole file.
    public let rows: Int
    /// Rows in each tick of the file (empty ticks included).
    public let rowsPerTick: [Int]
    /// Start of each tick of the file in seconds since the epoch (nil without a timestamp column).
    public let tickStarts: [Int64?]
    /// Timestamp of the last row of each tick of the file, when grouping by rows with a timestamp
    /// column (nil otherwise).
    public let tickLastTimes: [Int64?]
    /// Start of tick 0 of the file when grouping by time.
    public let origin: Int64?
    /// Injected drifts (covariates, prior, label noise, quality), in scenario order; times in scored ticks.
    public var drifts: [Drift]
    public var injectedDrifts: [Drift] { drifts }
    public var largestTickEvents: Int { rowsPerTick.max() ?? 0 }
    public var warmupEventCount: Int { rowsPerTick.prefix(warmupTicks).reduce(0, +) }
    public let declared: [DeclaredDrift]
    /// Opens the mapping's rows: ``ReplayOpener/csv``, or one that also reads SQLite databases.
    public let opener: ReplayOpener
    private let declaredTruth: [DriftTruth]

    /// Scans the file once (validating every row) and resolves the declared drifts.
    ///
    /// - Parameters:
    ///   - ticks: scored ticks to replay (the first ones after the warm-up); nil replays them all.
    ///   - opener: opens the mapping's rows (CSV files by default).
    /// - Throws: ``FlywheelError`` for any problem of the file or mapping (see ``TableReplay``), a
    ///   warm-up that leaves no tick to score, more `ticks` than the file has, or a declared drift
    ///   outside the file (key `known_drifts[i]…`).
    public init(mapping: ReplayMapping, warmupTicks: Int, ticks: Int? = nil, drifts: [Drift] = [],
                declared: [DeclaredDrift] = [], opener: ReplayOpener = .csv) throws {
        let replay = try opener.replay(mapping)
        var counts: [Int] = [], starts: [Int64?] = [], lasts: [Int64?] = []
        while let (_, start, batch) = try replay.nextTick() {
            counts.append(batch.count)
            starts.append(start)
            lasts.append(replay.lastRowTime)
            guard counts.count <= Limits.maxTicks else {
                throw FlywheelError("the file holds more than \(Limits.grouped(Limits.maxTicks)) ticks of "
                                    + "\(mapping.tick), the longest run", key: "tick",
                                    hint: "use a longer tick, or remove the rows whose timestamps lie far "
                                        + "from the others")
            }
        }
        self.mapping = mapping
        self.opener = opener
        schema = replay.schema
        origin = replay.origin
        rowsPerTick = counts
        tickStarts = starts
        tickLastTimes = lasts
        fileTicks = counts.count
        rows = counts.reduce(0, +)
        guard warmupTicks >= 1 else {
            throw FlywheelError("warmup_ticks must be at least 1: the initial model is fitted on the warm-up ticks", key: "warmup_ticks")
        }
        guard warmupTicks < fileTicks else {
            throw FlywheelError("warmup_ticks: \(warmupTicks) leaves no tick to score: the file has \(fileTicks) tick\(fileTicks == 1 ? "" : "s") of \(mapping.tick)",
                                key: "warmup_ticks", hint: "use fewer warm-up ticks or smaller ticks")
        }
        let warmRows = counts[0..<warmupTicks].reduce(0, +)
        guard warmRows >= 2 else {
            throw FlywheelError("the \(warmupTicks) warm-up tick\(warmupTicks == 1 ? "" : "s") hold \(warmRows) row\(warmRows == 1 ? "" : "s"); the initial model needs at least 2",
                                key: "warmup_ticks", hint: "use more warm-up ticks")
        }
        let available = fileTicks - warmupTicks
        if let ticks {
            guard ticks >= 1 else { throw FlywheelError("ticks must be at least 1", key: "ticks") }
            guard ticks <= available else {
                throw FlywheelError("ticks: \(ticks) is more than the file holds: \(available) ticks after \(warmupTicks) warm-up ticks",
                                    key: "ticks", hint: "leave ticks out to replay the whole file")
            }
        }
        self.warmupTicks = warmupTicks
        self.ticks = ticks ?? available
        self.drifts = drifts
        self.declared = declared
        var cumulative = [0]
        cumulative.reserveCapacity(counts.count + 1)
        for c in counts { cumulative.append(cumulative.last! + c) }
        declaredTruth = try ReplaySource.resolve(declared, mapping: mapping, origin: replay.origin, cumulative: cumulative,
                                                 warmup: warmupTicks, horizon: self.ticks)
    }

    /// The tick length of a time-grouped replay (nil when ticks group rows).
    public var tickSpan: Span? { if case .span(let s) = mapping.tick { return s } else { return nil } }

    /// Start of the first scored tick in seconds since the epoch (nil without a timestamp column).
    public var start: Int64? { tickStarts[warmupTicks] }

    /// Timestamp of the last scored row when grouping by rows with a timestamp column (nil otherwise).
    public var lastScoredTime: Int64? { tickLastTimes[warmupTicks + ticks - 1] }

    /// The injected drifts' truth (ids: their positions in the scenario), then the declared change
    /// points that fall within the scored ticks (ids continue after the injected drifts).
    public func groundTruth() -> [DriftTruth] {
        let injected = DriftInjector(drifts: drifts, dimension: schema.dimension, classCount: schema.classes.count).groundTruth(horizon: ticks)
        return injected + declaredTruth.enumerated().map { j, t in
            var t = t
            t.id = drifts.count + j
            return t
        }
    }

    /// Position of a 0-based row in file ticks: `k + i/n` for the `i`-th of the `n` rows of tick `k`.
    static func position(ofRow r: Int, cumulative: [Int]) -> Double {
        // The last tick k with cumulative[k] <= r and a row at r.
        var lo = 0, hi = cumulative.count - 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if cumulative[mid] <= r { lo = mid } else { hi = mid - 1 }
        }
        let n = cumulative[lo + 1] - cumulative[lo]
        return Double(lo) + (n > 0 ? Double(r - cumulative[lo]) / Double(n) : 0)
    }

    static func resolve(_ declared: [DeclaredDrift], mapping: ReplayMapping, origin: Int64?, cumulative: [Int],
                        warmup: Int, horizon: Int) throws -> [DriftTruth] {
        let rows = cumulative.last!
        var out: [DriftTruth] = []
        for (i, d) in declared.enumerated() {
            let key = "known_drifts[\(i)]"
            guard d.type == "instantaneous" || d.type == "gradual" else {
                throw FlywheelError("declared drift type '\(d.type)' is not instantaneous or gradual", key: "\(key).type")
            }
            if d.type == "gradual" && d.width == nil {
                throw FlywheelError("a gradual declared drift needs a width", key: "\(key).width",
                                    hint: "e.g. width: 1000 (rows) or width: 3d")
            }
            if d.type == "instantaneous" && d.width != nil {
                throw FlywheelError("'width' does not apply to an instantaneous drift", key: "\(key).width")
            }
            var center: Double, half = 0.0
            switch d.at {
            case .row(let r):
                guard r >= 0, r < rows else {
                    throw FlywheelError("row \(r) is outside the file, which has rows 0 to \(rows - 1)", key: "\(key).at")
                }
                center = position(ofRow: r, cumulative: cumulative)
                if let w = d.width {
                    guard case .rows(let n) = w else {
                        throw FlywheelError("the drift is placed at a row, so its width is a number of rows", key: "\(key).width")
                    }
                    let a = position(ofRow: max(r - n / 2, 0), cumulative: cumulative)
                    let b = r + n / 2 >= rows ? Double(cumulative.count - 1) : position(ofRow: r + n / 2, cumulative: cumulative)
                    half = (b - a) / 2
                    center = (a + b) / 2
                }
            case .time(let t):
                guard case .span(let span) = mapping.tick, let origin else {
                    throw FlywheelError("a declared drift placed at a time needs ticks grouped by time", key: "\(key).at",
                                        hint: "give the row number instead, e.g. at: 10000")
                }
                center = Double(t - origin) / Double(span.seconds)
                guard center >= 0, center < Double(cumulative.count - 1) else {
                    throw FlywheelError("\(ISOTime.format(t)) is outside the file's ticks (from \(ISOTime.format(origin)))", key: "\(key).at")
                }
                if let w = d.width {
                    guard case .span(let s) = w else {
                        throw FlywheelError("the drift is placed at a time, so its width is a duration such as 3d", key: "\(key).width")
                    }
                    half = Double(s.seconds) / Double(span.seconds) / 2
                }
            }
            let cp = center - Double(warmup)
            guard cp >= 0, cp < Double(horizon) else { continue }   // in the warm-up or after the scored ticks
            let start = max(cp - half, 0), end = min(cp + half, Double(horizon))
            out.append(DriftTruth(id: out.count, type: d.type, target: "concept", start: start, end: end, peak: 1,
                                  changePoint: cp, detail: d.name.map { "declared: \($0)" } ?? "declared"))
        }
        return out
    }

    /// Replays the file: the warm-up ticks concatenated, then a cursor over the scored ticks with
    /// the injected drifts, read from the file as the engine asks for them.
    ///
    /// - Complexity: O(rows × (fields + drifts)); memory holds the warm-up and one tick.
    public func open(replicate: Int, seed: UInt64) throws -> TrafficCursor {
        let replay = try opener.replay(mapping)
        let d = schema.dimension, k = schema.classes.count
        var warmup = EventBatch(dimension: d, capacity: rowsPerTick[0..<warmupTicks].reduce(0, +))
        var first: (Int, EventBatch)?
        while let (tick, _, b) = try replay.nextTick() {
            if tick >= warmupTicks { first = (tick, b); break }
            warmup.features.append(contentsOf: b.features)
            warmup.labels.append(contentsOf: b.labels)
            warmup.concept.append(contentsOf: b.concept)
            warmup.slice.append(contentsOf: b.slice)
            warmup.bayes.append(contentsOf: b.bayes)
        }
        let injector = DriftInjector(drifts: drifts, dimension: d, classCount: k)
        let rng = RandomStream(seed: seed, path: "replay", "drifts")
        let state = Box(injector.makeState())
        let shares = Box([Double](repeating: 0, count: k))
        let regionShares = Box([Double](repeating: 0, count: injector.regions.count))
        let pending = Box(first)
        let (ticks, warmupTicks, drifts) = (self.ticks, self.warmupTicks, self.drifts)
        return TrafficCursor(warmup: warmup) {
            let next: (Int, EventBatch)?
            if let p = pending.value { next = p; pending.value = nil } else { next = try replay.nextTick().map { ($0.0, $0.2) } }
            guard let (tick, b) = next else { return nil }
            let scored = tick - warmupTicks
            guard scored < ticks else { return nil }
            var batch = b
            if !drifts.isEmpty {
                self.inject(into: &batch, tick: scored, injector: injector, state: &state.value, shares: &shares.value,
                            regionShares: &regionShares.value, rng: rng)
            }
            return batch
        }
    }

    /// Replayed data happened once: every replicate reads the same events.
    public var replicatesShareTraffic: Bool { true }

    /// Applies the injected drifts to one tick's events in place; rows a thinning drift rejects are removed.
    private func inject(into batch: inout EventBatch, tick: Int, injector: DriftInjector, state: inout EventDrifts,
                        shares: inout [Double], regionShares: inout [Double], rng: RandomStream) {
        let n = batch.count, d = batch.dimension
        guard n > 0 else { return }
        if injector.hasPrior {
            for c in shares.indices { shares[c] = 0 }
            for y in batch.labels { let c = Int(y); if c >= 0 && c < shares.count { shares[c] += 1 } }
            for c in shares.indices { shares[c] /= Double(n) }
        }
        for r in regionShares.indices {
            let region = injector.regions[r]
            var inside = 0
            for i in 0..<n where region.contains(batch.features[(i * d)..<(i * d + d)]) { inside += 1 }
            regionShares[r] = Double(inside) / Double(n)
        }
        var kept = 0, placed = false
        batch.features.withUnsafeMutableBufferPointer { features in
            for i in 0..<n {
                let t = Double(tick) + Double(i) / Double(n)
                // A tick holding only one class (or none of it), or only rows in a region (or none),
                // cannot be rebalanced by thinning: the injector leaves such a drift out.
                injector.evaluate(at: t, baseShares: shares, regionShares: regionShares, into: &state, rng: rng)
                let y = batch.labels[i]
                if state.thins {
                    let row = UnsafeMutableBufferPointer(rebasing: features[(i * d)..<(i * d + d)])
                    let accept = injector.acceptance(row, label: y, drifts: state, classShares: shares, regionShares: regionShares)
                    if !(rng.uniform() < accept) { continue }
                }
                if kept != i, !placed {   // the first row kept after a drop: record places from now on
                    placed = true
                    batch.offsets.reserveCapacity(n)
                    for j in 0..<kept { batch.offsets.append(Double(j) / Double(n)) }
                }
                if placed { batch.offsets.append(Double(i) / Double(n)) }
                if kept != i {
                    for j in 0..<d { features[kept * d + j] = features[i * d + j] }
                    batch.concept[kept] = batch.concept[i]
                    batch.slice[kept] = batch.slice[i]
                    batch.bayes[kept] = batch.bayes[i]
                }
                let x = UnsafeMutableBufferPointer(rebasing: features[(kept * d)..<(kept * d + d)])
                state.covariates.apply(x)
                batch.labels[kept] = injector.finish(x, label: y, drifts: state, at: t, rng: rng)
                kept += 1
            }
        }
        if kept < n {
            batch.features.removeLast((n - kept) * d)
            batch.labels.removeLast(n - kept)
            batch.concept.removeLast(n - kept)
            batch.slice.removeLast(n - kept)
            batch.bayes.removeLast(n - kept)
        }
    }
}
