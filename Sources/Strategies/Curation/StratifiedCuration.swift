import FlywheelCore

/// An equal number per predicted class (or, `bySlice`, per slice): random priorities within each
/// group, then round-robin over the groups.
public struct StratifiedCuration: CurationPolicy, Curator, Hashable {
    public static let info = ComponentInfo(family: "curation", name: "stratified",
                                           summary: "Label an equal number per predicted class; `stratified_slice`: per slice.")

    public var bySlice: Bool

    public init(bySlice: Bool) { self.bySlice = bySlice }

    public static var names: [String] { ["stratified", "stratified_slice"] }
    /// Strata by predicted class need classes; strata by slice do not.
    public var needsClasses: Bool { !bySlice }
    public static func named(_ word: String) -> StratifiedCuration { StratifiedCuration(bySlice: word == "stratified_slice") }

    public static var examples: [Self] { [StratifiedCuration(bySlice: false), StratifiedCuration(bySlice: true)] }

    public var randomKey: String { "stratified(bySlice: \(bySlice))" }

    public func pick(_ quota: Int, from input: CurationInput, rng: RandomStream, priority: inout [Double], into out: inout [Int32]) -> Int {
        var groups: [Int32: [Int32]] = [:]
        for j in 0..<input.loggedCount {
            let i = Int(input.logged[j])
            let key = bySlice ? input.batch.slice[i] : Int32(input.predictions[i])
            groups[key, default: []].append(Int32(i))
        }
        var lists = groups.sorted { $0.key < $1.key }.map { var l = $0.value; rng.shuffle(&l); return l }
        var k = 0, round = 0
        while k < quota {
            var any = false
            for g in lists.indices where round < lists[g].count && k < quota {
                out[k] = lists[g][round]
                k += 1
                any = true
            }
            if !any { break }
            round += 1
        }
        lists.removeAll()
        out[0..<k].sort()
        return k
    }
}
