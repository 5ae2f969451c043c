import Analysis
import FlywheelCore
import Foundation
import Testing

/// A run of `ticks` daily ticks whose strategies fired at the given ticks (one replicate each),
/// with the given drifts and observable lags.
func detectionRecord(ticks: Int, drifts: [DriftTruth], alarms: [(String, [Int])], lags: [String: Int] = [:],
                     tolerance: Int = 10) -> RunRecord {
    var manifest = RunManifest(scenarioName: "detection", description: "", scenarioText: "", scenarioFile: "", seed: 7,
                               replicates: 1, version: "test", clock: Clock(tick: Span(seconds: 86_400), ticks: ticks),
                               primaryMetric: "accuracy", reference: nil, costs: [:], detectionTolerance: tolerance)
    manifest.observableLag = lags
    let runs = alarms.map { name, ticks in
        StrategyRun(strategy: name, replicate: 0, series: [],
                    events: ticks.map { StrategyEvent(kind: "trigger", tick: $0, modelVersion: 1) })
    }
    return RunRecord(manifest: manifest, strategies: alarms.map(\.0), runs: runs, traffic: [], drifts: drifts)
}

func instantaneous(_ id: Int, at t: Double) -> DriftTruth {
    DriftTruth(id: id, type: "instantaneous", target: "concept", start: t, end: t, peak: 1, changePoint: t, detail: "")
}

@Suite struct DetectionProtocolTests {
    /// The trigger-shootout's drifts: an abrupt switch at 40, a gradual one centred on 100, a
    /// square-wave periodic shift from 140 (period 28: onsets 140, 168, 196, 224) and a
    /// 10-day feed fault from 200 (onset 200, revert 210); labels arrive a day late.
    static let shootoutDrifts = [
        instantaneous(0, at: 40),
        DriftTruth(id: 1, type: "gradual", target: "concept", start: 77, end: 123, peak: 1, changePoint: 100,
                   detail: ""),
        DriftTruth(id: 2, type: "periodic", target: "covariates", start: 140, end: 240, peak: 1, changePoint: 140,
                   detail: "", changePoints: [140, 168, 196, 224]),
        DriftTruth(id: 3, type: "temporary", target: "quality", start: 200, end: 210, peak: 1, changePoint: 200,
                   detail: "", changePoints: [200, 210]),
    ]

    /// A label-count trigger that fires every 20 ticks scored recall 1, delay 0 and the best F1
    /// against the four start ticks. By hand, against every change seen a day late (windows
    /// [c + 1, c + 11]): its alarms at 40, 100 and 140 come before any affected label arrived;
    /// only 200 (for the onset at 196) and 220 (for the revert at 210) hit: 2 of 8 changes,
    /// precision 2/11, F1 = 2 · (2/11) · (1/4) / (2/11 + 1/4) = 4/19.
    @Test func aCalendarOnTheDriftTicksNoLongerScoresPerfectRecall() throws {
        let volume = Array(stride(from: 20, through: 220, by: 20))
        // The old protocol, for the record: one change point per drift, no lag.
        let old = try DetectionScoring.score(alarms: volume, drifts: [40, 100, 140, 200], maxDelay: 10, positions: 240)
        #expect(old.episodeRecall == 1 && old.meanDetectionDelay == 0)

        // A tick after each change, but late enough for the onset at 200 (after 196's window,
        // which takes alarms up to 207) and the revert at 210 (after 200's, up to 211).
        let detector = [41, 101, 141, 169, 197, 208, 212, 225]
        let r = detectionRecord(ticks: 240, drifts: Self.shootoutDrifts,
                                alarms: [("volume-2000", volume), ("detector", detector)],
                                lags: ["volume-2000": 1, "detector": 1])
        #expect(DetectionAnalysis.changePoints(r) == [40, 100, 140, 168, 196, 200, 210, 224])
        let rows = DetectionAnalysis.ranked(DetectionAnalysis.score(r))
        let v = try #require(rows.first { $0.name == "volume-2000" })
        #expect(v.recall == 0.25 && v.hits == 2 && v.missed == 6)
        #expect(abs(v.precision - 2.0 / 11) < 1e-12)
        #expect(abs(v.f1 - 4.0 / 19) < 1e-12)
        #expect(v.delay == ((200 - 196) + (220 - 210)) / 2)
        let d = try #require(rows.first { $0.name == "detector" })
        #expect(d.recall == 1 && d.precision == 1 && d.delay == Double(1 + 1 + 1 + 1 + 1 + 8 + 2 + 1) / 8)
        #expect(rows.first?.name == "detector")
        // Eleven alarms in 240 ticks: no better than chance.
        #expect(v.lift < 1.5, "lift \(v.lift) over chance F1 \(v.chanceF1)")
        #expect(d.lift > 2 * v.lift)
    }

