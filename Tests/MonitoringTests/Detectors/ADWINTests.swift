import Testing
import Foundation
@testable import Monitoring
import FlywheelCore
import Foundation

/// ADWIN's two conventions against River 0.26.1 (reset after a detection) and MOA through
/// CapyMOA 0.15.1 (keep the cut window).
@Suite(.enabled(if: Oracles.available, Oracles.missing))
struct ADWINOracleTests {
    static func file(_ stream: String) -> String { stream == "bits" ? "c1_stream_bits.csv" : "c1_stream_gauss.csv" }

    @Test(arguments: ["bits", "gauss"])
    func riverStateAtDetectionMatches(stream: String) throws {
        let values = try Oracles.stream(Self.file(stream))
        let oracle = try Oracles.detectorResult(stream, "ADWIN")
        let states = oracle["adwin_state_at_detection"] as! [[String: Any]]
        var adwin = try ADWIN()
        var checked = 0
        for (i, v) in values.enumerated() {
            adwin.update(v)
            if let s = states.first(where: { ($0["index"] as! NSNumber).intValue == i }) {
                #expect(adwin.driftDetected)
                #expect(Double(adwin.width) == Oracles.double(s["width_after_detection_update"]))
                #expect(abs(adwin.estimation - Oracles.double(s["estimation"])) <= 1e-12 * max(1, abs(adwin.estimation)))
                checked += 1
            }
        }
        #expect(checked == states.count && checked > 0)
    }

    @Test func riverResetsOnTheUpdateAfterADetection() throws {
        let values = try Oracles.stream("c1_stream_bits.csv")
        let probes = try Oracles.json("c1_detectors.json")["adwin_semantics_probe_bits"] as! [[String: Any]]
        var adwin = try ADWIN(convention: .river)
        var byIndex: [Int: (Bool, Int, Int)] = [:]
        for (i, v) in values.enumerated() {
            adwin.update(v)
            byIndex[i] = (adwin.driftDetected, adwin.width, adwin.detections)
        }
        for p in probes {
            let i = (p["index"] as! NSNumber).intValue
            let got = byIndex[i]!
            #expect(got.0 == (p["drift_detected"] as! Bool), "drift at \(i)")
            #expect(Double(got.1) == Oracles.double(p["width"]), "width at \(i)")
            #expect(got.2 == (p["n_detections"] as! NSNumber).intValue, "detections at \(i)")
        }
    }

    @Test(arguments: ["bits", "gauss"])
    func moaConventionMatchesMOAPositionsAndWidths(stream: String) throws {
        let values = try Oracles.stream(Self.file(stream))
        let moa = try Oracles.json("cx_moa_adwin.json")[stream] as! [String: Any]
        let widths = moa["width_around_first"] as! [String: Any]
        var adwin = try ADWIN(convention: .moa)
        var drifts: [Int] = []
        var seenWidths: [Int: Int] = [:]
        for (i, v) in values.enumerated() {
            adwin.update(v)
            if adwin.driftDetected { drifts.append(i) }
            seenWidths[i] = adwin.width
        }
        #expect(drifts == Oracles.ints(moa["drift_indices"]))
        #expect(!widths.isEmpty)
        for (k, w) in widths {
            #expect(seenWidths[Int(k)!] == (w as! NSNumber).intValue, "width at \(k)")
        }
    }
}

/// Invariants of the exponential histogram that need no oracle.
struct ADWINInvariantTests {
    @Test func statisticsMatchTheWindowContentsWhileNothingIsCut() throws {
        var adwin = try ADWIN(clock: 1_000_000)   // never checks: the window keeps every value
        var sum = 0.0, values: [Double] = []
        for i in 0..<1_000 {
            let v = Double((i * 7919) % 13) / 13
            values.append(v)
            sum += v
            adwin.update(v)
        }
        let mean = sum / 1_000
        let ss = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        #expect(adwin.width == 1_000)
        #expect(abs(adwin.estimation - mean) < 1e-12)
        #expect(abs(adwin.sumOfSquares - ss) < 1e-9)
        #expect(abs(adwin.variance - ss / 1_000) < 1e-12)
    }

