import Foundation
import FlywheelCore

/// A small multilayer perceptron trained by mini-batch Adam (Kingma & Ba, 2015), in the manner of
/// scikit-learn's `MLPClassifier` / `MLPRegressor`.
///
/// Architecture: standardised inputs → one or two hidden layers (tanh, or ReLU when `relu` = 1) →
/// a softmax output trained with cross-entropy for classification (`classCount` ≥ 1), or one
/// linear output trained with squared loss ½(ŷ − y)² on a standardised target for regression
/// (`classCount` ≤ 0). Weights and biases start Glorot-uniform, U(−b, b) with
/// b = sqrt(6 / (fan_in + fan_out)), drawn from the given ``RandomStream``; rows are shuffled
/// from it every epoch, so a fixed seed gives a bit-identical model.
///
/// Each mini-batch of m rows takes the gradient g = (Σ_rows ∇loss + α W) / m (the L2 penalty
/// α on weights only, as scikit-learn), then Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// θ ← θ − η √(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + 1e-8), with β₁ = 0.9, β₂ = 0.999.
///
/// Parameters (defaults): `hidden` 16 units, `hidden2` 0 (0 = one hidden layer), `relu` 0 (tanh),
/// `epochs` 20, `batch` 32, `learning_rate` η = 0.01, `l2` α = 1e-4.
///
/// **Warm start**: given an ``MLPModel`` champion with the same layer sizes, activation and task,
/// training continues from its weights, with its input standardisation and a fresh Adam state,
/// for `epochs` more epochs on the new data. Any other champion is ignored (a cold fit).
///
/// **Missing inputs**: non-finite features are imputed with the training mean (0 once
/// standardised) when fitting and predicting. Rows with an invalid label are skipped; with no
/// usable row the network keeps its initial (or the champion's) weights.
///
/// Passes reported for the cost model: `epochs` training passes, plus one to standardise the
/// inputs into a training buffer, plus one for the input statistics on a cold fit.
public struct MultilayerPerceptron: CataloguedLearner {
    public var hidden: Int
    public var hidden2: Int
    public var relu: Bool
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var l2: Double
    public var family: String { "mlp" }

    public static let info = ComponentInfo(
        family: "model", name: "mlp",
        summary: "Small multilayer perceptron (1-2 hidden layers, tanh or ReLU, softmax or linear output) trained by mini-batch Adam with L2.",
        parameters: [
            ParameterInfo("hidden", .whole(16), "units in the first hidden layer"),
            ParameterInfo("hidden2", .whole(0), "units in a second hidden layer (0 for one hidden layer)"),
            ParameterInfo("relu", .flag(false), "1 for ReLU hidden units, 0 for tanh"),
            ParameterInfo("epochs", .whole(20), "passes of mini-batch training over the data"),
            ParameterInfo("batch", .whole(32), "mini-batch size"),
            ParameterInfo("learning_rate", .real(0.01), "Adam step size"),
            ParameterInfo("l2", .real(1e-4), "L2 penalty on the weights (scikit-learn's alpha)", shown: "1e-4"),
        ],
        reference: "Kingma & Ba (2015) Adam; Glorot & Bengio (2010) initialisation; scikit-learn MLPClassifier")

    public init(hidden: Int = info.defaultWhole("hidden"), hidden2: Int = info.defaultWhole("hidden2"),
                relu: Bool = info.defaultNumber("relu") == 1, epochs: Int = info.defaultWhole("epochs"),
                batchSize: Int = info.defaultWhole("batch"), learningRate: Double = info.defaultNumber("learning_rate"),
                l2: Double = info.defaultNumber("l2")) {
        self.hidden = hidden
        self.hidden2 = hidden2
        self.relu = relu
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.l2 = l2
    }

    /// Builds the learner from scenario parameters.
    public init(_ p: ParameterReader) throws {
        self.init(hidden: try p.whole("hidden", in: 1...4096), hidden2: try p.whole("hidden2", in: 0...4096),
                  relu: try p.whole("relu", in: 0...1) == 1, epochs: try p.whole("epochs", in: 1...1_000_000),
                  batchSize: try p.whole("batch", in: 1...(1 << 30)), learningRate: try p.real("learning_rate", atLeast: 1e-12),
                  l2: try p.real("l2", atLeast: 0))
    }

