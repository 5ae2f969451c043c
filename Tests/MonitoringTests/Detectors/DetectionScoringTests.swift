import Testing
import Foundation
@testable import Analysis
@testable import Monitoring
import FlywheelCore

/// Every case of `detection_scoring.json`, in both conventions.
@Suite(.enabled(if: Oracles.available, Oracles.missing))
struct DetectionScoringOracleTests {
    static func cases(_ convention: String) throws -> [[String: Any]] {
        let root = try Oracles.json("detection_scoring.json")
        return (root[convention] as! [String: Any])["cases"] as! [[String: Any]]
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }

    @Test func riverCases() throws {
        let cases = try Self.cases("river_convention")
        #expect(cases.count == 6)
        for c in cases {
            let alarms = Oracles.ints(c["alarms"]), drifts = Oracles.ints(c["drifts"])
            // Cases without a max delay are River's docstring examples, which use delta_max = 50.
            let maxDelay = c["max_delay"].map { ($0 as! NSNumber).intValue } ?? 50
            let s = try DetectionScoring.score(alarms: alarms, drifts: drifts, maxDelay: maxDelay)
            let expect = c["expect"] as! [String: Any]
            let fn = c["fn"] as! String
            for (key, value) in expect {
                switch key {
                case "hits":
                    let want = (value as! [String: Any]).reduce(into: [Int: [Int]]()) { $0[Int($1.key)!] = Oracles.ints($1.value) }
                    #expect(s.hits == want, "\(fn): hits")
                case "false_alarms": #expect(s.falseAlarms == Oracles.ints(value), "\(fn): false alarms")
                case "precision": #expect(Self.close(s.precision, Oracles.double(value)), "\(fn): precision")
                case "recall": #expect(Self.close(s.recall, Oracles.double(value)), "\(fn): recall")
                case "episode_recall": #expect(Self.close(s.episodeRecall, Oracles.double(value)), "\(fn): episode recall")
                case "delay": #expect(Self.close(s.meanDetectionDelay, Oracles.double(value)), "\(fn): delay")
                case "ndt": #expect(Self.close(s.normalizedDetectionTime, Oracles.double(value)), "\(fn): ndt")
                case "mtfa": #expect(Self.close(s.meanTimeBetweenFalseAlarms, Oracles.double(value)), "\(fn): mtfa")
                case "mtr": #expect(Self.close(s.meanTimeRatio, Oracles.double(value)), "\(fn): mtr")
                default: Issue.record("unhandled expectation \(key) in case \(fn)")
                }
            }
        }
    }

    @Test func capymoaCases() throws {
        let cases = try Self.cases("capymoa_convention")
        #expect(cases.count == 2)
        for c in cases {
            let alarms = Oracles.ints(c["alarms"]), drifts = Oracles.ints(c["drifts"])
            let maxDelay = (c["max_delay"] as! NSNumber).intValue
            let s = try DetectionScoring.score(alarms: alarms, drifts: drifts, maxDelay: maxDelay, convention: .capymoa)
            for (key, value) in c["expect"] as! [String: Any] {
                switch key {
                case "f1": #expect(Self.close(s.f1, Oracles.double(value)), "f1 at max delay \(maxDelay)")
                case "mean_detection_time": #expect(Self.close(s.meanDetectionDelay, Oracles.double(value)))
                case "ndt": #expect(Self.close(s.normalizedDetectionTime, Oracles.double(value)), "ndt at max delay \(maxDelay)")
                default: Issue.record("unhandled expectation \(key)")
                }
            }
        }
    }
}

/// Closed-form checks beyond the oracle cases.
struct DetectionScoringTests {
    @Test func missedDriftsAndRatesFollowTheirDefinitions() throws {
        let s = try DetectionScoring.score(alarms: [110, 400, 700], drifts: [100, 900], maxDelay: 50, positions: 2_000)
        #expect(s.missedDrifts == [900])
        #expect(s.missedDetectionRate == 0.5)
        #expect(s.falseAlarms == [400, 700])
        #expect(s.falseAlarmsPer1000 == 1.0)
        #expect(s.meanTimeToDetection == 10)
        #expect(s.mtfa == 300)
    }

    @Test func undefinedScoresAreNaNAndPerfectDetectionHasInfiniteRatio() throws {
        let none = try DetectionScoring.score(alarms: [], drifts: [100], maxDelay: 50)
        #expect(none.precision.isNaN && none.meanDetectionDelay.isNaN && none.meanTimeBetweenFalseAlarms.isNaN)
        #expect(none.episodeRecall == 0 && none.recall == 0)
        let instant = try DetectionScoring.score(alarms: [10, 20, 100], drifts: [100], maxDelay: 50)
        #expect(instant.meanTimeRatio == .infinity)
    }

    @Test func capymoaScoresEachEpisodeOnceAndIgnoresAlarmsAfterTheLastWindow() throws {
        let s = try DetectionScoring.score(alarms: [1200, 1250, 5000], drifts: [1000], maxDelay: 400, convention: .capymoa)
        #expect(s.hitCount == 2 && s.falseAlarms.isEmpty)
        #expect(s.precision == 1 && s.recall == 1)
        let r = try DetectionScoring.score(alarms: [1200, 1250, 5000], drifts: [1000], maxDelay: 400, convention: .river)
        #expect(r.falseAlarms == [5000] && r.precision == 2.0 / 3.0)
    }

    @Test func rejectsUnsortedInputAndBadTolerances() {
        #expect(throws: FlywheelError.self) { _ = try DetectionScoring.score(alarms: [5, 3], drifts: [1], maxDelay: 10) }
        #expect(throws: FlywheelError.self) { _ = try DetectionScoring.score(alarms: [], drifts: [1], maxDelay: 0) }
    }
}
