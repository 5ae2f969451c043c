import FlywheelCore
import Foundation
import Simulation
import Streams
import Testing

/// The largest gap between the empirical CDF of `values` and the CDF `F` (one-sample KS statistic).
private func ksStatistic(_ values: [Double], cdf F: (Double) -> Double) -> Double {
    let v = values.sorted(), n = Double(v.count)
    var d = 0.0
    for (i, x) in v.enumerated() { d = max(d, abs(F(x) - Double(i) / n), abs(Double(i + 1) / n - F(x))) }
    return d
}

/// The KS statistic's critical value at α = 0.001 for n draws (Kolmogorov's limit, 1.949/√n).
private func ksCritical(_ n: Int) -> Double { 1.949 / Double(n).squareRoot() }

private func uniformCDF(_ lo: Double, _ hi: Double) -> (Double) -> Double { { min(max(($0 - lo) / (hi - lo), 0), 1) } }

/// SEA draws x0, x1, x2 independently and uniformly on [0, 10], so the region x1 ∈ [0, 3] has
/// base share exactly 0.3, and inside it x1 is uniform on [0, 3], outside on (3, 10].
@Suite struct SubpopulationDrift {
    static let region = Region(name: "x1 in [0, 3]", feature: 1, low: 0, high: 3)
    static let perTick = 2_000

    func traffic(_ schedule: DriftSchedule, goal: SubpopulationGoal = .share(0.6), ticks: Int = 40, seed: UInt64 = 3) -> SyntheticTraffic {
        SyntheticTraffic(generator: SEAGenerator(), drifts: [Drift(name: "cohort", schedule: schedule, target: .subpopulation(region: Self.region, goal: goal))],
                         ticks: ticks, volume: VolumeProfile(base: Self.perTick))
    }

    /// P(event in region) for one event slot: thinning a stream whose true share is `b` = 0.3 with
    /// the acceptance built from the pilot's estimate `bHat` toward the wanted share `s`
    /// (keep in-region events with probability min(1, s(1−b̂)/(b̂(1−s))), the others with
    /// min(1, b̂(1−s)/(s(1−b̂)))), worked out here from the definition.
    func expectedShare(wanted s: Double, bHat: Double, b: Double = 0.3) -> Double {
        let keepIn = min(1, s * (1 - bHat) / (bHat * (1 - s))), keepOut = min(1, bHat * (1 - s) / (s * (1 - bHat)))
        return b * keepIn / (b * keepIn + (1 - b) * keepOut)
    }

    static let schedules: [DriftSchedule] = [
        .instantaneous(at: 15),
        .gradual(center: 20, width: 10, linear: false),
        .incremental(start: 10, end: 30),
        .periodic(period: 10, phase: 0, square: false, duty: 0.5, start: 5),
        .temporary(start: 12, duration: 8, ramp: 2),
    ]

    @Test(arguments: schedules)
    func theRegionsSharePerTickFollowsTheSchedule(schedule: DriftSchedule) {
        let t = traffic(schedule)
        let bHat = t.regionShares()[0]
        #expect(abs(bHat - 0.3) < 4 * (0.21 / Double(SyntheticTraffic.pilotDraws)).squareRoot(), "pilot share \(bHat)")
        let batches = t.generate(rng: RandomStream(seed: 21))
        var moved = false
        for (tick, b) in batches.enumerated() {
            #expect(b.count == Self.perTick)
            var mean = 0.0, variance = 0.0
            for i in 0..<b.count {
                let s = bHat + schedule.intensity(at: Double(tick) + Double(i) / Double(b.count)) * (0.6 - bHat)
                let p = expectedShare(wanted: s, bHat: bHat)
                mean += p
                variance += p * (1 - p)
            }
            let inside = (0..<b.count).filter { b.features[$0 * 3 + 1] <= 3 }.count
            if mean / Double(b.count) > 0.45 { moved = true }
            #expect(abs(Double(inside) - mean) < 4 * variance.squareRoot(), "tick \(tick): \(inside) in the region, expected \(mean) ± \(variance.squareRoot())")
        }
        #expect(moved, "the schedule should reach the target share within the run")
    }

