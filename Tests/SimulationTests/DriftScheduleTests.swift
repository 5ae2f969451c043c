import FlywheelCore
import Foundation
import Streams
import Testing

/// The oracle folder beside the repository (`../shared/oracles`), when present.
let oracleDirectory: URL? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir = root.deletingLastPathComponent().appendingPathComponent("shared/oracles")
    return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
}()

@Suite struct DriftScheduleShapes {
    @Test func instantaneousIsAStep() {
        let s = DriftSchedule.instantaneous(at: 30)
        #expect(s.intensity(at: 29.999) == 0)
        #expect(s.intensity(at: 30) == 1)
        #expect(s.intensity(at: 500) == 1)
        for t in stride(from: 0.0, to: 60, by: 0.25) { #expect(s.intensity(at: t) == (t < 30 ? 0 : 1)) }
    }

    @Test func gradualFollowsTheSigmoidRule() {
        let s = DriftSchedule.gradual(center: 1000, width: 200, linear: false)
        for t in stride(from: 0.0, through: 2000, by: 7) {
            let expected = 1 / (1 + exp(-4 * (t - 1000) / 200))
            #expect(abs(s.intensity(at: t) - expected) <= 1e-15)
        }
        #expect(s.intensity(at: 1000) == 0.5)
    }

    @Test func linearGradualRampsAcrossItsWidth() {
        let s = DriftSchedule.gradual(center: 50, width: 20, linear: true)
        #expect(s.intensity(at: 40) == 0)
        #expect(s.intensity(at: 50) == 0.5)
        #expect(s.intensity(at: 60) == 1)
        #expect(s.intensity(at: 45) == 0.25)
    }

    /// River's ConceptDriftStream draws (oracle c3): the same intensities and, given River's own
    /// uniform draws, the same choice of concept for each of 2,000 samples.
    @Test(.enabled(if: oracleDirectory != nil, "needs ../shared/oracles (the reference values)"))
    func gradualMatchesRiverConceptSelection() throws {
        let text = try String(contentsOf: oracleDirectory!.appendingPathComponent("c3_concept_drift_stream.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst()
        let s = DriftSchedule.gradual(center: 1000, width: 200, linear: false)
        var checked = 0
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            let t = Double(f[1])!, p = Double(f[2])!, u = Double(f[3])!
            let new = f[4] == "new"
            #expect(abs(s.intensity(at: t) - p) <= 1e-12 * max(p, 1e-300) + 1e-300)
            #expect(drawsNewWorld(u: u, intensity: s.intensity(at: t)) == new)
            checked += 1
        }
        #expect(checked == 2000)
    }

    @Test(arguments: [false, true])
    func periodicRepeatsWithItsPeriod(square: Bool) {
        let s = DriftSchedule.periodic(period: 28, phase: 3, square: square, duty: 0.4, start: 10)
        for t in stride(from: 10.0, to: 100, by: 0.37) {
            #expect(abs(s.intensity(at: t) - s.intensity(at: t + 28)) < 1e-9)
            #expect(abs(s.intensity(at: t) - s.intensity(at: t + 56)) < 1e-9)
        }
        #expect(s.intensity(at: 9.9) == 0)
        let values = stride(from: 10.0, to: 38, by: 0.5).map { s.intensity(at: $0) }
        #expect(values.max()! > 0.9)
        #expect(values.min()! < 0.1)
    }

    @Test func temporaryRevertsAfterItsDuration() {
        let s = DriftSchedule.temporary(start: 150, duration: 7, ramp: 1)
        #expect(s.intensity(at: 149.99) == 0)
        #expect(s.intensity(at: 150.5) == 0.5)
        #expect(s.intensity(at: 153) == 1)
        #expect(s.intensity(at: 156.5) == 0.5)
        #expect(s.intensity(at: 157) == 0)
        #expect(s.intensity(at: 400) == 0)
    }

    @Test func everyScheduleStaysInTheUnitInterval() {
        let schedules: [DriftSchedule] = [
            .instantaneous(at: 5), .gradual(center: 20, width: 3, linear: false), .gradual(center: 20, width: 3, linear: true),
            .incremental(start: 4, end: 9), .periodic(period: 6, phase: 1, square: false, duty: 0.5, start: 0),
            .periodic(period: 6, phase: 1, square: true, duty: 0.3, start: 2), .temporary(start: 3, duration: 4, ramp: 1),
        ]
        for s in schedules {
            for t in stride(from: -10.0, to: 100, by: 0.13) {
                let v = s.intensity(at: t)
                #expect(v >= 0 && v <= 1)
            }
        }
    }
}

@Suite struct TrafficTruth {
    func traffic(_ drifts: [Drift], ticks: Int = 40, noise: Double = 0) -> [EventBatch] {
        SyntheticTraffic(generator: SEAGenerator(), noise: noise, drifts: drifts, ticks: ticks, volume: VolumeProfile(base: 400))
            .generate(rng: RandomStream(seed: 9))
    }

    @Test func abruptConceptDriftSwitchesEveryEventAtItsTick() {
        let batches = traffic([Drift(name: "a", schedule: .instantaneous(at: 20), target: .concept(to: 3))])
        for (t, b) in batches.enumerated() { #expect(Set(b.concept) == [t < 20 ? 0 : 3]) }
        // Labels follow the producing concept exactly (no noise): x0 + x1 <= threshold.
        for (t, b) in batches.enumerated() {
            let theta = t < 20 ? 8.0 : 9.5
            for i in 0..<b.count { #expect(b.labels[i] == (b.features[i * 3] + b.features[i * 3 + 1] <= theta ? 1 : 0)) }
        }
    }

    @Test func temporaryConceptPulseRevertsToTheOriginalWorld() {
        let batches = traffic([Drift(name: "pulse", schedule: .temporary(start: 10, duration: 5, ramp: 0), target: .concept(to: 2))])
        for (t, b) in batches.enumerated() { #expect(Set(b.concept) == [(10..<15).contains(t) ? 2 : 0]) }
    }

    @Test func temporaryQualityFaultCorruptsOnlyDuringThePulse() {
        let batches = traffic([Drift(name: "unit", schedule: .temporary(start: 5, duration: 3, ramp: 0), target: .quality(feature: 1, fault: .multiply(factor: 1000)))])
        for (t, b) in batches.enumerated() {
            let maxX1 = stride(from: 1, to: b.features.count, by: 3).map { b.features[$0] }.max()!
            if (5..<8).contains(t) { #expect(maxX1 > 100) } else { #expect(maxX1 < 10) }
        }
    }

    @Test func labelNoiseMatchesItsRateAndTheBayesCeiling() {
        let batches = traffic([], ticks: 50, noise: 0.1)
        var wrong = 0, n = 0
        for b in batches {
            for i in 0..<b.count {
                let clean: Double = b.features[i * 3] + b.features[i * 3 + 1] <= 8 ? 1 : 0
                if clean != b.labels[i] { wrong += 1 }
                n += 1
            }
            #expect(abs(b.bayes.reduce(0, +) / Double(b.count) - 0.9) < 1e-12)
        }
        // 20,000 events: the flip rate is within 4 standard errors of 0.1.
        #expect(abs(Double(wrong) / Double(n) - 0.1) < 4 * (0.09 / Double(n)).squareRoot())
    }

    @Test func priorDriftMovesTheClassShare() {
        let batches = traffic([Drift(name: "prior", schedule: .instantaneous(at: 20), target: .prior(classIndex: 1, share: 0.8))])
        func share(_ range: Range<Int>) -> Double {
            let labels = range.flatMap { batches[$0].labels }
            return labels.filter { $0 == 1 }.count.double / Double(labels.count)
        }
        #expect(abs(share(0..<20) - 0.32) < 0.02)   // SEA threshold 8: P(x0 + x1 <= 8) = 32/100
        #expect(abs(share(20..<40) - 0.8) < 0.02)
    }

    @Test func rotationTurnsThePlaneOfTwoFeaturesAboutItsCentre() {
        var c = CovariateState(dimension: 3)
        c.rotations = [.init(a: 0, b: 1, cos: 0, sin: 1, centerA: 5, centerB: 5)]
        c.isIdentity = false
        var x = [7.0, 5.0, 1.0]
        x.withUnsafeMutableBufferPointer { c.apply($0) }
        #expect(abs(x[0] - 5) < 1e-12 && abs(x[1] - 7) < 1e-12 && x[2] == 1)
        // A 45° turn of the uniform square about its centre puts corners outside [0, 10].
        let batches = traffic([Drift(name: "r", schedule: .instantaneous(at: 20), target: .rotation(a: 0, b: 1, degrees: 45, centerA: 5, centerB: 5))])
        func span(_ r: Range<Int>) -> (Double, Double) {
            let v = r.flatMap { t in stride(from: 0, to: batches[t].features.count, by: 3).map { batches[t].features[$0] } }
            return (v.min()!, v.max()!)
        }
        let before = span(0..<20), after = span(20..<40)
        #expect(before.0 >= 0 && before.1 < 10)
        #expect(after.0 < -1 && after.1 > 11)
        // Labels still follow the concept on the served inputs.
        for t in 20..<40 {
            let b = batches[t]
            for i in 0..<b.count { #expect(b.labels[i] == (b.features[i * 3] + b.features[i * 3 + 1] <= 8 ? 1 : 0)) }
        }
    }

    @Test func groundTruthRecordsEveryDrift() {
        let t = SyntheticTraffic(generator: SEAGenerator(), drifts: [
            Drift(name: "a", schedule: .instantaneous(at: 30), target: .concept(to: 3)),
            Drift(name: "g", schedule: .gradual(center: 75, width: 20, linear: false), target: .concept(to: 2)),
            Drift(name: "p", schedule: .periodic(period: 28, phase: 0, square: false, duty: 0.5, start: 105), target: .concept(to: 1), amplitude: 0.9),
            Drift(name: "t", schedule: .temporary(start: 150, duration: 7, ramp: 0), target: .quality(feature: 1, fault: .multiply(factor: 1000))),
        ], ticks: 180, volume: VolumeProfile(base: 10))
        let truth = t.groundTruth()
        #expect(truth.map(\.type) == ["instantaneous", "gradual", "periodic", "temporary"])
        #expect(truth.map(\.target) == ["concept", "concept", "concept", "quality"])
        #expect(truth[0].start == 30 && truth[0].end == 30 && truth[0].peak == 1)
        #expect(abs(truth[1].start - (75 - 20 * log(99) / 4)) < 1e-9 && truth[1].changePoint == 75)
        #expect(abs(truth[2].peak - 0.9) < 1e-6)
        #expect(truth[3].start == 150 && truth[3].end == 157)
    }
}

extension Int { var double: Double { Double(self) } }

/// The changes a detector is scored against: one per drift that changes once, each cycle's onset
/// of a periodic drift, the onset and the revert of a temporary one.
@Suite struct DriftChangePoints {
    @Test func aTemporaryDriftChangesAtItsOnsetAndAtItsRevert() {
        #expect(DriftSchedule.temporary(start: 200, duration: 10, ramp: 0).changePoints(horizon: 240) == [200, 210])
        // With ramps the revert starts where the intensity starts to fall.
        let ramped = DriftSchedule.temporary(start: 20, duration: 10, ramp: 2)
        #expect(ramped.changePoints(horizon: 100) == [20, 28])
        #expect(ramped.intensity(at: 28) == 1 && ramped.intensity(at: 28.5) < 1)
        // A revert after the run is no change within it.
        #expect(DriftSchedule.temporary(start: 90, duration: 20, ramp: 0).changePoints(horizon: 100) == [90])
    }

    @Test func aPeriodicDriftChangesAtEachCycleOnset() {
        // The trigger shootout's square wave: on for 14 of every 28 days from day 140.
        let square = DriftSchedule.periodic(period: 28, phase: 0, square: true, duty: 0.5, start: 140)
        let points = square.changePoints(horizon: 240)
        #expect(points == [140, 168, 196, 224])
        for p in points { #expect(square.intensity(at: p) == 1 && square.intensity(at: p - 1e-9) == 0) }
        // A phase moves the onsets; a cycle under way at the start is a change at the start.
        let shifted = DriftSchedule.periodic(period: 20, phase: 12, square: true, duty: 0.5, start: 10)
        #expect(shifted.intensity(at: 10) > 0)
        #expect(shifted.changePoints(horizon: 60) == [10, 22, 42])
        // A sinusoid's cycle starts where its intensity leaves 0.
        let wave = DriftSchedule.periodic(period: 10, phase: 0, square: false, duty: 0.5, start: 0)
        #expect(wave.changePoints(horizon: 30) == [0, 10, 20])
    }

    @Test func aDriftThatChangesOnceHasOneChangePoint() {
        let single = DriftSchedule.gradual(center: 100, width: 20, linear: false)
        #expect(single.changePoints(horizon: 240) == [100])
        #expect(DriftSchedule.instantaneous(at: 300).changePoints(horizon: 240).isEmpty)
    }
}
