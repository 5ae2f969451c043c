import FlywheelCore
import Learners

/// Which logged events are sent for labelling, within the tick's quota. One call per tick over
/// the tick's logged events; a policy that remembers something between ticks (a committee) keeps
/// it in the ``Curator`` it makes.
///
/// To add a curation policy: one file with a type conforming to this protocol (stateless ones
/// conform to ``Curator`` too and need no `makeCurator`), and one line in ``Curations/all``.
public protocol CurationPolicy: StrategyComponent {
    /// The words that name this policy in `curation:` (`stratified`, `stratified_slice`).
    static var names: [String] { get }
    /// The policy one of its ``names`` stands for.
    static func named(_ word: String) -> Self
    /// The key of its mapping form and an example of it (`{committee: 5}`); nil when it has none.
    static var mappingForm: (key: String, example: String)? { get }
    /// Reads the value of its mapping form's key, reporting what is wrong at the value.
    static func read(_ v: ConfigValue) -> Self?
    /// Its part of the name of the labelling random stream: fixed strings, so that renaming a
    /// type never changes a draw (see ``RandomKeyTests``).
    var randomKey: String { get }
    /// How many times the work of random curation one tick of this policy costs to simulate
    /// (a committee predicts with each member); the runner schedules the costliest first.
    var simulationCost: Double { get }
    /// The live curator of one simulation.
    func makeCurator(_ context: CurationContext) -> any Curator
    /// Whether it needs classes (class probabilities, votes, per-class strata, wrong
    /// predictions): refused on a regression stream.
    var needsClasses: Bool { get }
}

extension CurationPolicy {
    public var needsClasses: Bool { false }
    public var simulationCost: Double { 1 }
    public static var mappingForm: (key: String, example: String)? { nil }
    public static func read(_ v: ConfigValue) -> Self? { nil }
}

extension CurationPolicy where Self: Curator {
    public func makeCurator(_ context: CurationContext) -> any Curator { self }
}

/// What a curator is opened with: enough to train models of its own (a committee).
public struct CurationContext: Sendable {
    public var seed: UInt64
    public var strategy: String
    public var replicate: Int
    public var learner: any Learner
    public var classCount: Int
    /// The data the initial model was fitted on.
    public var initialTraining: TrainingSet

    public init(seed: UInt64, strategy: String, replicate: Int, learner: any Learner, classCount: Int, initialTraining: TrainingSet) {
        self.seed = seed
        self.strategy = strategy
        self.replicate = replicate
        self.learner = learner
        self.classCount = classCount
        self.initialTraining = initialTraining
    }
}

/// What curation may look at in a tick: the served events, which of them were logged, the
/// predictions served and the model that served them.
public struct CurationInput {
    public var batch: EventBatch
    /// Indices into the batch of the logged events, increasing (the first `loggedCount`).
    public var logged: [Int32]
    public var loggedCount: Int
    public var predictions: [Double]
    public var servingModel: any Model

    public init(batch: EventBatch, logged: [Int32], loggedCount: Int, predictions: [Double], servingModel: any Model) {
        self.batch = batch
        self.logged = logged
        self.loggedCount = loggedCount
        self.predictions = predictions
        self.servingModel = servingModel
    }
}

/// The live side of a curation policy.
public protocol Curator: Sendable {
    /// Picks `quota` (> 0) of the logged events for labelling: their batch indices, increasing,
    /// go to `out`; returns how many. `priority` is scratch of at least `loggedCount` values.
    mutating func pick(_ quota: Int, from input: CurationInput, rng: RandomStream, priority: inout [Double],
                       into out: inout [Int32]) -> Int
    /// A new model went live, trained on `training` (`salt` names the deployment).
    mutating func didDeploy(training: TrainingSet, salt: Int)
}

extension Curator {
    public mutating func didDeploy(training: TrainingSet, salt: Int) {}
}

/// Every curation policy, in the order `flywheel list` shows them.
public enum Curations {
    public static let all: [any CurationPolicy.Type] = [
        RandomCuration.self, StratifiedCuration.self, FeedbackCuration.self, UncertaintyCuration.self, CommitteeCuration.self,
    ]

    public static var catalog: [ComponentInfo] { all.map { $0.info } }

    /// Every word that names a curation policy.
    public static var names: [String] { all.flatMap { $0.names } }

    /// Reads `curation:`: a word (`margin`) or the mapping form of one policy (`{committee: 5}`).
    public static func read(_ v: ConfigValue) -> (any CurationPolicy)? {
        if v.scalarText != nil, v.node.mapping == nil {
            guard let word = v.oneOf(names), let kind = all.first(where: { $0.names.contains(word) }) else { return nil }
            return kind.named(word)
        }
        let forms = all.compactMap { kind in kind.mappingForm.map { (kind, $0) } }
        guard let m = v.mapping(allowed: forms.map(\.1.key)), m.count == 1, let (key, x) = m.first,
              let kind = forms.first(where: { $0.1.key == key })?.0 else {
            v.fail("give one curation: \(names.joined(separator: ", ")), \(alternatives(forms.map(\.1.example)))")
            return nil
        }
        return kind.read(x)
    }
}

/// The `quota` logged events with the highest priority (their indices, increasing).
func topK(_ quota: Int, _ count: Int, _ logged: [Int32], _ priority: [Double], _ out: inout [Int32]) -> Int {
    var order = Array(0..<count)
    order.sort { priority[$0] != priority[$1] ? priority[$0] > priority[$1] : $0 < $1 }
    let k = min(quota, count)
    for c in 0..<k { out[c] = logged[order[c]] }
    out[0..<k].sort()
    return k
}

/// Chooses `k` distinct indices of `0..<n` uniformly, in increasing order, into `out`
/// (selection sampling, Knuth, TAOCP vol. 2, Algorithm S). Returns `k`.
/// - Complexity: O(n), no allocation.
@inline(__always)
func sampleWithoutReplacement(_ k: Int, from n: Int, rng: RandomStream, into out: inout [Int32]) -> Int {
    guard k > 0 else { return 0 }
    if k >= n {
        for i in 0..<n { out[i] = Int32(i) }
        return n
    }
    var chosen = 0
    var i = 0
    while chosen < k {
        if Double(n - i) * rng.uniform() < Double(k - chosen) {
            out[chosen] = Int32(i)
            chosen += 1
        }
        i += 1
    }
    return k
}
