/// A region of input space: a box, the events whose features all lie in their closed intervals
/// (an open end is infinite; a missing value is outside). A scenario names regions as edge cases
/// for the offline gate (`edge_cases:`) and as the subpopulations a covariate drift grows or shrinks.
public struct Region: Hashable, Sendable {
    /// Feature `feature` lies in `[low, high]`.
    public struct Bound: Hashable, Sendable {
        public var feature: Int
        public var low: Double
        public var high: Double
        public init(feature: Int, low: Double = -.infinity, high: Double = .infinity) {
            self.feature = feature
            self.low = low
            self.high = high
        }
    }

    /// The name a scenario gives it (an edge case's name, or a description such as `x1 in [0, 3]`).
    public var name: String
    /// Every bound must hold (an empty list is the whole space).
    public var bounds: [Bound]

    public init(name: String, bounds: [Bound]) {
        self.name = name
        self.bounds = bounds
    }

    /// The region of one feature in `[low, high]`.
    public init(name: String, feature: Int, low: Double = -.infinity, high: Double = .infinity) {
        self.init(name: name, bounds: [Bound(feature: feature, low: low, high: high)])
    }

    /// Whether a row (its features, in schema order) lies in the region.
    @inline(__always) public func contains(_ row: ArraySlice<Double>) -> Bool {
        let base = row.startIndex
        for b in bounds {
            let v = row[base + b.feature]
            if !(v >= b.low && v <= b.high) { return false }
        }
        return true
    }

    /// Whether an event's features lie in the region.
    @inline(__always) public func contains(_ x: UnsafeMutableBufferPointer<Double>) -> Bool {
        for b in bounds {
            let v = x[b.feature]
            if !(v >= b.low && v <= b.high) { return false }
        }
        return true
    }

    /// A readable description of the bounds with the features' names: `x1 in [0, 3] and x2 >= 5`.
    public static func describe(_ bounds: [Bound], features: [String]) -> String {
        let num = NumberText.plain
        return bounds.map { b in
            let f = b.feature < features.count ? features[b.feature] : "x\(b.feature)"
            switch (b.low.isFinite, b.high.isFinite) {
            case (true, true): return "\(f) in [\(num(b.low)), \(num(b.high))]"
            case (true, false): return "\(f) >= \(num(b.low))"
            case (false, true): return "\(f) <= \(num(b.high))"
            case (false, false): return "\(f) any"
            }
        }.joined(separator: " and ")
    }
}