    @Test func aFactorAndAShrinkingShareAreReachedToo() {
        for (goal, target) in [(SubpopulationGoal.factor(2), 0.6), (.share(0.1), 0.1)] {
            let t = traffic(.instantaneous(at: 10), goal: goal, ticks: 20)
            let bHat = t.regionShares()[0]
            let batches = t.generate(rng: RandomStream(seed: 5))
            let after = batches[10...].flatMap { b in (0..<b.count).map { b.features[$0 * 3 + 1] <= 3 } }
            let before = batches[..<10].flatMap { b in (0..<b.count).map { b.features[$0 * 3 + 1] <= 3 } }
            let p = expectedShare(wanted: goal.target(base: bHat), bHat: bHat)
            #expect(abs(p - target) < 0.01)
            let share = Double(after.filter { $0 }.count) / Double(after.count)
            #expect(abs(share - p) < 4 * (p * (1 - p) / Double(after.count)).squareRoot(), "\(goal): \(share) vs \(p)")
            let base = Double(before.filter { $0 }.count) / Double(before.count)
            #expect(abs(base - 0.3) < 4 * (0.21 / Double(before.count)).squareRoot())
        }
    }

    @Test func insideAndOutsideTheRegionTheInputsKeepTheirDistributionAndLabelsTheirConcept() {
        let batches = traffic(.instantaneous(at: 10), ticks: 30).generate(rng: RandomStream(seed: 8))
        var inX0: [Double] = [], inX1: [Double] = [], outX0: [Double] = [], outX1: [Double] = [], x2: [Double] = []
        for b in batches[10...] {
            for i in 0..<b.count {
                let x0 = b.features[i * 3], x1 = b.features[i * 3 + 1]
                if x1 <= 3 { inX0.append(x0); inX1.append(x1) } else { outX0.append(x0); outX1.append(x1) }
                x2.append(b.features[i * 3 + 2])
                // SEA concept 0 without noise: class 1 exactly when x0 + x1 ≤ 8.
                #expect(b.labels[i] == (x0 + x1 <= 8 ? 1 : 0))
            }
        }
        // Inside: x1 ~ U[0, 3], x0 ~ U[0, 10]; outside: x1 ~ U(3, 10], x0 ~ U[0, 10]; x2 untouched.
        #expect(ksStatistic(inX1, cdf: uniformCDF(0, 3)) < ksCritical(inX1.count))
        #expect(ksStatistic(outX1, cdf: uniformCDF(3, 10)) < ksCritical(outX1.count))
        #expect(ksStatistic(inX0, cdf: uniformCDF(0, 10)) < ksCritical(inX0.count))
        #expect(ksStatistic(outX0, cdf: uniformCDF(0, 10)) < ksCritical(outX0.count))
        #expect(ksStatistic(x2, cdf: uniformCDF(0, 10)) < ksCritical(x2.count))
        // The thinning really moved the mixture: x1 overall is no longer uniform on [0, 10].
        #expect(ksStatistic(inX1 + outX1, cdf: uniformCDF(0, 10)) > 10 * ksCritical(inX1.count + outX1.count))
    }

    @Test func groundTruthNamesTheSubpopulation() {
        let truth = traffic(.gradual(center: 20, width: 10, linear: false)).groundTruth()
        #expect(truth.count == 1)
        #expect(truth[0].target == "covariates" && truth[0].type == "gradual" && truth[0].changePoint == 20)
        #expect(truth[0].detail == "cohort; subpopulation x1 in [0, 3] to share 0.6")
    }

    @Test func withoutASubpopulationDriftTheTrafficIsUnchanged() {
        // A drift that never starts within the run leaves every event as the undrifted stream draws it.
        let plain = SyntheticTraffic(generator: SEAGenerator(), drifts: [], ticks: 5, volume: VolumeProfile(base: Self.perTick)).generate(rng: RandomStream(seed: 4))
        let late = traffic(.instantaneous(at: 99), ticks: 5).generate(rng: RandomStream(seed: 4))
        #expect(plain.map(\.features) == late.map(\.features) && plain.map(\.labels) == late.map(\.labels))
    }
}

