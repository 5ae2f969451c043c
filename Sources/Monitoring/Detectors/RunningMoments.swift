/// Running mean with River's update `mean += (x − mean) / n` (West 1979), n counted as a real.
///
/// Shared by the detectors that keep a mean so their arithmetic matches River's `stats.Mean`
/// operation for operation.
struct RunningMean: Sendable {
    var n = 0.0
    var mean = 0.0

    @inline(__always) mutating func update(_ x: Double) {
        n += 1
        mean += (x - mean) / n
    }
}

/// Running sample variance (Welford; divisor n − 1), as River's `stats.Var` with `ddof = 1`.
struct RunningVariance: Sendable {
    var moments = RunningMean()
    var sumOfSquares = 0.0

    @inline(__always) mutating func update(_ x: Double) {
        let old = moments.mean
        moments.update(x)
        sumOfSquares += (x - old) * (x - moments.mean)
    }

    var mean: Double { moments.mean }
    /// S / (n − 1), or 0 while n ≤ 1.
    var value: Double { moments.n > 1 ? sumOfSquares / (moments.n - 1) : 0 }
}
