import FlywheelCore

/// A share of each predicted class (observable at serving time) or, `bySlice`, of each slice, so
/// rare groups are kept as often as common ones: each group keeps `⌈rate × n / groups⌉` events at
/// most, chosen within the group by selection sampling (Knuth, TAOCP vol. 2, Algorithm S).
public struct StratifiedLogging: LoggingPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "logging", name: "stratified",
        summary: "Keep an equal share per predicted class (`{stratified: 0.1}`) or per slice (`{stratified: 0.1, by: slice}`).",
        parameters: [ParameterInfo("stratified", "—", "share kept overall"), ParameterInfo("by", "class", "class (the predicted class) or slice")])

    public var rate: Double
    public var bySlice: Bool

    public init(rate: Double, bySlice: Bool) {
        self.rate = rate
        self.bySlice = bySlice
    }

    public static var examples: [Self] { [StratifiedLogging(rate: 0.2, bySlice: false), StratifiedLogging(rate: 0.4, bySlice: true)] }

    public var randomKey: String { "stratified(rate: \(rate), bySlice: \(bySlice))" }

    public func log(_ batch: EventBatch, predictions: [Double], classCount: Int, rng: RandomStream, into out: inout [Int32]) -> Int {
        let n = batch.count
        // Groups: predicted classes, or slices (events without a slice form one more group).
        let slices = Int(batch.slice.max() ?? -1) + 1
        let classes = bySlice ? slices + 1 : max(classCount, 1)
        @inline(__always) func group(_ i: Int) -> Int {
            bySlice ? (batch.slice[i] >= 0 ? Int(batch.slice[i]) : slices) : min(max(Int(predictions[i]), 0), classes - 1)
        }
        let perClass = Int((rate * Double(n) / Double(classes)).rounded(.up))
        var counts = [Int](repeating: 0, count: classes)
        for i in 0..<n { counts[group(i)] += 1 }
        var kept = [Int](repeating: 0, count: classes)
        var k = 0
        var remaining = counts
        for i in 0..<n {
            let c = group(i)
            // Selection sampling within the class: keep min(perClass, count) of its events.
            let need = min(perClass, counts[c]) - kept[c]
            if need > 0, Double(remaining[c]) * rng.uniform() < Double(need) {
                out[k] = Int32(i)
                k += 1
                kept[c] += 1
            }
            remaining[c] -= 1
        }
        return k
    }
}
