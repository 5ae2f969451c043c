import FlywheelCore

/// Simulated users complain about a wrong prediction with probability `p` and about a right one
/// with probability `q`. A complaint is a free, immediate signal of *which* events to label, not a
/// label: it does not say what the right answer was (with more than two classes, or a false
/// complaint at rate `q`, it cannot). So complained-about events are labelled first, within the
/// labelling budget, and those labels cost `labels.cost` and arrive after `labels.delay` like any
/// other (the rest of the budget goes at random).
public struct FeedbackCuration: CurationPolicy, Curator, Hashable {
    public static let info = ComponentInfo(
        family: "curation", name: "feedback",
        summary: "Users complain about wrong predictions with probability p and right ones with probability q; "
            + "complained-about events are labelled first (at the usual label cost and delay).",
        parameters: [ParameterInfo("p", "0.3", "complaint rate on wrong predictions"), ParameterInfo("q", "0.02", "complaint rate on right ones")])

    public var p: Double
    public var q: Double

    public init(p: Double = 0.3, q: Double = 0.02) {
        self.p = p
        self.q = q
    }

    public static var names: [String] { ["feedback"] }
    /// Users complain about a wrong prediction: a regressor's prediction is never simply wrong.
    public var needsClasses: Bool { true }
    public static func named(_ word: String) -> FeedbackCuration { FeedbackCuration() }
    public static var mappingForm: (key: String, example: String)? { ("feedback", "{feedback: {p: 0.3, q: 0.02}}") }

    /// `{feedback: {p: 0.4, q: 0.02}}`: the two complaint rates.
    public static func read(_ v: ConfigValue) -> FeedbackCuration? {
        guard let m = v.mapping(allowed: ["p", "q"]) else { return nil }
        let defaults = FeedbackCuration()
        return FeedbackCuration(p: m["p"]?.double(min: 0, max: 1) ?? defaults.p, q: m["q"]?.double(min: 0, max: 1) ?? defaults.q)
    }

    public static var examples: [Self] { [FeedbackCuration(p: 0.3, q: 0.02)] }

    public var randomKey: String { "feedback(p: \(p), q: \(q))" }

    public func pick(_ quota: Int, from input: CurationInput, rng: RandomStream, priority: inout [Double], into out: inout [Int32]) -> Int {
        for j in 0..<input.loggedCount {
            let i = Int(input.logged[j])
            let wrong = input.predictions[i] != input.batch.labels[i]
            let complained = rng.uniform() < (wrong ? p : q)
            priority[j] = complained ? 1 + rng.uniform() : rng.uniform()
        }
        return topK(quota, input.loggedCount, input.logged, priority, &out)
    }
}
