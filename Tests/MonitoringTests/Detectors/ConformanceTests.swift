import Testing
import Foundation
@testable import Monitoring
import FlywheelCore

/// Checks every catalogued detector goes through, with its default parameters.
struct DetectorConformanceTests {
    static let names = DetectorCatalog.all.map(\.name)

    @Test(arguments: names)
    func raisesNothingOnAConstantStream(name: String) throws {
        for constant in [0.0, 1.0] {
            var detector = try DetectorCatalog.make(name, parameters: [:])
            let found = detectChanges([Double](repeating: constant, count: 20_000), detector: &detector)
            #expect(found.drifts.isEmpty, "\(name) drifts on constant \(constant): \(found.drifts.prefix(5))")
            #expect(found.warnings.isEmpty, "\(name) warnings on constant \(constant)")
        }
    }

    /// Delays (first alarm at or after the change minus the change position) over seeded replicates.
    static func delays(_ name: String, replicates: Int, length: Int, change: Int, draw: (RandomStream, Bool) -> Double) throws -> [Int] {
        try (0..<replicates).map { replicate in
            let rng = RandomStream(seed: 2024, path: "conformance", name, replicate)
            let values = (0..<length).map { draw(rng, $0 >= change) }
            var detector = try DetectorCatalog.make(name, parameters: [:])
            let found = detectChanges(values, detector: &detector)
            return (found.drifts.first { $0 >= change } ?? Int.max) - change
        }
    }

    /// Error rate 0.1, then 0.6 from position 5,000: over nine seeded replicates the median delay
    /// is at most 300 and every replicate detects within 1,000. (A false alarm just before the
    /// change can restart a detector on post-change data only, hence the looser worst case.)
    @Test(arguments: names)
    func detectsAnAbruptErrorRateIncrease(name: String) throws {
        let d = try Self.delays(name, replicates: 9, length: 8_000, change: 5_000) { rng, after in rng.bernoulli(after ? 0.6 : 0.1) ? 1 : 0 }
        #expect(d.sorted()[4] <= 300, "\(name) delays \(d)")
        #expect(d.allSatisfy { $0 <= 1_000 }, "\(name) delays \(d)")
    }

    /// A Gaussian mean shift of two standard deviations, for the detectors that take real values:
    /// median delay at most 100, every replicate within 1,000.
    @Test(arguments: ["adwin", "kswin", "page_hinkley"])
    func detectsAGaussianMeanShift(name: String) throws {
        let d = try Self.delays(name, replicates: 9, length: 6_000, change: 3_000) { rng, after in rng.gaussian() + (after ? 2 : 0) }
        #expect(d.sorted()[4] <= 100, "\(name) delays \(d)")
        #expect(d.allSatisfy { $0 <= 1_000 }, "\(name) delays \(d)")
    }

    @Test(arguments: names)
    func resetForgetsEverything(name: String) throws {
        let rng = RandomStream(seed: 5, path: "reset")
        let values = (0..<3_000).map { i in rng.bernoulli(i < 1_500 ? 0.1 : 0.7) ? 1.0 : 0.0 }
        var fresh = try DetectorCatalog.make(name, parameters: [:])
        var used = try DetectorCatalog.make(name, parameters: [:])
        _ = detectChanges(Array(values.reversed()), detector: &used)
        used.reset()
        let a = detectChanges(values, detector: &fresh), b = detectChanges(values, detector: &used)
        #expect(a.drifts == b.drifts && a.warnings == b.warnings)
    }
}

struct DetectorCatalogTests {
    @Test func listsTheSevenDetectorsWithDocumentation() {
        #expect(DetectorCatalog.all.map(\.name) == ["adwin", "ddm", "eddm", "hddm_a", "hddm_w", "kswin", "page_hinkley"])
        for info in DetectorCatalog.all {
            #expect(info.family == "detector")
            #expect(!info.reference.isEmpty && !info.summary.isEmpty && !info.parameters.isEmpty)
        }
    }

    @Test func everyDocumentedParameterIsAccepted() throws {
        for info in DetectorCatalog.all {
            let parameters = Dictionary(uniqueKeysWithValues: info.parameters.map { ($0.name, Double($0.defaultValue)!) })
            _ = try DetectorCatalog.make(info.name, parameters: parameters)
        }
    }

    @Test func unknownNamesAndParametersNameTheValidOnes() {
        do {
            _ = try DetectorCatalog.make("adwinn", parameters: [:])
            Issue.record("no error")
        } catch let e as FlywheelError {
            #expect(e.description.contains("adwin, ddm, eddm, hddm_a, hddm_w, kswin, page_hinkley"))
        } catch { Issue.record("unexpected \(error)") }
        do {
            _ = try DetectorCatalog.make("ddm", parameters: ["warmstart": 10])
            Issue.record("no error")
        } catch let e as FlywheelError {
            #expect(e.keyPath == "warmstart")
            #expect(e.description.contains("warm_start, warning_threshold, drift_threshold"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func badValuesAreRejected() {
        #expect(throws: FlywheelError.self) { _ = try DetectorCatalog.make("adwin", parameters: ["clock": 2.5]) }
        #expect(throws: FlywheelError.self) { _ = try DetectorCatalog.make("page_hinkley", parameters: ["mode": 3]) }
        #expect(throws: FlywheelError.self) { _ = try DetectorCatalog.make("hddm_a", parameters: ["two_sided": 0.5]) }
        #expect(throws: FlywheelError.self) { _ = try DetectorCatalog.make("eddm", parameters: ["alpha": 0.8, "beta": 0.9]) }
    }

    @Test func parametersReachTheDetector() throws {
        let d = try DetectorCatalog.make("adwin", parameters: ["delta": 0.1, "moa": 1])
        let adwin = try #require(d as? ADWIN)
        #expect(adwin.delta == 0.1 && adwin.convention == .moa)
        let ph = try #require(try DetectorCatalog.make("page_hinkley", parameters: ["mode": 0]) as? PageHinkley)
        #expect(ph.mode == .up)
    }
}
