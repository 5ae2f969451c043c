import FlywheelCore
import Foundation
import Learners

/// Online batch selection: the `size` arrived labels with the highest loss (`−log p(y)`) under
/// the current champion (Loshchilov & Hutter 2015), from the last `window` ticks.
public struct HardestDataset: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "dataset", name: "hardest",
        summary: "Online batch selection: the rows with the highest loss under the champion (`{hardest: 2000, window: 30d}`).",
        parameters: [ParameterInfo("hardest", "—", "rows"), ParameterInfo("window", "all", "where to look")],
        reference: "Loshchilov & Hutter, 2015 (online batch selection)")

    public var size: Int
    /// Ticks to look back (infinite: all history).
    public var window: Double

    public init(size: Int, window: Double) {
        self.size = size
        self.window = window
    }

    public static var examples: [Self] { [HardestDataset(size: 40, window: 6), HardestDataset(size: 40, window: .infinity)] }

    public func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                       classCount: Int, rng: RandomStream) -> [LabelRef] {
        let pool = window.isFinite ? recent(reservoir, window, now: t) : reservoir
        guard pool.count > size, classCount > 0 else { return pool }
        let k = classCount
        var losses = [(Double, Int)]()
        losses.reserveCapacity(pool.count)
        var x = [Double](repeating: 0, count: rows.dimension)
        var p = [Double](repeating: 0, count: k)
        for (j, ref) in pool.enumerated() {
            let base = Int(ref.row) * rows.dimension
            for c in 0..<rows.dimension { x[c] = rows.features[base + c] }
            _ = x.withUnsafeBufferPointer { xb in p.withUnsafeMutableBufferPointer { champion.probabilities(xb, count: 1, into: $0) } }
            let y = min(max(Int(ref.label), 0), k - 1)
            losses.append((-Foundation.log(max(p[y], 1e-15)), j))
        }
        losses.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        return losses.prefix(size).map(\.1).sorted().map { pool[$0] }
    }

    /// Like a window (nothing is forgotten over all history).
    public func forget(_ reservoir: inout [LabelRef], sinceLastTraining: inout Int, now t: Int) {
        forget(servedBefore: Double(t) - window, &reservoir, sinceLastTraining: &sinceLastTraining)
    }

    public func rowsKept(perTick: Double, ticks t: Double, minimumDelay: Int) -> Double {
        window.isFinite ? perTick * min(window + 1, t) : perTick * t
    }
}
