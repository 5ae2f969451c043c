import Foundation
import FlywheelCore

/// A distance's value and, for the metrics that are also tests, its p-value.
public struct DistanceResult: Hashable, Sendable {
    public var value: Double
    /// The p-value of the matching two-sample test (KS, chi-square); nil for pure distances.
    public var pValue: Double?

    public init(value: Double, pValue: Double? = nil) {
        self.value = value
        self.pValue = pValue
    }
}

/// How numeric samples become frequency vectors for the frequency-based metrics
/// (Jensen–Shannon, chi-square, Hellinger, L1, L∞).
public enum FrequencyBinning: Hashable, Sendable {
    /// `bins` equal-width bins over the pooled range (NumPy `histogram_bin_edges`; default 10).
    case histogram(bins: Int)
    /// Every distinct value is a category (for categorical features coded as numbers).
    case categories
}

/// The univariate drift distances a trigger or the CLI can name, behind one entry point.
///
/// Each compares a reference window with a current window of one feature (or of a projection,
/// or of the model's output). Values grow with the shift; KS and chi-square also give p-values,
/// but with large windows thresholds on the distance itself are the better default.
public enum DistanceMetric: String, CaseIterable, Sendable {
    /// Two-sample Kolmogorov–Smirnov statistic `sup |F − G|`, with its p-value (exact up to 10 000
    /// per side, else asymptotic).
    case ks
    /// Wasserstein-1 (earth mover's) distance `∫ |F − G| dx`.
    case wasserstein
    /// Energy distance `√2·‖F − G‖₂`.
    case energy
    /// Jensen–Shannon distance (base e) between binned frequencies.
    case jensenShannon = "jensen_shannon"
    /// Population stability index on ten reference-decile bins.
    case psi
    /// Pearson chi-square statistic on binned counts, with its p-value.
    case chiSquare = "chi_square"
    /// Hellinger distance between binned frequencies.
    case hellinger
    /// L1 distance between binned frequencies.
    case l1
    /// L∞ distance between binned frequencies.
    case linf
    /// Unbiased Gaussian-kernel MMD² with the median heuristic, on the values as 1-D points
    /// (use ``MMD/compute(reference:current:dimension:bandwidth:unbiased:)`` for rows).
    case mmd

    /// Computes the metric between a reference and a current sample. To compare one reference
    /// window with many current windows, prepare it once as a ``ReferenceSample``.
    ///
    /// - Parameters:
    ///   - binning: how the frequency-based metrics bin numeric values (default: 10 equal-width
    ///     pooled bins). PSI always uses `psiBins` reference-quantile bins.
    ///   - psiBins: the number of PSI bins (default 10, i.e. reference deciles).
    /// - Throws: ``FlywheelError`` when a sample is empty or holds a non-finite value.
    /// - Complexity: O(n log n), except MMD which is O(n²).
    public func compute(reference: [Double], current: [Double],
                        binning: FrequencyBinning = .histogram(bins: 10), psiBins: Int = 10) throws(FlywheelError) -> DistanceResult {
        try ReferenceSample(reference, psiBins: psiBins).compute(self, current: current, binning: binning)
    }

    /// The counts the frequency-based metrics compare.
    static func frequencies(_ reference: [Double], _ current: [Double], _ binning: FrequencyBinning) throws(FlywheelError) -> ([Double], [Double]) {
        switch binning {
        case .histogram(let bins):
            guard bins >= 1 else { throw FlywheelError("a histogram needs at least 1 bin (got \(bins))") }
            var lo = Double.infinity, hi = -Double.infinity
            for v in reference { lo = min(lo, v); hi = max(hi, v) }
            for v in current { lo = min(lo, v); hi = max(hi, v) }
            let edges = Binning.equalWidthEdges(min: lo, max: hi, bins: bins)
            return (Binning.histogramCounts(reference, edges: edges).map(Double.init),
                    Binning.histogramCounts(current, edges: edges).map(Double.init))
        case .categories:
            let c = Binning.categoryCounts(reference: reference, current: current)
            return (c.reference.map(Double.init), c.current.map(Double.init))
        }
    }

