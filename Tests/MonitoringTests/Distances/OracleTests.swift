import Foundation
import FlywheelCore
import Testing
@testable import Monitoring

/// Every statistic against SciPy 1.17.1 / NumPy 2.4.6 on the five univariate pairs and the three
/// 2-D MMD pairs of `c2_stats.json`, at 1e-9 relative tolerance (the computations are the same).
@Suite("Distances vs the SciPy/NumPy oracle", .enabled(if: OracleData.available, OracleData.missingReason))
struct OracleTests {
    static func pair(_ name: String) -> OracleData.Univariate { OracleData.univariate.first { $0.pair == name }! }

    @Test func oracleHasAllPairs() {
        #expect(OracleData.univariate.count == 5)
        #expect(OracleData.mmd.count == 3)
        for p in OracleData.univariate {
            #expect(p.reference.count == 500 && p.current.count == 700)
        }
    }

    @Test(arguments: OracleData.pairNames)
    func kolmogorovSmirnov(_ name: String) throws {
        let p = Self.pair(name)
        let auto = try KolmogorovSmirnov.test(reference: p.reference, current: p.current)
        #expect(auto.method == .exact)
        #expect(close(auto.statistic, p.number("ks_statistic")))
        #expect(close(auto.pValue, p.number("ks_pvalue_auto")), "auto p \(auto.pValue) vs \(p.number("ks_pvalue_auto"))")
        // Foundation's JSON reader on Linux can be one ulp off the printed decimal; the location is
        // a sample value, so it must agree to the last few bits.
        #expect(close(auto.location, p.number("ks_statistic_location"), rel: 1e-15))
        #expect(Double(auto.sign) == p.number("ks_statistic_sign"))

        let exact = try KolmogorovSmirnov.test(reference: p.reference, current: p.current, method: .exact)
        #expect(close(exact.pValue, p.number("ks_pvalue_exact")), "exact p \(exact.pValue) vs \(p.number("ks_pvalue_exact"))")

        let asymp = try KolmogorovSmirnov.test(reference: p.reference, current: p.current, method: .asymptotic)
        #expect(asymp.method == .asymptotic)
        #expect(close(asymp.statistic, p.number("ks_statistic")))
        #expect(close(asymp.pValue, p.number("ks_pvalue_asymp")), "asymp p \(asymp.pValue) vs \(p.number("ks_pvalue_asymp"))")

        let viaMetric = try DistanceMetric.ks.compute(reference: p.reference, current: p.current)
        #expect(close(viaMetric.value, p.number("ks_statistic")))
        #expect(close(viaMetric.pValue!, p.number("ks_pvalue_auto")))
    }

    @Test(arguments: OracleData.pairNames)
    func wassersteinAndEnergy(_ name: String) throws {
        let p = Self.pair(name)
        let w = try CDFDistance.wasserstein(reference: p.reference, current: p.current)
        #expect(close(w, p.number("wasserstein_distance")), "W1 \(w)")
        let e = try CDFDistance.energy(reference: p.reference, current: p.current)
        #expect(close(e, p.number("energy_distance")), "energy \(e)")
        #expect(close(try DistanceMetric.wasserstein.compute(reference: p.reference, current: p.current).value, p.number("wasserstein_distance")))
        #expect(close(try DistanceMetric.energy.compute(reference: p.reference, current: p.current).value, p.number("energy_distance")))
    }