    @Test func anAlarmBeforeTheObservableTimeIsAFalseAlarm() throws {
        let early = try DetectionScoring.score(alarms: [40], drifts: [40], maxDelay: 10, positions: 100,
                                               observableLag: [1])
        #expect(early.falseAlarms == [40] && early.missedDrifts == [40] && early.episodeRecall == 0)
        let seen = try DetectionScoring.score(alarms: [41], drifts: [40], maxDelay: 10, positions: 100,
                                              observableLag: [1])
        #expect(seen.hits == [0: [41]] && seen.meanDetectionDelay == 1)
        // The window moves with the lag: 11 ticks after the labels arrive still counts, 12 does not.
        let late = try DetectionScoring.score(alarms: [51, 52], drifts: [40], maxDelay: 10, observableLag: [1])
        #expect(late.hits == [0: [51]] && late.falseAlarms == [52])
        // Through the analysis: the same alarm is a hit for a trigger on inputs (lag 0), a false
        // alarm for one on labels arriving two ticks late.
        let r = detectionRecord(ticks: 100, drifts: [instantaneous(0, at: 40)],
                                alarms: [("inputs", [40]), ("labels", [40])], lags: ["inputs": 0, "labels": 2])
        let rows = DetectionAnalysis.score(r)
        #expect(rows.first { $0.name == "inputs" }?.recall == 1)
        #expect(rows.first { $0.name == "labels" }?.recall == 0)
        #expect(rows.first { $0.name == "labels" }?.observableLag == 2)
        #expect(throws: FlywheelError.self) {
            try DetectionScoring.score(alarms: [1], drifts: [1, 2], maxDelay: 5, observableLag: [1, 2, 3])
        }
    }

    @Test func aTemporaryDriftIsScoredAtItsOnsetAndAtItsRevert() throws {
        let fault = DriftTruth(id: 0, type: "temporary", target: "quality", start: 50, end: 60, peak: 1,
                               changePoint: 50, detail: "", changePoints: [50, 60])
        let r = detectionRecord(ticks: 100, drifts: [fault], alarms: [("onset-only", [52])])
        #expect(DetectionAnalysis.changePoints(r) == [50, 60])
        let row = try #require(DetectionAnalysis.score(r).first)
        #expect(row.hits == 1 && row.missed == 1 && row.recall == 0.5)
    }

    /// Five changes every 20 ticks from 0, windows of 11 ticks: 55 of the 100 ticks detect one.
    /// Firing every tick: precision 0.55, recall 1, F1 = 1.1 / 1.55 ≈ 0.710, and as many random
    /// alarms are the same alarms: lift exactly 1. One alarm at 5: F1 = 2 · 1 · 0.2 / 1.2 = 1/3;
    /// one random alarm hits with probability 0.55 (F1 1/3) or scores 0: chance F1 = 0.55 / 3,
    /// lift 1 / 0.55 ≈ 1.82. The higher F1 ranks below the higher lift.
    @Test func theTableIsRankedByLiftOverChanceNotByF1() throws {
        let drifts = (0..<5).map { instantaneous($0, at: Double($0 * 20)) }
        let r = detectionRecord(ticks: 100, drifts: drifts, alarms: [("always", Array(0..<100)), ("once", [5])])
        let rows = DetectionAnalysis.ranked(DetectionAnalysis.score(r))
        let always = try #require(rows.first { $0.name == "always" })
        let once = try #require(rows.first { $0.name == "once" })
        #expect(abs(always.f1 - 1.1 / 1.55) < 1e-12 && abs(always.lift - 1) < 1e-9)
        #expect(abs(once.f1 - 1.0 / 3) < 1e-12)
        // 1000 placements: the hit rate's standard error is √(0.55 · 0.45 / 1000) ≈ 0.016.
        #expect(abs(once.chanceF1 - 0.55 / 3) < 4 * 0.016 / 3, "chance F1 \(once.chanceF1)")
        #expect(abs(once.lift - 1 / 0.55) < 0.2, "lift \(once.lift)")
        #expect(always.f1 > once.f1)
        // How often chance does as well: one random alarm scores 1/3 whenever it hits (0.55);
        // all 100 ticks score exactly what firing every tick scores.
        #expect(abs(once.chanceAtLeast - 0.55) < 4 * 0.016, "\(once.chanceAtLeast)")
        #expect(always.chanceAtLeast == 1)
        #expect(rows.firstIndex { $0.name == "once" }! < rows.firstIndex { $0.name == "always" }!)
        #expect(rows.first?.name == "once")
        // Every row, baselines included, carries its chance score; the same record scores the same.
        #expect(rows.allSatisfy { $0.chanceF1.isFinite })
        #expect(DetectionAnalysis.score(r).map(\.lift) == DetectionAnalysis.score(r).map(\.lift))
    }
}
