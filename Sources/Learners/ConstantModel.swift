/// A model that ignores its inputs: it predicts one class (with fixed class probabilities) or one
/// regression value. The baselines (``MajorityClass``, ``NoChange``) fit it.
public struct ConstantModel: Model {
    /// The predicted class index (as `Double`) or regression value.
    public let value: Double
    /// Class probabilities written for every row (empty for regression).
    public let classProbabilities: [Double]

    public var classCount: Int { classProbabilities.count }

    public init(value: Double, classProbabilities: [Double]) {
        self.value = value
        self.classProbabilities = classProbabilities
    }

    /// - Complexity: O(count); allocates nothing.
    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count >= count, "buffer too small")
        for i in 0..<count { out[i] = value }
    }

    /// Writes the fixed class probabilities for every row; false for a regression model.
    /// - Complexity: O(count × classCount).
    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let k = classCount
        guard k > 0 else { return false }
        precondition(out.count >= count * k, "buffer too small")
        for i in 0..<count { for c in 0..<k { out[i * k + c] = classProbabilities[c] } }
        return true
    }
}
