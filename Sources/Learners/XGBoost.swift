import CXGBoost
import FlywheelCore
import Foundation

/// Gradient-boosted trees through XGBoost's C library (Chen & Guestrin, "XGBoost: a scalable tree
/// boosting system", KDD 2016; Debian's `libxgboost-dev` 1.7).
///
/// Each round adds one regression tree fitted to the gradient of the loss, with second-order
/// (Newton) leaf weights w = −G / (H + λ) and split gain
/// ½ [G_L²/(H_L+λ) + G_R²/(H_R+λ) − (G_L+G_R)²/(H_L+H_R+λ)] − γ, on histograms of the inputs
/// (`tree_method: hist`, `max_bin` bins). Objectives: `binary:logistic` for two classes,
/// `multi:softprob` for more, `reg:squarederror` for regression (`classCount` 0).
///
/// **Missing inputs** are XGBoost's own: NaN is "missing", and each split learns the direction
/// missing values go (the sparsity-aware split finding of the paper), when fitting and predicting.
/// Rows whose label is missing (or, for a classifier, not a class index) are left out.
///
/// **Warm start** continues boosting from the champion: its trees are kept and `trees` more
/// rounds are added on the new data (XGBoost's `xgb_model` argument), so continual fine-tuning
/// with `since_last_training` data corrects the champion instead of replacing it. A champion of
/// another family, dimension or class count is ignored.
///
/// **Determinism**: one thread per booster (`nthread: 1`) and a seed drawn from the training job's
/// named random stream, so the thread count of a run never changes a byte. The work of a fit is
/// `rows × trees` row-visits; `epochs` reports `trees` (each round reads every row once).
///
/// **Prediction** of a tick is one call over the contiguous float64 rows (in-place prediction on
/// the row-major buffer, no copy into a DMatrix).
public struct XGBoostLearner: CataloguedLearner {
    public var trees: Int
    public var depth: Int
    public var learningRate: Double
    public var subsample: Double
    public var columnSample: Double
    public var minChildWeight: Double
    public var l2: Double
    public var l1: Double
    public var gamma: Double
    public var maxBin: Int
    public var family: String { "xgboost" }

    public static let info = ComponentInfo(
        family: "model", name: "xgboost",
        summary: "Gradient-boosted trees (XGBoost, hist): binary, multi-class and regression; NaN handled natively; warm start adds trees to the champion.",
        parameters: [
            ParameterInfo("trees", .whole(100), "boosting rounds (trees added per fit)"),
            ParameterInfo("depth", .whole(6), "maximum tree depth"),
            ParameterInfo("learning_rate", .real(0.3), "shrinkage η of each tree"),
            ParameterInfo("subsample", .real(1), "share of rows sampled per tree", shown: "1"),
            ParameterInfo("colsample", .real(1), "share of features sampled per tree", shown: "1"),
            ParameterInfo("min_child_weight", .real(1), "minimum Hessian sum in a leaf", shown: "1"),
            ParameterInfo("l2", .real(1), "L2 penalty λ on leaf weights", shown: "1"),
            ParameterInfo("l1", .real(0), "L1 penalty α on leaf weights", shown: "0"),
            ParameterInfo("gamma", .real(0), "minimum loss reduction γ to split", shown: "0"),
            ParameterInfo("max_bin", .whole(256), "histogram bins per feature"),
        ],
        reference: "Chen & Guestrin, KDD 2016; XGBoost 1.7 C API")

    public init(trees: Int = info.defaultWhole("trees"), depth: Int = info.defaultWhole("depth"),
                learningRate: Double = info.defaultNumber("learning_rate"), subsample: Double = info.defaultNumber("subsample"),
                columnSample: Double = info.defaultNumber("colsample"), minChildWeight: Double = info.defaultNumber("min_child_weight"),
                l2: Double = info.defaultNumber("l2"), l1: Double = info.defaultNumber("l1"), gamma: Double = info.defaultNumber("gamma"),
                maxBin: Int = info.defaultWhole("max_bin")) {
        self.trees = trees
        self.depth = depth
        self.learningRate = learningRate
        self.subsample = subsample
        self.columnSample = columnSample
        self.minChildWeight = minChildWeight
        self.l2 = l2
        self.l1 = l1
        self.gamma = gamma
        self.maxBin = maxBin
    }