    /// - Complexity: O(epochs × n × P) with P the number of weights.
    /// Fine-tuning has an effect: training continues from the champion's weights.
    public func warmStartProblem(warmStart: Bool) -> String? { nil }

    public func fit(_ data: TrainingSet, classCount: Int, warmStart: (any Model)?, rng: RandomStream) -> (model: any Model, epochs: Int) {
        let d = data.dimension
        let outputs = classCount > 0 ? classCount : 1
        var sizes = [d, hidden]
        if hidden2 > 0 { sizes.append(hidden2) }
        sizes.append(outputs)
        let shape = MLPShape(sizes: sizes, relu: relu, classification: classCount > 0)

        var order: [Int] = []
        order.reserveCapacity(data.count)
        for i in 0..<data.count {
            let y = data.labels[i]
            if classCount > 0 ? Labels.classIndex(y, classCount) != nil : y.isFinite { order.append(i) }
        }

        var passes = epochs + 1
        var params: [Double]
        let scaler: Standardizer
        var targetMean = 0.0, targetScale = 1.0
        if let champion = warmStart as? MLPModel, champion.shape == shape {
            params = champion.parameters
            scaler = champion.scaler
            targetMean = champion.targetMean
            targetScale = champion.targetScale
        } else {
            passes += 1
            var use = [Bool](repeating: false, count: data.count)
            for i in order { use[i] = true }
            scaler = Standardizer(fitting: data, use: use)
            if classCount <= 0, !order.isEmpty {
                var n = 0.0, mean = 0.0, m2 = 0.0
                for i in order {
                    let y = data.labels[i]
                    n += 1
                    let e = y - mean
                    mean += e / n
                    m2 += e * (y - mean)
                }
                targetMean = mean
                let sd = (m2 / n).squareRoot()
                targetScale = sd > 0 && sd.isFinite ? sd : 1
            }
            params = [Double](repeating: 0, count: shape.parameterCount)
            for l in 0..<shape.layers {
                let fanIn = sizes[l], fanOut = sizes[l + 1]
                let bound = (6 / Double(fanIn + fanOut)).squareRoot()
                for k in 0..<(fanIn * fanOut) { params[shape.weightOffset[l] + k] = rng.uniform(-bound, bound) }
                for k in 0..<fanOut { params[shape.biasOffset[l] + k] = rng.uniform(-bound, bound) }
            }
        }

        // Standardised, imputed copy of the usable rows and their targets.
        let n = order.count
        var z = [Double](repeating: 0, count: n * d)
        var targets = [Double](repeating: 0, count: n)
        data.features.withUnsafeBufferPointer { x in
            for (r, i) in order.enumerated() {
                for j in 0..<d { z[r * d + j] = scaler.standardized(x[i * d + j], j) }
                targets[r] = classCount > 0 ? data.labels[i] : (data.labels[i] - targetMean) / targetScale
            }
        }
        if n > 0 {
            train(shape: shape, params: &params, z: z, targets: targets, rng: rng)
        }
        let model = MLPModel(shape: shape, parameters: params, scaler: scaler, targetMean: targetMean, targetScale: targetScale)
        return (model, passes)
    }