/// The same drift on replayed rows: thinning the tick's rows.
@Suite struct SubpopulationOnReplay {
    /// 21 daily ticks of 1,000 rows: `a` uniform on [0, 10] from a fixed stream, `i` the row's
    /// index within its day, the label alternating p, q.
    func file() throws -> (path: String, a: [[Double]]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-subpopulation-\(ProcessInfo.processInfo.processIdentifier).csv").path
        let rng = RandomStream(seed: 77)
        var csv = "t,a,i,y\n"
        var a: [[Double]] = []
        let start = ISOTime.parse("2024-03-01")!
        for d in 0..<21 {
            var day: [Double] = []
            for i in 0..<1_000 {
                let v = (rng.uniform() * 10 * 1e6).rounded() / 1e6
                day.append(v)
                csv += "\(ISOTime.format(start + Int64(d) * 86_400 + Int64(i) * 86)),\(v),\(i),\(i % 2 == 0 ? "p" : "q")\n"
            }
            a.append(day)
        }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, a)
    }

    @Test func thinningMovesTheShareAndKeepsEachRowsPlaceAndLabel() throws {
        let (path, rows) = try file()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapping = ReplayMapping(path: path, timestamp: "t", label: "y", numeric: ["a", "i"], tick: .span(Span(seconds: 86_400)))
        var source = try ReplaySource(mapping: mapping, warmupTicks: 1)
        let region = Region(name: "a in [0, 3]", feature: 0, low: 0, high: 3)
        source.drifts = [Drift(name: "grow", schedule: .instantaneous(at: 10), target: .subpopulation(region: region, goal: .share(0.6)))]
        let (_, batches) = try source.generate(replicate: 0, seed: 2)
        #expect(batches.count == 20)
        var outsideKept: [Double] = [], outsideAll: [Double] = []
        for (tick, b) in batches.enumerated() {
            let original = rows[tick + 1]
            let nIn = original.filter { $0 <= 3 }.count, nOut = original.count - nIn
            let inside = (0..<b.count).filter { b.features[$0 * 2] <= 3 }.count
            // Every kept row is one of the tick's rows, at its own place, with its own label.
            for i in 0..<b.count {
                let r = Int(b.features[i * 2 + 1])
                #expect(b.features[i * 2] == original[r])
                #expect(b.labels[i] == Double(r % 2))
                #expect(b.time(ofEvent: i, tick: tick) == Double(tick) + Double(r) / 1_000)
            }
            if tick < 10 {
                #expect(b.count == 1_000 && b.offsets.isEmpty)
                continue
            }
            // From tick 10: rows in the region all stay; each row outside stays with probability
            // q = b(1 − s)/(s(1 − b)), b the tick's share in the region, s = 0.6.
            let base = Double(nIn) / 1_000, q = base * 0.4 / (0.6 * (1 - base))
            let keptOut = b.count - inside
            #expect(inside == nIn)
            #expect(abs(Double(keptOut) - Double(nOut) * q) < 4 * (Double(nOut) * q * (1 - q)).squareRoot(), "tick \(tick): \(keptOut) kept outside")
            outsideKept += (0..<b.count).map { b.features[$0 * 2] }.filter { $0 > 3 }
            outsideAll += original.filter { $0 > 3 }
        }
        // The rows kept outside are a draw from the rows outside, whatever their value.
        #expect(ksStatistic(outsideKept, cdf: uniformCDF(3, 10)) < ksCritical(outsideKept.count))
        let truth = source.groundTruth()
        #expect(truth.count == 1 && truth[0].target == "covariates" && truth[0].detail.contains("subpopulation a in [0, 3] to share 0.6"))
        #expect(outsideAll.count > outsideKept.count)
    }
}
