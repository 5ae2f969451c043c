import FlywheelCore
import Foundation
import Learners

/// Online batch selection: the `size` arrived labels with the highest loss under the current
/// champion (Loshchilov & Hutter 2015), from the last `window` ticks: the log loss `−log p(y)` for
/// a classifier, the squared error `(ŷ − y)²` for a regressor. Ties keep arrival order.
public struct HardestDataset: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "dataset", name: "hardest",
        summary: "Online batch selection: the rows with the highest loss under the champion, log loss or squared error "
            + "(`{hardest: 2000, window: 30d}`).",
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
        guard pool.count > size else { return pool }
        var losses = [(Double, Int)]()
        losses.reserveCapacity(pool.count)
        if classCount > 0 {
            let k = classCount
            var x = [Double](repeating: 0, count: rows.dimension)
            var p = [Double](repeating: 0, count: k)
            for (j, ref) in pool.enumerated() {
                let base = Int(ref.row) * rows.dimension
                for c in 0..<rows.dimension { x[c] = rows.features[base + c] }
                _ = x.withUnsafeBufferPointer { xb in
                    p.withUnsafeMutableBufferPointer { champion.probabilities(xb, count: 1, into: $0) }
                }
                let y = min(max(Int(ref.label), 0), k - 1)
                losses.append((-Foundation.log(max(p[y], 1e-15)), j))
            }
        } else {
            // Regression: the champion predicts the pool at once; the loss is the squared error.
            var x = [Double]()
            x.reserveCapacity(pool.count * rows.dimension)
            for ref in pool { x.append(contentsOf: rows.features(of: ref.row)) }
            var yHat = [Double](repeating: 0, count: pool.count)
            x.withUnsafeBufferPointer { xb in
                yHat.withUnsafeMutableBufferPointer { champion.predict(xb, count: pool.count, into: $0) }
            }
            for (j, ref) in pool.enumerated() {
                let r = yHat[j] - ref.label
                losses.append((r.isNaN ? -.infinity : r * r, j))
            }
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