    @Test func moaConventionKeepsTheCutWindowAndRiverEmptiesIt() throws {
        var river = try ADWIN(convention: .river), moa = try ADWIN(convention: .moa)
        var riverCut = -1, moaCut = -1
        for i in 0..<4_000 {
            let v: Double = i < 2_000 ? 0 : 1
            river.update(v); moa.update(v)
            if river.driftDetected && riverCut < 0 { riverCut = i }
            if moa.driftDetected && moaCut < 0 { moaCut = i }
            if i == riverCut + 1 && riverCut >= 0 { #expect(river.width == 1) }
            if i == moaCut + 1 && moaCut >= 0 { #expect(moa.width > 1) }
        }
        #expect(riverCut >= 2_000 && moaCut >= 2_000)
    }

    /// The division-free screen only skips cuts River's test rejects: with and without it, every
    /// update gives the same decision and width, on bits and on real values of several scales
    /// (at 1e150 the screen's products overflow, and it must then leave every cut to River's test).
    @Test(arguments: [0.1, 1.0, 1e6, 1e150])
    func cutScreenNeverChangesADecision(scale: Double) throws {
        let rng = RandomStream(seed: 17, path: "adwin-screen", scale)
        for convention in ADWIN.Convention.allCases {
            var screened = try ADWIN(delta: 0.01, clock: 4, convention: convention)
            var exact = screened
            exact.screensCuts = false
            var detections = 0
            for i in 0..<30_000 {
                let phase = (i / 3_000) % 3
                let v = scale * (rng.gaussian() + Double(phase) * 0.7) + (scale == 1 ? Double(rng.bernoulli(0.3) ? 1 : 0) : 0)
                screened.update(v)
                exact.update(v)
                #expect(screened.driftDetected == exact.driftDetected && screened.width == exact.width)
                if screened.driftDetected { detections += 1 }
                if screened.width != exact.width { break }
            }
            #expect(detections > 3)
        }
    }

    /// Parameters the oracles do not cover (row capacities below, at and above a power of two;
    /// a check at every update): every decision and width as River's algorithm written plainly.
    @Test(arguments: [(2, 1), (3, 32), (7, 5), (8, 32)])
    func matchesAPlainImplementationOfRiversAlgorithm(maxBuckets: Int, clock: Int) throws {
        let rng = RandomStream(seed: 23, path: "adwin-plain", maxBuckets, clock)
        var adwin = try ADWIN(delta: 0.01, clock: clock, maxBuckets: maxBuckets)
        var plain = PlainADWIN(delta: 0.01, clock: clock, maxBuckets: maxBuckets)
        var detections = 0
        for i in 0..<20_000 {
            let v = (i / 2_500) % 2 == 0 ? (rng.bernoulli(0.2) ? 1.0 : 0.0) : rng.gaussian() + 0.8
            adwin.update(v)
            let expected = plain.update(v)
            #expect(adwin.driftDetected == expected && adwin.width == plain.width, "update \(i)")
            if adwin.width != plain.width { break }
            if expected { detections += 1 }
        }
        #expect(detections > 3)
    }

    @Test func copiesDoNotShareTheirWindow() throws {
        var a = try ADWIN()
        for i in 0..<100 { a.update(Double(i % 2)) }
        var b = a
        for _ in 0..<50 { b.update(1) }
        #expect(a.width == 100 && b.width == 150)
        #expect(a.total == 50 && b.total == 100)
        a.update(0)
        #expect(a.width == 101 && b.width == 150)
    }

    @Test func rejectsBadParameters() {
        #expect(throws: FlywheelError.self) { _ = try ADWIN(delta: 0) }
        #expect(throws: FlywheelError.self) { _ = try ADWIN(clock: 0) }
        #expect(throws: FlywheelError.self) { _ = try ADWIN(maxBuckets: 1) }
    }
}

/// River 0.26.1's ADWIN as plainly as it can be written: rows as arrays of (sum, sum of squared
/// deviations), the cut scan with River's divisions at every cut, a fresh window after a detection.
struct PlainADWIN {
    let delta: Double, clock: Int, maxBuckets: Int, minLength = 5.0, gracePeriod = 10
    var rows: [[(total: Double, square: Double)]] = [[]]
    var width = 0, total = 0.0, sumOfSquares = 0.0, tick = 0, detected = false

    init(delta: Double, clock: Int, maxBuckets: Int) {
        self.delta = delta
        self.clock = clock
        self.maxBuckets = maxBuckets
    }

    mutating func update(_ value: Double) -> Bool {
        if detected { self = PlainADWIN(delta: delta, clock: clock, maxBuckets: maxBuckets) }
        rows[0].append((value, 0))
        width += 1
        let w = Double(width)
        if width > 1 {
            let d = value - total / (w - 1)
            sumOfSquares += (w - 1) * d * d / w
        }
        total += value
        var i = 0
        while rows[i].count > maxBuckets {
            if i + 1 == rows.count { rows.append([]) }
            let n = Double(1 << i)
            let a = rows[i].removeFirst(), b = rows[i].removeFirst()
            let mu0 = a.total / n, mu1 = b.total / n
            rows[i + 1].append((a.total + b.total, a.square + b.square + n * n * (mu0 - mu1) * (mu0 - mu1) / (n + n)))
            i += 1
        }
        tick += 1
        detected = false
        guard tick % clock == 0 && width > gracePeriod else { return false }
        while cutFound() {
            detected = true
            let top = rows.count - 1
            let n = Double(1 << top)
            let (u, v) = rows[top].removeFirst()
            width -= 1 << top
            total -= u
            let w = Double(width)
            sumOfSquares -= v + n * w * (u / n - total / w) * (u / n - total / w) / (n + w)
            if rows[top].isEmpty && rows.count > 1 { rows.removeLast() }
        }
        return detected
    }

    private func cutFound() -> Bool {
        let w = Double(width)
        let deltaPrime = log(2 * log(w) / delta)
        let variance = sumOfSquares / w
        var n0 = 0.0, n1 = w, u0 = 0.0, u1 = total
        let cuts = rows.indices.reversed().flatMap { i in rows[i].map { (Double(1 << i), $0.total) } }.dropLast()
        for (size, u) in cuts {
            n0 += size; n1 -= size; u0 += u; u1 -= u
            guard n0 >= minLength && n1 >= minLength else { continue }
            let m = 1 / (n0 - minLength + 1) + 1 / (n1 - minLength + 1)
            if abs(u0 / n0 - u1 / n1) > (2 * m * variance * deltaPrime).squareRoot() + 2.0 / 3.0 * deltaPrime * m { return true }
        }
        return false
    }
}