    /// Builds the learner from scenario parameters.
    public init(_ p: ParameterReader) throws {
        self.init(trees: try p.whole("trees", in: 1...100_000), depth: try p.whole("depth", in: 1...30),
                  learningRate: try p.real("learning_rate", atLeast: 1e-6, below: 1.000_001),
                  subsample: try p.real("subsample", atLeast: 1e-6, below: 1.000_001),
                  columnSample: try p.real("colsample", atLeast: 1e-6, below: 1.000_001),
                  minChildWeight: try p.real("min_child_weight", atLeast: 0, below: 1e12),
                  l2: try p.real("l2", atLeast: 0, below: 1e12), l1: try p.real("l1", atLeast: 0, below: 1e12),
                  gamma: try p.real("gamma", atLeast: 0, below: 1e12), maxBin: try p.whole("max_bin", in: 2...65_536))
    }

    /// - Complexity: O(rows × dimension) to bin the inputs, then O(trees × rows × depth).
    /// Fine-tuning has an effect: trees are added to the champion's.
    public func warmStartProblem(warmStart: Bool) -> String? { nil }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int) {
        do {
            return (try fitBooster(data, classCount: classCount, warmStart: warmStart as? XGBoostModel,
                                   seed: UInt32(truncatingIfNeeded: rng.int(below: Int(Int32.max)))), trees)
        } catch {
            // Parameters are checked when the scenario is read; what is left is XGBoost running out
            // of memory, which no scenario value can cause on its own.
            fatalError("XGBoost failed: \(error)")
        }
    }

    /// The booster's parameters, in the order they are set.
    func parameters(classCount: Int, seed: UInt32) -> [(String, String)] {
        var p: [(String, String)] = [
            ("nthread", "1"), ("tree_method", "hist"), ("seed", String(seed)), ("max_depth", String(depth)),
            ("eta", String(learningRate)), ("subsample", String(subsample)), ("colsample_bytree", String(columnSample)),
            ("min_child_weight", String(minChildWeight)), ("lambda", String(l2)), ("alpha", String(l1)),
            ("gamma", String(gamma)), ("max_bin", String(maxBin)), ("verbosity", "0"),
        ]
        switch classCount {
        case 0: p.append(("objective", "reg:squarederror"))
        case 1, 2: p += [("objective", "binary:logistic")]
        default: p += [("objective", "multi:softprob"), ("num_class", String(classCount))]
        }
        return p
    }

    func fitBooster(_ data: TrainingSet, classCount: Int, warmStart: XGBoostModel?, seed: UInt32) throws -> XGBoostModel {
        let d = data.dimension
        // Rows with a usable label, as float32 labels (XGBoost's label type).
        var rows: [Int] = []
        rows.reserveCapacity(data.count)
        for i in 0..<data.count {
            let y = data.labels[i]
            if classCount > 0 ? Labels.classIndex(y, max(classCount, 2)) != nil : y.isFinite { rows.append(i) }
        }
        var x = [Double](repeating: 0, count: rows.count * d)
        var y = [Float](repeating: 0, count: rows.count)
        for (r, i) in rows.enumerated() {
            for j in 0..<d { x[r * d + j] = data.features[i * d + j] }
            y[r] = Float(data.labels[i])
        }
        let champion = warmStart.flatMap { $0.dimension == d && $0.classCount == classCount ? $0 : nil }
        let rounds = champion?.rounds ?? 0
        // Nothing to learn from: the champion, or a model predicting the base score.
        if rows.isEmpty, let champion { return champion }
        let matrix = try DenseMatrix(x, rows: rows.count, columns: d)
        try check(XGDMatrixSetFloatInfo(matrix.handle, "label", y, UInt64(y.count)))
        let booster = try Booster(training: matrix, loading: champion?.booster)
        for (k, v) in parameters(classCount: classCount, seed: seed) { try check(XGBoosterSetParam(booster.handle, k, v)) }
        for round in rounds..<(rounds + (rows.isEmpty ? 0 : trees)) {
            try check(XGBoosterUpdateOneIter(booster.handle, Int32(round), matrix.handle))
        }
        return XGBoostModel(booster: booster, dimension: d, classCount: classCount, rounds: rounds + (rows.isEmpty ? 0 : trees))
    }
}

/// A fitted XGBoost ensemble. Immutable after fitting: it is shared read-only by the strategies
/// that serve it.
public final class XGBoostModel: Model, @unchecked Sendable {
    // @unchecked: the booster is a C handle. It is never modified after `fit` returns, and every
    // prediction goes through `lock`, so concurrent strategies serving the same model (the
    // initial model is shared by all of them) never run XGBoost's predictor on it at once.
    let booster: Booster
    public let dimension: Int
    public let classCount: Int
    /// Boosting rounds (trees per class) in the ensemble.
    public let rounds: Int
    private let lock = NSLock()

