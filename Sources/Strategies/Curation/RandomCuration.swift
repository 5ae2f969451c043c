import FlywheelCore

/// Uniformly at random among the logged events.
public struct RandomCuration: CurationPolicy, Curator, Hashable {
    public static let info = ComponentInfo(family: "curation", name: "random", summary: "Label a uniform random choice of logged events.")

    public init() {}

    public static var names: [String] { ["random"] }
    public static func named(_ word: String) -> RandomCuration { RandomCuration() }

    public static var examples: [Self] { [RandomCuration()] }

    public var randomKey: String { "random" }

    public func pick(_ quota: Int, from input: CurationInput, rng: RandomStream, priority: inout [Double], into out: inout [Int32]) -> Int {
        let k = sampleWithoutReplacement(quota, from: input.loggedCount, rng: rng, into: &out)
        for c in 0..<k { out[c] = input.logged[Int(out[c])] }
        return k
    }
}
