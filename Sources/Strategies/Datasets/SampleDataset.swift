import FlywheelCore
import Foundation
import Learners

/// A random sample of `size` arrived labels; with a `halfLife` (ticks), weighted toward recent
/// data: a row served `a` ticks ago has weight `2^(−a / halfLife)` (sampling without
/// replacement, Efraimidis & Spirakis' keys `u^(1/w)`).
public struct SampleDataset: DatasetPolicy, Hashable {
    public static let info = ComponentInfo(
        family: "dataset", name: "sample",
        summary: "A random sample of fixed size, uniform or weighted toward recent data (`{sample: 2000, half_life: 14d}`).",
        parameters: [ParameterInfo("sample", "—", "rows"), ParameterInfo("half_life", "none (uniform)", "age at which a row's weight halves")],
        reference: "Efraimidis & Spirakis, Information Processing Letters 2006 (weighted sampling)")

    public var size: Int
    public var halfLife: Double?

    public init(size: Int, halfLife: Double?) {
        self.size = size
        self.halfLife = halfLife
    }

    public static var examples: [Self] { [SampleDataset(size: 40, halfLife: nil), SampleDataset(size: 40, halfLife: 3)] }

    public func select(_ reservoir: [LabelRef], sinceLastTraining: Int, now t: Int, rows: LabelledRows, champion: any Model,
                       classCount: Int, rng: RandomStream) -> [LabelRef] {
        guard reservoir.count > size else { return reservoir }
        // Efraimidis–Spirakis: keep the `size` largest keys u^(1/w).
        var keyed = reservoir.enumerated().map { i, ref -> (Double, Int) in
            let w = halfLife.map { pow(2, -Double(t - Int(ref.tick)) / $0) } ?? 1
            return (pow(rng.uniform(), 1 / max(w, 1e-300)), i)
        }
        keyed.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        return keyed.prefix(size).map(\.1).sorted().map { reservoir[$0] }
    }
}