    private func train(shape: MLPShape, params: inout [Double], z: [Double], targets: [Double], rng: RandomStream) {
        let n = targets.count, d = shape.sizes[0], count = shape.parameterCount
        var rows = Array(0..<n)
        var grad = [Double](repeating: 0, count: count)
        var m = [Double](repeating: 0, count: count)
        var v = [Double](repeating: 0, count: count)
        var act = [Double](repeating: 0, count: shape.activationCount)
        var deltaA = [Double](repeating: 0, count: shape.maxWidth)
        var deltaB = [Double](repeating: 0, count: shape.maxWidth)
        let beta1 = 0.9, beta2 = 0.999, adamEps = 1e-8
        var step = 0.0
        let isWeight = shape.weightMask
        for _ in 0..<epochs {
            rng.shuffle(&rows)
            var start = 0
            while start < n {
                let end = min(start + batchSize, n)
                let size = Double(end - start)
                params.withUnsafeMutableBufferPointer { p in
                    grad.withUnsafeMutableBufferPointer { g in
                        act.withUnsafeMutableBufferPointer { a in
                            deltaA.withUnsafeMutableBufferPointer { da in
                                deltaB.withUnsafeMutableBufferPointer { db in
                                    z.withUnsafeBufferPointer { zs in
                                        g.update(repeating: 0)
                                        for r in start..<end {
                                            let row = rows[r]
                                            for j in 0..<d { a[j] = zs[row * d + j] }
                                            shape.forward(UnsafeBufferPointer(p), a)
                                            shape.backward(UnsafeBufferPointer(p), a, target: targets[row], grad: g, da, db)
                                        }
                                    }
                                }
                            }
                        }
                    }
                    step += 1
                    let rate = learningRate * (1 - pow(beta2, step)).squareRoot() / (1 - pow(beta1, step))
                    m.withUnsafeMutableBufferPointer { mb in
                        v.withUnsafeMutableBufferPointer { vb in
                            grad.withUnsafeBufferPointer { g in
                                isWeight.withUnsafeBufferPointer { w in
                                    for k in 0..<count {
                                        let gk = (g[k] + (w[k] ? l2 * p[k] : 0)) / size
                                        mb[k] = beta1 * mb[k] + (1 - beta1) * gk
                                        vb[k] = beta2 * vb[k] + (1 - beta2) * gk * gk
                                        p[k] -= rate * mb[k] / (vb[k].squareRoot() + adamEps)
                                    }
                                }
                            }
                        }
                    }
                }
                start = end
            }
        }
    }
}

/// The layout of a perceptron's parameters and activations in flat buffers.
struct MLPShape: Hashable, Sendable {
    /// Units per layer: inputs, hidden layers, outputs.
    let sizes: [Int]
    let relu: Bool
    let classification: Bool
    let weightOffset: [Int]
    let biasOffset: [Int]
    let parameterCount: Int
    /// Where each layer's activations start in the activation buffer (layer 0 = inputs).
    let activationOffset: [Int]
    let activationCount: Int
    let maxWidth: Int

    init(sizes: [Int], relu: Bool, classification: Bool) {
        self.sizes = sizes
        self.relu = relu
        self.classification = classification
        var w: [Int] = [], b: [Int] = [], offset = 0
        for l in 0..<(sizes.count - 1) {
            w.append(offset); offset += sizes[l] * sizes[l + 1]
            b.append(offset); offset += sizes[l + 1]
        }
        weightOffset = w
        biasOffset = b
        parameterCount = offset
        var a: [Int] = [], total = 0
        for s in sizes { a.append(total); total += s }
        activationOffset = a
        activationCount = total
        maxWidth = sizes.max() ?? 1
    }

    var layers: Int { sizes.count - 1 }

    /// True at the index of every weight (penalised), false at biases.
    var weightMask: [Bool] {
        var mask = [Bool](repeating: false, count: parameterCount)
        for l in 0..<layers { for k in 0..<(sizes[l] * sizes[l + 1]) { mask[weightOffset[l] + k] = true } }
        return mask
    }

    /// Forward pass: reads the inputs from `a[0..<sizes[0]]`, writes every layer's activations;
    /// the output layer holds softmax probabilities (classification) or the linear output.
    /// - Complexity: O(P); allocates nothing.
    @inline(__always)
    func forward(_ p: UnsafeBufferPointer<Double>, _ a: UnsafeMutableBufferPointer<Double>) {
        for l in 0..<layers {
            let nIn = sizes[l], nOut = sizes[l + 1]
            let inOff = activationOffset[l], outOff = activationOffset[l + 1]
            let w = weightOffset[l], b = biasOffset[l]
            let last = l == layers - 1
            for o in 0..<nOut {
                var s = p[b + o]
                let row = w + o * nIn
                for i in 0..<nIn { s += p[row + i] * a[inOff + i] }
                if !last { s = relu ? max(0, s) : tanh(s) }
                a[outOff + o] = s
            }
        }
        if classification {
            let off = activationOffset[layers]
            softmaxInPlace(UnsafeMutableBufferPointer(rebasing: a[off..<(off + sizes[layers])]))
        }
    }

