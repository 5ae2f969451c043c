import FlywheelCore
import Foundation

/// Active learning by uncertainty: the least confident (`1 − p₁`), smallest-margin (`−(p₁ − p₂)`)
/// or highest-entropy (`−Σ p log p`) predictions of the serving model first (Settles 2009); at
/// random when the model gives no probabilities.
public struct UncertaintyCuration: CurationPolicy, Curator, Hashable {
    public static let info = ComponentInfo(family: "curation", name: "least_confidence / margin / entropy",
                                           summary: "Active learning by uncertainty of the deployed model.",
                                           reference: "Settles, Active Learning Literature Survey, 2009")

    public enum Measure: String, Hashable, Sendable, CaseIterable {
        case leastConfidence = "least_confidence", margin, entropy
    }

    public var measure: Measure

    public init(_ measure: Measure) { self.measure = measure }

    /// Uncertainty is read from class probabilities.
    public var needsClasses: Bool { true }
    public static var names: [String] { Measure.allCases.map(\.rawValue) }
    public static func named(_ word: String) -> UncertaintyCuration { UncertaintyCuration(Measure(rawValue: word) ?? .leastConfidence) }

    public static var examples: [Self] { Measure.allCases.map(UncertaintyCuration.init) }

    /// As the stream was named before the policy had its own type (`Curation.Uncertainty`).
    public var randomKey: String {
        let name: String
        switch measure {
        case .leastConfidence: name = "leastConfidence"
        case .margin: name = "margin"
        case .entropy: name = "entropy"
        }
        return "uncertainty(Strategies.Curation.Uncertainty.\(name))"
    }

    public func pick(_ quota: Int, from input: CurationInput, rng: RandomStream, priority: inout [Double], into out: inout [Int32]) -> Int {
        let batch = input.batch, model = input.servingModel
        let k = max(model.classCount, 1)
        var probs = [Double](repeating: 0, count: batch.count * k)
        let ok = batch.features.withUnsafeBufferPointer { xb in
            probs.withUnsafeMutableBufferPointer { model.probabilities(xb, count: batch.count, into: $0) }
        }
        for j in 0..<input.loggedCount {
            let i = Int(input.logged[j])
            guard ok else { priority[j] = rng.uniform(); continue }
            var p1 = 0.0, p2 = 0.0, h = 0.0
            for c in 0..<k {
                let p = probs[i * k + c]
                if p > p1 { p2 = p1; p1 = p } else if p > p2 { p2 = p }
                if p > 0 { h -= p * Foundation.log(p) }
            }
            switch measure {
            case .leastConfidence: priority[j] = 1 - p1
            case .margin: priority[j] = -(p1 - p2)
            case .entropy: priority[j] = h
            }
        }
        return topK(quota, input.loggedCount, input.logged, priority, &out)
    }
}