    init(booster: Booster, dimension: Int, classCount: Int, rounds: Int) {
        self.booster = booster
        self.dimension = dimension
        self.classCount = classCount
        self.rounds = rounds
    }

    /// XGBoost's raw outputs for `count` rows: P(y = 1) (binary), k probabilities per row
    /// (multi-class) or the estimate (regression), into `out`.
    private func raw(_ x: UnsafeBufferPointer<Double>, count: Int, perRow: Int, _ body: (UnsafeBufferPointer<Float>) -> Void) {
        guard count > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        guard rounds > 0 else {
            // No tree: XGBoost's base score (0.5, or the mean for regression, as XGBoost starts).
            let base = [Float](repeating: classCount > 2 ? 1 / Float(classCount) : 0.5, count: count * perRow)
            base.withUnsafeBufferPointer(body)
            return
        }
        let address = UInt(bitPattern: x.baseAddress)
        let array = "{\"data\": [\(address), true], \"shape\": [\(count), \(dimension)], \"typestr\": \"<f8\", \"version\": 3}"
        let config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, \"strict_shape\": false, \"cache_id\": 0, \"missing\": NaN}"
        var shape: UnsafePointer<UInt64>?
        var dims: UInt64 = 0
        var result: UnsafePointer<Float>?
        let status = XGBoosterPredictFromDense(booster.handle, array, config, nil, &shape, &dims, &result)
        guard status == 0, let result else { fatalError("XGBoost prediction failed: \(lastError())") }
        body(UnsafeBufferPointer(start: result, count: count * perRow))
    }

    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let k = classCount
        raw(x, count: count, perRow: k > 2 ? k : 1) { p in
            switch k {
            case 0: for i in 0..<count { out[i] = Double(p[i]) }
            case 1, 2: for i in 0..<count { out[i] = p[i] > 0.5 ? 1 : 0 }
            default:
                for i in 0..<count {
                    var best = 0
                    for c in 1..<k where p[i * k + c] > p[i * k + best] { best = c }
                    out[i] = Double(best)
                }
            }
        }
    }

    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        let k = classCount
        guard k > 0 else { return false }
        raw(x, count: count, perRow: k > 2 ? k : 1) { p in
            if k <= 2 {
                for i in 0..<count {
                    out[i * 2] = 1 - Double(p[i])
                    out[i * 2 + 1] = Double(p[i])
                }
            } else {
                for i in 0..<(count * k) { out[i] = Double(p[i]) }
            }
        }
        return true
    }
}

/// An XGBoost booster handle, freed with its owner.
final class Booster {
    let handle: BoosterHandle

    /// A new booster for `matrix` (which gives it its input width), holding a copy of `source`'s
    /// trees when given.
    init(training matrix: DenseMatrix, loading source: Booster?) throws {
        var h: BoosterHandle?
        var cache: [DMatrixHandle?] = [matrix.handle]
        try check(XGBoosterCreate(&cache, 1, &h))
        guard let h else { throw XGBoostError(message: "XGBoosterCreate returned no booster") }
        handle = h
        if let source {
            var length: UInt64 = 0
            var bytes: UnsafePointer<CChar>?
            try check(XGBoosterSaveModelToBuffer(source.handle, "{\"format\": \"ubj\"}", &length, &bytes))
            try check(XGBoosterLoadModelFromBuffer(handle, bytes, length))
        }
    }

    deinit { XGBoosterFree(handle) }
}

/// A dense float64 matrix handed to XGBoost without a copy on our side (XGBoost bins it).
final class DenseMatrix {
    let handle: DMatrixHandle
    /// The rows must outlive the handle's construction only: XGBoost copies them.
    init(_ values: [Double], rows: Int, columns: Int) throws {
        var h: DMatrixHandle?
        let status = values.withUnsafeBufferPointer { b -> Int32 in
            let address = UInt(bitPattern: b.baseAddress)
            let array = "{\"data\": [\(address), true], \"shape\": [\(rows), \(columns)], \"typestr\": \"<f8\", \"version\": 3}"
            return XGDMatrixCreateFromDense(array, "{\"missing\": NaN, \"nthread\": 1}", &h)
        }
        try check(status)
        guard let h else { throw XGBoostError(message: "XGDMatrixCreateFromDense returned no matrix") }
        handle = h
    }

    deinit { XGDMatrixFree(handle) }
}

/// An error XGBoost reported (its last error message).
struct XGBoostError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

func lastError() -> String { XGBGetLastError().map { String(cString: $0) } ?? "unknown error" }

@inline(__always) func check(_ status: Int32) throws {
    if status != 0 { throw XGBoostError(message: lastError()) }
}
