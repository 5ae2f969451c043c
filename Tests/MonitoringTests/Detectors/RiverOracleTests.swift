import Testing
import Foundation
@testable import Monitoring

/// Firing positions of every detector on the two fixed streams, against River 0.26.1
/// (`c1_detectors.json`). Positions must match exactly.
@Suite(.enabled(if: Oracles.available, Oracles.missing))
struct RiverOracleTests {
    static func check(_ stream: String, _ key: String, _ detector: inout some DriftDetector, warnings expectWarnings: Bool) throws {
        let file = stream == "bits" ? "c1_stream_bits.csv" : "c1_stream_gauss.csv"
        let values = try Oracles.stream(file)
        let oracle = try Oracles.detectorResult(stream, key)
        let found = detectChanges(values, detector: &detector)
        #expect(found.drifts == Oracles.ints(oracle["drift_indices"]), "\(key) drifts on \(stream)")
        if expectWarnings {
            #expect(found.warnings == Oracles.ints(oracle["warning_indices"]), "\(key) warnings on \(stream)")
        } else {
            #expect(found.warnings.isEmpty)
        }
    }

    @Test(arguments: ["bits", "gauss"])
    func adwinFiresWhereRiverDoes(stream: String) throws {
        var d = try ADWIN(delta: 0.002, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10)
        try Self.check(stream, "ADWIN", &d, warnings: false)
    }

    @Test func ddmFiresAndWarnsWhereRiverDoes() throws {
        var d = try DDM(warmStart: 30, warningThreshold: 2, driftThreshold: 3)
        try Self.check("bits", "DDM", &d, warnings: true)
    }

    @Test func eddmFiresAndWarnsWhereRiverDoes() throws {
        var d = try EDDM(warmStart: 30, alpha: 0.95, beta: 0.9)
        try Self.check("bits", "EDDM", &d, warnings: true)
    }

    @Test func hddmAFiresAndWarnsWhereRiverDoes() throws {
        var d = try HDDMA(driftConfidence: 0.001, warningConfidence: 0.005, twoSided: false)
        try Self.check("bits", "HDDM_A", &d, warnings: true)
    }

    @Test func hddmWFiresAndWarnsWhereRiverDoes() throws {
        var d = try HDDMW(driftConfidence: 0.001, warningConfidence: 0.005, lambda: 0.05, twoSided: false)
        try Self.check("bits", "HDDM_W", &d, warnings: true)
    }

    @Test(arguments: ["bits", "gauss"])
    func pageHinkleyFiresWhereRiverDoes(stream: String) throws {
        var d = try PageHinkley(minInstances: 30, delta: 0.005, threshold: 50, alpha: 0.9999, mode: .both)
        try Self.check(stream, "PageHinkley", &d, warnings: false)
    }

    @Test func oracleParametersAreTheDefaultsUsed() throws {
        let p = try Oracles.detectorResult("bits", "ADWIN")["params"] as! [String: Any]
        #expect(Oracles.double(p["delta"]) == 0.002 && Oracles.double(p["clock"]) == 32 && Oracles.double(p["max_buckets"]) == 5)
        let ph = try Oracles.detectorResult("gauss", "PageHinkley")["params"] as! [String: Any]
        #expect(Oracles.double(ph["threshold"]) == 50 && Oracles.double(ph["alpha"]) == 0.9999 && (ph["mode"] as? String) == "both")
        let w = try Oracles.detectorResult("bits", "HDDM_W")["params"] as! [String: Any]
        #expect(Oracles.double(w["lambda_val"]) == 0.05)
    }
}
