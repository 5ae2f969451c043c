import FlywheelCore

/// Empirical quantiles and histogram bins computed exactly as NumPy 2 computes them, so that
/// binned distances (PSI, Jensen–Shannon, chi-square) agree with the Python tools monitoring
/// teams already use.
public enum Binning {
    /// NumPy's default quantile (Hyndman & Fan 1996, type 7; `np.quantile(..., method='linear')`)
    /// of an ascending-sorted sample.
    ///
    /// The virtual index is `(n − 1)·q`; with `i = ⌊(n − 1)·q⌋` and `γ = (n − 1)·q − i` the result is
    /// `a + (b − a)·γ` for `γ < 0.5` and `b − (b − a)·(1 − γ)` otherwise (NumPy's `_lerp`), where
    /// `a = x₍ᵢ₎`, `b = x₍ᵢ₊₁₎`. Levels outside [0, 1] are clamped.
    ///
    /// - Complexity: O(1).
    public static func quantileType7(sorted x: UnsafeBufferPointer<Double>, _ q: Double) -> Double {
        let n = x.count
        guard n > 0, !q.isNaN else { return .nan }
        let qq = min(max(q, 0), 1)
        let virtualIndex = Double(n - 1) * qq
        if virtualIndex >= Double(n - 1) { return x[n - 1] }
        if virtualIndex <= 0 { return x[0] }
        let lower = virtualIndex.rounded(.down)
        let i = Int(lower)
        let gamma = virtualIndex - lower
        let a = x[i], b = x[i + 1]
        let diff = b - a
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
    }

    /// Type-7 quantiles of an ascending-sorted array at each level in `levels`.
    public static func quantilesType7(sorted x: [Double], levels: [Double]) -> [Double] {
        x.withUnsafeBufferPointer { p in levels.map { quantileType7(sorted: p, $0) } }
    }

    /// The `bins − 1` inner edges at levels `1/bins, …, (bins−1)/bins` of the reference sample: the
    /// PSI bins are `(−∞, e₁), [e₁, e₂), …, [e_{bins−1}, +∞)`. Fewer than 2 bins give no edges.
    public static func referenceQuantileEdges(sortedReference x: [Double], bins: Int) -> [Double] {
        guard bins >= 2 else { return [] }
        return quantilesType7(sorted: x, levels: (1..<bins).map { Double($0) / Double(bins) })
    }

    /// NumPy `histogram_bin_edges(values, bins)`: `bins` equal-width bins over [min, max]
    /// (`np.linspace`: edge k is `min + k·(max − min)/bins`, the last edge is exactly `max`);
    /// when min == max the range is widened to [min − 0.5, max + 0.5].
    ///
    /// - Complexity: O(n).
    public static func equalWidthEdges(_ values: [Double], bins: Int) -> [Double] {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values { lo = min(lo, v); hi = max(hi, v) }
        return equalWidthEdges(min: lo, max: hi, bins: bins)
    }

    /// Equal-width edges over [min, max] as NumPy's `linspace(min, max, bins + 1)` builds them.
    /// At least one bin is made.
    public static func equalWidthEdges(min lo0: Double, max hi0: Double, bins bins0: Int) -> [Double] {
        let bins = max(1, bins0)
        var lo = lo0, hi = hi0
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let step = (hi - lo) / Double(bins)
        var edges = [Double](repeating: 0, count: bins + 1)
        for k in 0..<bins { edges[k] = Double(k) * step + lo }
        edges[bins] = hi
        return edges
    }

    /// Counts per bin as NumPy's `histogram(values, edges)` does with explicit edges: bin i is
    /// `[e_i, e_{i+1})`, the last bin is closed; values outside `[e_0, e_last]` are not counted.
    ///
    /// - Complexity: O(n log b).
    public static func histogramCounts(_ values: [Double], edges: [Double]) -> [Int] {
        let bins = edges.count - 1
        var counts = [Int](repeating: 0, count: max(bins, 0))
        guard bins > 0 else { return counts }
        edges.withUnsafeBufferPointer { e in
            for v in values {
                if v == e[bins] { counts[bins - 1] += 1; continue }
                let b = SampleCheck.countAtMost(e, v) - 1
                if b >= 0 && b < bins { counts[b] += 1 }
            }
        }
        return counts
    }

    /// Counts per bin for `searchsorted(innerEdges, v, side='right')`: bin 0 is `(−∞, e₁)`, bin i is
    /// `[e_i, e_{i+1})`, the last bin is `[e_last, +∞)`; there are `innerEdges.count + 1` bins.
    public static func openBinCounts(_ values: [Double], innerEdges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: innerEdges.count + 1)
        innerEdges.withUnsafeBufferPointer { e in
            for v in values { counts[SampleCheck.countAtMost(e, v)] += 1 }
        }
        return counts
    }

    /// Category frequencies of two samples over the union of the values they hold (each distinct
    /// value is one category, in ascending order): the vectors the L1, L∞, Hellinger,
    /// Jensen–Shannon and chi-square distances compare for categorical features.
    public static func categoryCounts(reference: [Double], current: [Double]) -> (categories: [Double], reference: [Int], current: [Int]) {
        var keys = Set<Double>()
        for v in reference { keys.insert(v) }
        for v in current { keys.insert(v) }
        let categories = keys.sorted()
        var index = [Double: Int](minimumCapacity: categories.count)
        for (i, c) in categories.enumerated() { index[c] = i }
        var r = [Int](repeating: 0, count: categories.count)
        var c = [Int](repeating: 0, count: categories.count)
        for v in reference { r[index[v]!] += 1 }
        for v in current { c[index[v]!] += 1 }
        return (categories, r, c)
    }
}