    @Test(arguments: OracleData.pairNames)
    func histogramEdgesAndCounts(_ name: String) {
        let p = Self.pair(name)
        let edges = Binning.equalWidthEdges(p.reference + p.current, bins: 10)
        let expected = p.numbers("hist_edges")
        #expect(edges.count == expected.count)
        for (a, b) in zip(edges, expected) { #expect(close(a, b, rel: 1e-12)) }
        #expect(Binning.histogramCounts(p.reference, edges: edges).map(Double.init) == p.numbers("hist_counts_ref"))
        #expect(Binning.histogramCounts(p.current, edges: edges).map(Double.init) == p.numbers("hist_counts_cur"))
    }

    @Test(arguments: OracleData.pairNames)
    func jensenShannon(_ name: String) throws {
        let p = Self.pair(name)
        let cr = p.numbers("hist_counts_ref"), cc = p.numbers("hist_counts_cur")
        #expect(close(try FrequencyDistance.jensenShannonDistance(cr, cc), p.number("jensenshannon_distance_base_e")))
        #expect(close(try FrequencyDistance.jensenShannonDistance(cr, cc, base: 2), p.number("jensenshannon_distance_base_2")))
        #expect(close(try FrequencyDistance.jensenShannonDivergence(cr, cc), p.number("js_divergence_base_e")))
        #expect(close(try FrequencyDistance.jensenShannonDivergence(cr, cc, base: 2), p.number("js_divergence_base_2")))
        let viaMetric = try DistanceMetric.jensenShannon.compute(reference: p.reference, current: p.current)
        #expect(close(viaMetric.value, p.number("jensenshannon_distance_base_e")))
    }

    @Test(arguments: OracleData.pairNames)
    func chiSquare(_ name: String) throws {
        let p = Self.pair(name)
        let c = try FrequencyDistance.chiSquare(p.numbers("hist_counts_ref"), p.numbers("hist_counts_cur"))
        #expect(close(c.statistic, p.number("chi2_statistic")), "chi2 \(c.statistic)")
        #expect(close(c.pValue, p.number("chi2_pvalue")), "p \(c.pValue) vs \(p.number("chi2_pvalue"))")
        #expect(Double(c.degreesOfFreedom) == p.number("chi2_dof"))
        #expect(Double(c.droppedColumns) == p.number("chi2_columns_dropped"))
        let viaMetric = try DistanceMetric.chiSquare.compute(reference: p.reference, current: p.current)
        #expect(close(viaMetric.value, p.number("chi2_statistic")))
        #expect(close(viaMetric.pValue!, p.number("chi2_pvalue")))
    }

    @Test(arguments: OracleData.pairNames)
    func populationStabilityIndex(_ name: String) throws {
        let p = Self.pair(name)
        let edges = Binning.referenceQuantileEdges(sortedReference: p.reference.sorted(), bins: 10)
        let expectedEdges = p.numbers("psi_inner_edges")
        #expect(edges.count == 9)
        for (a, b) in zip(edges, expectedEdges) { #expect(close(a, b, rel: 1e-12), "edge \(a) vs \(b)") }
        let fr = Binning.openBinCounts(p.reference, innerEdges: edges).map { Double($0) / 500 }
        let fc = Binning.openBinCounts(p.current, innerEdges: edges).map { Double($0) / 700 }
        for (a, b) in zip(fr, p.numbers("psi_frac_ref")) { #expect(close(a, b)) }
        for (a, b) in zip(fc, p.numbers("psi_frac_cur")) { #expect(close(a, b)) }
        #expect(close(try FrequencyDistance.psi(fr, fc), p.number("psi")))
        #expect(close(try DistanceMetric.psi.compute(reference: p.reference, current: p.current).value, p.number("psi")))
    }

    @Test(arguments: [0, 1, 2])
    func maximumMeanDiscrepancy(_ index: Int) throws {
        let p = OracleData.mmd[index]
        #expect(p.x.count == 400 && p.y.count == 400)
        let u = try MMD.compute(reference: p.x, current: p.y, dimension: 2)
        #expect(close(u.sigma, p.number("median_heuristic_sigma")), "sigma \(u.sigma)")
        #expect(close(u.mmd2, p.number("mmd2_unbiased")), "mmd2 \(u.mmd2) vs \(p.number("mmd2_unbiased"))")
        let biased = try MMD.compute(reference: p.x, current: p.y, dimension: 2, unbiased: false)
        #expect(close(biased.mmd2, p.number("mmd2_biased_same_sigma")))
        let alt = try MMD.compute(reference: p.x, current: p.y, dimension: 2, bandwidth: .medianSquaredDistanceHalf)
        #expect(close(alt.sigma * alt.sigma, p.number("alt_sigma2_median_sqdist_over_2")))
        #expect(close(alt.mmd2, p.number("mmd2_unbiased_alt_sigma")))
    }
}

/// The reusable workspace a drift trigger uses gives the oracle's values too, call after call.
@Suite("MMD workspace against the C2 oracle", .enabled(if: OracleData.available, OracleData.missingReason))
struct MMDWorkspaceOracleTests {
    @Test func theWorkspaceMatchesTheOracleAndStaysExactWhenReused() throws {
        var w = try MMD.Workspace(rows: 200)
        for _ in 0..<2 {
            for p in OracleData.mmd {
                let u = try p.x.withUnsafeBufferPointer { x in
                    try p.y.withUnsafeBufferPointer { y in try w.compute(reference: x, current: y, dimension: 2) }
                }
                #expect(abs(u.mmd2 - p.number("mmd2_unbiased")) <= 1e-9 * max(1e-3, abs(p.number("mmd2_unbiased"))))
                #expect(abs(u.sigma - p.number("median_heuristic_sigma")) <= 1e-12)
                let b = try p.x.withUnsafeBufferPointer { x in
                    try p.y.withUnsafeBufferPointer { y in try w.compute(reference: x, current: y, dimension: 2, unbiased: false) }
                }
                #expect(abs(b.mmd2 - p.number("mmd2_biased_same_sigma")) <= 1e-9 * abs(p.number("mmd2_biased_same_sigma")))
            }
        }
    }

    @Test func windowsAboveTheCapAreRefused() throws {
        #expect(throws: FlywheelError.self) { _ = try MMD.Workspace(rows: Limits.maxMMDRows + 1) }
        var w = try MMD.Workspace(rows: 3)
        let four = [0.0, 1, 2, 3], two = [0.0, 1]
        #expect(throws: FlywheelError.self) {
            _ = try four.withUnsafeBufferPointer { x in try two.withUnsafeBufferPointer { y in
                try w.compute(reference: x, current: y, dimension: 1) } }
        }
    }

    /// Evenly spaced rows: ⌊i·count/rows⌋, all of them when there are fewer.
    @Test func evenlySpacedRowsAreTheFloorIndices() {
        let rows: [Double] = (0..<10).flatMap { [Double($0), -Double($0)] }
        var out: [Double] = []
        rows.withUnsafeBufferPointer { MMD.appendEvenlySpaced($0, count: 10, dimension: 2, rows: 4, into: &out) }
        #expect(out == [0, 0, 2, -2, 5, -5, 7, -7])
        out = []
        rows.withUnsafeBufferPointer { MMD.appendEvenlySpaced($0, count: 10, dimension: 2, rows: 20, into: &out) }
        #expect(out == rows)
    }
}
