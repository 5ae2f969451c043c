import Testing
import Foundation
@testable import Monitoring
import FlywheelCore

/// Records the positions handed out, so a test can compare them with River's.
final class DrawLog {
    var draws: [[Int]] = []
}

/// Replays River's draws: the sequence of `random.Random(42).sample(range(70), 30)` results
/// recorded from the start of the trace. `restart` goes back to its beginning, as River re-seeds
/// its generator on every reset.
struct ReplaySampler: KSWINSampler {
    let sequence: [[Int]]
    var cursor = 0
    let log: DrawLog

    mutating func draw(from population: Int, into positions: UnsafeMutableBufferPointer<Int>) {
        let next = cursor < sequence.count ? sequence[cursor] : Array(0..<positions.count)
        cursor += 1
        for i in 0..<positions.count { positions[i] = next[i] }
        log.draws.append(next)
    }

    mutating func restart() { cursor = 0 }
}

@Suite(.enabled(if: Oracles.available, Oracles.missing))
struct KSWINOracleTests {
    struct TraceRow {
        var pValue: Double?
        var positions: [Int]
    }

    static func trace(_ name: String) throws -> [TraceRow] {
        try Oracles.rows(name).map { cols in
            TraceRow(pValue: cols[1].isEmpty ? nil : Double(cols[1])!,
                     positions: cols[2].split(separator: " ").map { Int($0)! })
        }
    }

    @Test(arguments: [("bits", "c1_stream_bits.csv", "c1_kswin_trace_bits.csv"),
                      ("gauss", "c1_stream_gauss.csv", "c1_kswin_trace_gauss.csv")])
    func replayedDrawsReproduceRiversPValuesAndDrifts(stream: String, input: String, traceFile: String) throws {
        let values = try Oracles.stream(input)
        let rows = try Self.trace(traceFile)
        let drifts = Oracles.ints(try Oracles.detectorResult(stream, "KSWIN")["drift_indices"])
        #expect(rows.count == values.count)
        // River's draw sequence from a fresh generator: the draws up to (and including) the first detection.
        let firstDrift = drifts.first ?? rows.count - 1
        let sequence = rows[...firstDrift].map(\.positions).filter { !$0.isEmpty }
        let log = DrawLog()
        var kswin = try KSWIN(alpha: 0.005, windowSize: 100, statSize: 30, sampler: ReplaySampler(sequence: sequence, log: log))
        var found: [Int] = []
        var mismatches = 0
        for (i, v) in values.enumerated() {
            kswin.update(v)
            if kswin.driftDetected { found.append(i) }
            switch (kswin.pValue, rows[i].pValue) {
            case (nil, nil): break
            case let (got?, want?): if abs(got - want) > 1e-12 * max(want, 1e-300) { mismatches += 1 }
            default: mismatches += 1
            }
        }
        #expect(found == drifts)
        #expect(mismatches == 0)
        // The positions River drew at every test equal those we replayed after each reset.
        #expect(log.draws == rows.map(\.positions).filter { !$0.isEmpty })
    }
}

struct KolmogorovSmirnovTests {
    /// P(D_{n,n} ≥ h/n) by brute force over all C(2n, n) orderings, for small n.
    static func bruteForce(n: Int, h: Int) -> Double {
        var outside = 0, total = 0
        // a path: n steps up (sample A) and n steps right (sample B); D·n = max |#A − #B| over prefixes
        func walk(_ a: Int, _ b: Int, _ maxGap: Int) {
            if a == n && b == n { total += 1; if maxGap >= h { outside += 1 }; return }
            if a < n { walk(a + 1, b, max(maxGap, abs(a + 1 - b))) }
            if b < n { walk(a, b + 1, max(maxGap, abs(a - b - 1))) }
        }
        walk(0, 0, 0)
        return Double(outside) / Double(total)
    }

    @Test(arguments: [(5, 1), (5, 2), (5, 3), (6, 4), (7, 2), (8, 5), (8, 8)])
    func exactPValueEqualsPathCount(n: Int, h: Int) {
        let exact = KolmogorovSmirnov.exactPValue(n: n, h: h)
        #expect(abs(exact - Self.bruteForce(n: n, h: h)) < 1e-12)
    }

    @Test func statisticCountsTiesTogether() {
        let a: [Double] = [1, 2, 2, 3], b: [Double] = [2, 2, 4, 5]
        let h = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { KolmogorovSmirnov.scaledStatistic(sortedA: pa, sortedB: $0) } }
        // F_a − F_b: at 1: 1/4, at 2: 3/4 − 2/4, at 3: 1 − 2/4 = 2/4, at 4: 1 − 3/4
        #expect(h == 2)
        #expect(KolmogorovSmirnov.exactPValue(n: 4, h: 0) == 1)
    }
}

/// KSWIN with our own seeded sampler: statistical behaviour.
struct KSWINStatisticalTests {
    @Test func detectsAMeanShiftSoonAfterIt() throws {
        var misses = 0, delays: [Int] = []
        for replicate in 0..<20 {
            let rng = RandomStream(seed: 7, path: "kswin-shift", replicate)
            var kswin = try KSWIN(seed: UInt64(replicate))
            var detectedAt: Int?
            for i in 0..<1_500 {
                kswin.update(rng.gaussian() + (i >= 1_000 ? 2 : 0))
                if i >= 1_000 && kswin.driftDetected && detectedAt == nil { detectedAt = i - 1_000 }
            }
            if let d = detectedAt { delays.append(d) } else { misses += 1 }
        }
        // A false alarm just before the shift empties the window, which then refills with the new
        // concept only and cannot see the change: allow that in a few replicates.
        #expect(misses <= 2)
        #expect(delays.filter { $0 <= 60 }.count >= 18, "delays \(delays)")
        #expect(delays.sorted()[delays.count / 2] <= 25, "delays \(delays)")
    }

    @Test func raisesFewFalseAlarmsOnAStationaryStream() throws {
        let rng = RandomStream(seed: 11, path: "kswin-null")
        var kswin = try KSWIN(seed: 42)
        var alarms = 0, tests = 0
        for _ in 0..<50_000 {
            kswin.update(rng.gaussian())
            if kswin.pValue != nil { tests += 1 }
            if kswin.driftDetected { alarms += 1 }
        }
        // Each test has size ≤ alpha = 0.005; tests on overlapping windows are positively correlated.
        #expect(Double(alarms) / Double(tests) <= 0.005)
        #expect(tests > 40_000)
    }

    @Test func rejectsAWindowTooSmallForItsSample() {
        #expect(throws: FlywheelError.self) { _ = try KSWIN(windowSize: 50, statSize: 30) }
        #expect(throws: FlywheelError.self) { _ = try KSWIN(alpha: 2) }
    }
}

struct KSWINInputTests {
    @Test func nanValuesGiveNoStatisticAndNoDrift() throws {
        var kswin = try KSWIN(seed: 1)
        for i in 0..<300 { kswin.update(i % 50 == 0 || i == 299 ? .nan : Double(i % 7)) }
        #expect(kswin.driftDetected == false)
        #expect(kswin.pValue?.isNaN == true)
    }
}