    /// True for the metrics that report a p-value.
    public var hasPValue: Bool { self == .ks || self == .chiSquare }

    /// What `flywheel list` shows for this metric.
    public var info: ComponentInfo {
        let binning = ParameterInfo("bins", "10", "equal-width bins over the pooled range (or `categories`: one bin per distinct value)")
        switch self {
        case .ks:
            return ComponentInfo(family: "distance", name: rawValue,
                                 summary: "Two-sample Kolmogorov–Smirnov statistic sup|F−G| with its p-value (exact for ≤10 000 per side, else asymptotic)",
                                 parameters: [ParameterInfo("method", "auto", "p-value method: auto, exact or asymptotic")],
                                 reference: "Hodges 1958; Viehmann 2021 (arXiv:2102.08037); Simard & L'Ecuyer 2011; matches SciPy ks_2samp")
        case .wasserstein:
            return ComponentInfo(family: "distance", name: rawValue, summary: "Wasserstein-1 (earth mover's) distance ∫|F−G|dx between empirical CDFs",
                                 reference: "Vaserstein 1969; matches SciPy wasserstein_distance")
        case .energy:
            return ComponentInfo(family: "distance", name: rawValue, summary: "Energy distance √2·(∫(F−G)²dx)^½, via sorted CDFs in O(n log n)",
                                 reference: "Székely & Rizzo 2013; matches SciPy energy_distance")
        case .jensenShannon:
            return ComponentInfo(family: "distance", name: rawValue, summary: "Jensen–Shannon distance (square root of the JS divergence, base e) between binned frequencies",
                                 parameters: [binning], reference: "Lin 1991; matches SciPy spatial.distance.jensenshannon")
        case .psi:
            return ComponentInfo(family: "distance", name: rawValue,
                                 summary: "Population stability index Σ(p−q)ln(p/q) on reference-quantile bins, fractions floored at 1e-4",
                                 parameters: [ParameterInfo("bins", "10", "number of reference-quantile bins (NumPy type-7 quantiles)"),
                                              ParameterInfo("floor", "1e-4", "smallest bin fraction, so empty bins stay finite")],
                                 reference: "Siddiqi 2006, Credit Risk Scorecards")
        case .chiSquare:
            return ComponentInfo(family: "distance", name: rawValue, summary: "Pearson chi-square statistic on a 2×bins table of counts, with its p-value (GSL)",
                                 parameters: [binning], reference: "Pearson 1900; matches SciPy chi2_contingency")
        case .hellinger:
            return ComponentInfo(family: "distance", name: rawValue, summary: "Hellinger distance (½Σ(√p−√q)²)^½ between frequency vectors, in [0, 1]",
                                 parameters: [binning], reference: "Hellinger 1909")
        case .l1:
            return ComponentInfo(family: "distance", name: rawValue, summary: "L1 distance Σ|p−q| between frequency vectors, in [0, 2]", parameters: [binning])
        case .linf:
            return ComponentInfo(family: "distance", name: rawValue, summary: "L∞ distance max|p−q| between frequency vectors, in [0, 1]", parameters: [binning])
        case .mmd:
            return ComponentInfo(family: "distance", name: rawValue,
                                 summary: "Unbiased MMD² with a Gaussian kernel, σ by the median heuristic (multivariate windows)",
                                 parameters: [ParameterInfo("bandwidth", "median", "median pairwise distance; or median_sq_half, or a fixed σ"),
                                              ParameterInfo("estimator", "unbiased", "unbiased (U-statistic) or biased (V-statistic)")],
                                 reference: "Gretton et al. 2012, A Kernel Two-Sample Test, JMLR 13")
        }
    }
}

