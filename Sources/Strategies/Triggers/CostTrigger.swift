import FlywheelCore
import Learners

/// Retrain when the error cost a new model would have avoided since the deployment has grown to
/// the price of a training: the ski-rental rule (rent — keep paying the errors — until what was
/// paid equals the price of buying — a retraining), as Modyn's avoidable-misclassification
/// trigger (Böther et al., "Modyn", SIGMOD 2025) and Karlin et al.'s competitive analysis (1988).
///
/// After a deployment the trigger first waits for the shortest label delay (labels arriving
/// sooner are of events the previous model served), then takes the observed error rate of the
/// next `window` ticks of arrived labels as the new model's reference `e₀`. From then on, each
/// tick with arrived labels adds its excess error to the estimate of avoidable errors:
///
///     A ← A + (e_t − e₀) · n_t
///
/// where `e_t` is the mean loss of this tick's arrived labels — the share served wrong, or the
/// mean absolute error on a regression stream — and `n_t` the number of events served this tick
/// (the traffic the excess error applies to); the error price is per wrong prediction or per unit
/// of absolute error, as everywhere.
/// The sum is signed, so label noise around `e₀` cancels instead of accumulating. The trigger
/// fires when `max(A, 0) · price(error) ≥ price(training)`, where the training's price is
/// `price` when given, else the scenario's `retrain + retrain_per_sample · rows + deploy` with
/// `rows` the size of the last training set (one pass).
public struct CostTrigger: TriggerPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "trigger", name: "cost",
        summary: "Retrain when the estimated avoidable error cost since the deployment reaches the price of a training (ski rental).",
        parameters: [ParameterInfo("window", "7", "ticks (or a duration) of arrived labels that set the new model's reference error rate"),
                     ParameterInfo("price", "from costs", "price of a training and deployment; default retrain + retrain_per_sample × rows + deploy")],
        reference: "Karlin, Manasse, McGeoch & Owicki, SODA 1990; Böther et al., SIGMOD 2025")

    /// Ticks of arrived labels that set the reference error rate.
    public var window: Double
    /// The price of one training and deployment, or nil for the scenario's.
    public var price: Double?

    public init(window: Double = 7, price: Double? = nil) {
        self.window = window
        self.price = price
    }

    public static var keys: [String] { ["cost"] }
    public static var examples: [Self] { [CostTrigger(window: 2, price: 5), CostTrigger(window: 3)] }
    public var expectedTrainingsPerTick: Double { 0.1 }

    /// `{cost: {window: 7d}}` or `{cost: {price: 120}}`.
    public static func read(_ key: String, _ v: ConfigValue, _ c: ReadContext) -> CostTrigger? {
        guard let m = v.mapping(allowed: ["window", "price"]) else { return nil }
        let window = m["window"]?.duration(tick: c.tick, allowZero: false)
        c.warnBeyondHorizon(window, at: m["window"], "the reference never forms, so the trigger never fires")
        let price = m["price"]?.double(min: 0, max: Limits.maxCost, exclusiveMin: true)
        return CostTrigger(window: window ?? 7, price: price)
    }

    public func makeState(_ context: TriggerContext) throws -> any TriggerState {
        State(trigger: self, costs: context.costs, delay: context.labelDelay)
    }

    /// The reference being formed, then the running estimate of avoidable errors.
    struct State: TriggerState {
        let trigger: CostTrigger
        let costs: CostModel
        let delay: Int
        var referenceErrors = 0.0, referenceLabels = 0
        var reference: Double?
        var avoidable = 0.0
        var trainingPrice: Double

        init(trigger: CostTrigger, costs: CostModel, delay: Int) {
            self.trigger = trigger
            self.costs = costs
            self.delay = delay
            trainingPrice = trigger.price ?? (costs.retrain + costs.deploy)
        }

        mutating func update(_ o: TriggerObservation) -> Bool {
            let labels = o.arrivedLoss.count
            guard labels > 0 else { return false }
            var errors = 0.0
            for loss in o.arrivedLoss { errors += loss }
            let age = o.tick - o.deployedAt
            guard age >= delay else { return false }
            guard let e0 = reference else {
                referenceErrors += errors
                referenceLabels += labels
                if Double(age - delay + 1) >= trigger.window { reference = referenceErrors / Double(referenceLabels) }
                return false
            }
            avoidable += (errors / Double(labels) - e0) * Double(o.served)
            return avoidable > 0 && avoidable * costs.error >= trainingPrice
        }

        mutating func didDeploy(training: TrainingSet, scores: [Double]) {
            referenceErrors = 0.0
            referenceLabels = 0
            reference = nil
            avoidable = 0
            trainingPrice = trigger.price ?? (costs.retrain + costs.retrainPerSample * Double(training.count) + costs.deploy)
        }
    }
}
