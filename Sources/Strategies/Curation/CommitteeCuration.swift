import FlywheelCore
import Foundation
import Learners

/// Query by committee: a bootstrap committee of `members` models trained on the champion's
/// training set; events with the most vote disagreement (vote entropy, Dagan & Engelson 1995)
/// first (Seung, Opper & Sompolinsky 1992). The committee is drawn again at every deployment.
public struct CommitteeCuration: CurationPolicy, Hashable {
    public static let info = ComponentInfo(family: "curation", name: "committee",
                                           summary: "Query by committee: bootstrap models' vote disagreement (vote entropy).",
                                           parameters: [ParameterInfo("committee", "5", "members")],
                                           reference: "Seung, Opper & Sompolinsky, COLT 1992")

    public var members: Int

    public init(members: Int = 5) { self.members = members }

    public static var names: [String] { ["committee"] }
    public static func named(_ word: String) -> CommitteeCuration { CommitteeCuration() }
    public static var mappingForm: (key: String, example: String)? { ("committee", "{committee: 5}") }

    /// `{committee: 7}`: the committee's size, 2 to 50.
    public static func read(_ v: ConfigValue) -> CommitteeCuration? { v.int(min: 2, max: 50).map { CommitteeCuration(members: $0) } }

    public static var examples: [Self] { [CommitteeCuration(members: 3)] }

    public var randomKey: String { "committee(members: \(members))" }
    /// Disagreement is the entropy of the members' class votes.
    public var needsClasses: Bool { true }
    public var simulationCost: Double { Double(members) }

    public func makeCurator(_ context: CurationContext) -> any Curator {
        var committee = Committee(members: members, context: context)
        committee.didDeploy(training: context.initialTraining, salt: context.replicate)
        return committee
    }

    /// The committee of one simulation.
    struct Committee: Curator {
        let members: Int
        let context: CurationContext
        var models: [any Model] = []

        init(members: Int, context: CurationContext) {
            self.members = members
            self.context = context
        }

        /// Draws the committee again: bootstrap resamples of `training`, from the stream named
        /// by the strategy and `salt`.
        mutating func didDeploy(training: TrainingSet, salt: Int) {
            let rng = RandomStream(seed: context.seed, path: "committee", context.strategy, salt)
            models = (0..<members).map { _ in
                var set = TrainingSet(dimension: training.dimension)
                for _ in 0..<training.count {
                    let i = rng.int(below: max(training.count, 1))
                    set.features.append(contentsOf: training.features[(i * training.dimension)..<((i + 1) * training.dimension)])
                    set.labels.append(training.labels[i])
                    set.ticks.append(training.ticks[i])
                }
                return context.learner.fit(set, classCount: context.classCount, warmStart: nil, rng: rng).model
            }
        }

        func pick(_ quota: Int, from input: CurationInput, rng: RandomStream, priority: inout [Double], into out: inout [Int32]) -> Int {
            let batch = input.batch, m = models.count
            var votes = [Double](repeating: 0, count: batch.count * m)
            for (j, model) in models.enumerated() {
                var out = [Double](repeating: 0, count: batch.count)
                batch.features.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { model.predict(xb, count: batch.count, into: $0) } }
                for i in 0..<batch.count { votes[i * m + j] = out[i] }
            }
            for j in 0..<input.loggedCount {
                let i = Int(input.logged[j])
                // Vote entropy, ties broken at random.
                var counts: [Double: Int] = [:]
                for v in 0..<m { counts[votes[i * m + v], default: 0] += 1 }
                var h = 0.0
                for (_, c) in counts {
                    let p = Double(c) / Double(m)
                    h -= p * Foundation.log(p)
                }
                priority[j] = h + 1e-6 * rng.uniform()
            }
            return topK(quota, input.loggedCount, input.logged, priority, &out)
        }
    }
}