    /// Backward pass after ``forward(_:_:)``: adds this row's loss gradient to `grad`.
    /// Output error δ = p − onehot(y) (softmax cross-entropy) or ŷ − y (squared loss).
    /// - Complexity: O(P); allocates nothing.
    @inline(__always)
    func backward(_ p: UnsafeBufferPointer<Double>, _ a: UnsafeMutableBufferPointer<Double>, target: Double,
                  grad g: UnsafeMutableBufferPointer<Double>,
                  _ bufferA: UnsafeMutableBufferPointer<Double>, _ bufferB: UnsafeMutableBufferPointer<Double>) {
        var delta = bufferA, previous = bufferB
        let outOff = activationOffset[layers], k = sizes[layers]
        if classification {
            let y = Int(target)
            for o in 0..<k { delta[o] = a[outOff + o] - (o == y ? 1 : 0) }
        } else {
            delta[0] = a[outOff] - target
        }
        var l = layers - 1
        while l >= 0 {
            let nIn = sizes[l], nOut = sizes[l + 1]
            let inOff = activationOffset[l], w = weightOffset[l], b = biasOffset[l]
            for o in 0..<nOut {
                let dv = delta[o]
                g[b + o] += dv
                let row = w + o * nIn
                for i in 0..<nIn { g[row + i] += dv * a[inOff + i] }
            }
            if l > 0 {
                for i in 0..<nIn { previous[i] = 0 }
                for o in 0..<nOut {
                    let dv = delta[o]
                    let row = w + o * nIn
                    for i in 0..<nIn { previous[i] += p[row + i] * dv }
                }
                for i in 0..<nIn {
                    let h = a[inOff + i]
                    previous[i] *= relu ? (h > 0 ? 1 : 0) : (1 - h * h)
                }
                swap(&delta, &previous)
            }
            l -= 1
        }
    }
}

/// A fitted multilayer perceptron (see ``MultilayerPerceptron``).
public struct MLPModel: Model {
    let shape: MLPShape
    /// All weights and biases, layer by layer: W (outputs × inputs, row-major) then b.
    public let parameters: [Double]
    /// The input standardisation and imputation the network was trained with.
    public let scaler: Standardizer
    /// Regression only: ŷ = network output × targetScale + targetMean.
    public let targetMean: Double
    public let targetScale: Double

    /// Units per layer: inputs, hidden layers, outputs.
    public var layerSizes: [Int] { shape.sizes }
    public var usesReLU: Bool { shape.relu }
    public var classCount: Int { shape.classification ? shape.sizes[shape.layers] : 0 }
    public var dimension: Int { shape.sizes[0] }

    init(shape: MLPShape, parameters: [Double], scaler: Standardizer, targetMean: Double, targetScale: Double) {
        self.shape = shape
        self.parameters = parameters
        self.scaler = scaler
        self.targetMean = targetMean
        self.targetScale = targetScale
    }

    @inline(__always)
    private func run(_ x: UnsafeBufferPointer<Double>, row i: Int, _ p: UnsafeBufferPointer<Double>,
                     _ a: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        for j in 0..<d { a[j] = scaler.standardized(x[i * d + j], j) }
        shape.forward(p, a)
    }

    /// - Complexity: O(count × P); allocates nothing for small networks (stack scratch).
    public func predict(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count >= count * dimension && out.count >= count, "buffer too small")
        let outOff = shape.activationOffset[shape.layers], k = shape.sizes[shape.layers]
        parameters.withUnsafeBufferPointer { p in
            withScratch(shape.activationCount) { a in
                for i in 0..<count {
                    run(x, row: i, p, a)
                    if shape.classification {
                        out[i] = Double(argmax(UnsafeBufferPointer(rebasing: a[outOff..<(outOff + k)])))
                    } else {
                        out[i] = a[outOff] * targetScale + targetMean
                    }
                }
            }
        }
    }

    /// Softmax class probabilities; false (nothing written) for a regression network.
    /// - Complexity: O(count × P).
    public func probabilities(_ x: UnsafeBufferPointer<Double>, count: Int, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard shape.classification else { return false }
        let outOff = shape.activationOffset[shape.layers], k = shape.sizes[shape.layers]
        precondition(x.count >= count * dimension && out.count >= count * k, "buffer too small")
        parameters.withUnsafeBufferPointer { p in
            withScratch(shape.activationCount) { a in
                for i in 0..<count {
                    run(x, row: i, p, a)
                    for c in 0..<k { out[i * k + c] = a[outOff + c] }
                }
            }
        }
        return true
    }
}