/// Every distance, projection and sketch `flywheel list` can show.
public enum DistanceCatalog {
    public static let all: [ComponentInfo] = DistanceMetric.allCases.map(\.info) + ProjectionKind.catalog + SketchCatalog.all
}

/// A reference window prepared once (sorted, PSI edges computed) for repeated comparisons with
/// recent windows, as a drift trigger does every tick.
public struct ReferenceSample: Sendable {
    /// The reference values as given.
    public let values: [Double]
    /// The reference values ascending.
    public let sorted: [Double]
    /// Number of PSI bins and their inner edges (reference type-7 quantiles).
    public let psiBins: Int
    public let psiEdges: [Double]
    /// PSI bin counts of the reference.
    let psiCounts: [Double]

    /// Prepares `values` (non-empty, finite).
    ///
    /// - Complexity: O(n log n).
    public init(_ values: [Double], psiBins: Int = 10) throws(FlywheelError) {
        try SampleCheck.finite(values, name: "reference")
        guard psiBins >= 2 else { throw FlywheelError("PSI needs at least 2 bins (got \(psiBins))") }
        self.values = values
        sorted = SampleCheck.sorted(values)
        self.psiBins = psiBins
        psiEdges = Binning.referenceQuantileEdges(sortedReference: sorted, bins: psiBins)
        psiCounts = Binning.openBinCounts(values, innerEdges: psiEdges).map(Double.init)
    }

    /// `metric` between this reference and `current`.
    ///
    /// - Throws: ``FlywheelError`` when `current` is empty or holds a non-finite value (MMD needs
    ///   at least two values per side).
    /// - Complexity: O(m log m + n) for the CDF metrics (m = current size), O(n log b) for binned
    ///   ones, O((n + m)²) for MMD.
    public func compute(_ metric: DistanceMetric, current: [Double], binning: FrequencyBinning = .histogram(bins: 10)) throws(FlywheelError) -> DistanceResult {
        try SampleCheck.finite(current, name: "current", minimum: metric == .mmd ? 2 : 1)
        switch metric {
        case .ks:
            let r = KolmogorovSmirnov.test(sortedReference: sorted, sortedCurrent: SampleCheck.sorted(current))
            return DistanceResult(value: r.statistic, pValue: r.pValue)
        case .wasserstein:
            return DistanceResult(value: CDFDistance.integrate(sorted, SampleCheck.sorted(current), power: 1))
        case .energy:
            return DistanceResult(value: (2.0).squareRoot() * CDFDistance.integrate(sorted, SampleCheck.sorted(current), power: 2))
        case .psi:
            let q = Binning.openBinCounts(current, innerEdges: psiEdges).map(Double.init)
            return DistanceResult(value: try FrequencyDistance.psi(psiCounts, q))
        case .mmd:
            guard values.count >= 2 else {
                throw FlywheelError("the reference sample has 1 value; MMD needs at least 2")
            }
            return DistanceResult(value: try MMD.compute(reference: values, current: current, dimension: 1).mmd2)
        case .jensenShannon, .chiSquare, .hellinger, .l1, .linf:
            let (p, q) = try DistanceMetric.frequencies(values, current, binning)
            switch metric {
            case .jensenShannon: return DistanceResult(value: try FrequencyDistance.jensenShannonDistance(p, q))
            case .chiSquare:
                let c = try FrequencyDistance.chiSquare(p, q)
                return DistanceResult(value: c.statistic, pValue: c.pValue)
            case .hellinger: return DistanceResult(value: try FrequencyDistance.hellinger(p, q))
            case .l1: return DistanceResult(value: try FrequencyDistance.l1(p, q))
            case .linf: return DistanceResult(value: try FrequencyDistance.linf(p, q))
            case .ks, .wasserstein, .energy, .psi, .mmd: preconditionFailure("\(metric) is not a frequency distance")
            }
        }
    }
}
