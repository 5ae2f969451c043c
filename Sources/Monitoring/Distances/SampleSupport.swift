import CGSL
import FlywheelCore

/// Input checks and small numeric helpers shared by the two-sample distances.
public enum SampleCheck {
    /// Throws unless `sample` is non-empty and every value is finite.
    ///
    /// - Parameters:
    ///   - sample: the values to check.
    ///   - name: how the error names the sample (`reference`, `current`).
    ///   - minimum: the smallest allowed size (default 1).
    public static func finite(_ sample: [Double], name: String, minimum: Int = 1) throws(FlywheelError) {
        guard sample.count >= minimum else {
            throw FlywheelError("the \(name) sample has \(sample.count) value(s); at least \(minimum) needed",
                                hint: "widen the window or lower the minimum sample size")
        }
        for (i, v) in sample.enumerated() where !v.isFinite {
            throw FlywheelError("the \(name) sample holds a non-finite value (\(v)) at position \(i)",
                                hint: "drop or impute missing values before computing a distance")
        }
    }

    /// A sorted copy of `values`, sorted in place with GSL's heapsort.
    ///
    /// - Complexity: O(n log n), one allocation (the copy).
    public static func sorted(_ values: [Double]) -> [Double] {
        var copy = values
        sortInPlace(&copy)
        return copy
    }

    /// Sorts `values` ascending in place (GSL `gsl_sort`, heapsort: no scratch allocation).
    @inline(__always) public static func sortInPlace(_ values: inout [Double]) {
        let n = values.count
        guard n > 1 else { return }
        values.withUnsafeMutableBufferPointer { gsl_sort($0.baseAddress, 1, n) }
    }

    /// Number of values in sorted `a` that are `<= x` (NumPy `searchsorted(a, x, side='right')`).
    ///
    /// - Complexity: O(log n).
    @inline(__always) public static func countAtMost(_ a: UnsafeBufferPointer<Double>, _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
