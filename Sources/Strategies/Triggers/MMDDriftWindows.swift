import FlywheelCore
import Learners
import Monitoring

/// The windows of a drift trigger with `metric: mmd`: every channel of a row (the chosen
/// features, the projection's outputs, or the model's score) is one coordinate of a
/// multivariate point, and the reference and recent windows are compared jointly by MMD²
/// (Gretton et al. 2012) rather than channel by channel.
///
/// Each window is a sample of at most `rows` rows: each tick keeps at most `rows` of its rows,
/// evenly spaced, and the window's sample is `rows` rows evenly spaced over the window's kept rows
/// (``MMD/appendEvenlySpaced(_:count:dimension:rows:into:)``); the training reference is `rows`
/// evenly spaced rows of the training set. Rows with a missing channel are left out. All buffers
/// are kept between ticks, so a steady stream allocates nothing once they have grown.
struct MMDDriftWindows: TriggerState {
    let spec: DriftTrigger
    let channels: Int
    private var workspace: MMD.Workspace
    /// The reference sample (row-major, `channels` per row); empty until it is known.
    private var reference: [Double] = []
    /// Per slot of the ring: one tick's kept rows.
    private var ring: [[Double]]
    private var filled = 0, next = 0
    private var deployedTick: Int?
    /// Scratch: this tick's projected rows, the rows without a missing channel, the window pooled.
    private var projected: [Double] = []
    private var complete: [Double] = []
    private var pooled: [Double] = []
    private var current: [Double] = []
    /// With `threshold: {sigma: …}`: the MMD² threshold learnt after each deployment.
    private var learnt: LearntThresholds?

    init(_ spec: DriftTrigger) throws {
        self.spec = spec
        learnt = spec.sigma.map { LearntThresholds($0, window: max(1, Int(spec.window.rounded(.up)))) }
        switch spec.on {
        case .output: channels = 1
        case .inputs(let p): channels = p.outputsPerRow
        }
        workspace = try MMD.Workspace(rows: spec.rows)
        ring = Array(repeating: [], count: max(1, Int(spec.window.rounded(.up))))
    }

    /// The rows of `count` events as channel vectors, those with a missing value dropped, in
    /// `complete` (row-major).
    private mutating func project(_ features: [Double], dimension: Int, count: Int, scores: ArraySlice<Double>) {
        complete.removeAll(keepingCapacity: true)
        switch spec.on {
        case .output:
            for v in scores.prefix(count) where !v.isNaN { complete.append(v) }
        case .inputs(let p):
            let k = channels
            if projected.count < count * k { projected = [Double](repeating: 0, count: count * k) }
            guard dimension > 0, count * dimension <= features.count else { return }
            let ok: Bool = features.withUnsafeBufferPointer { f in
                projected.withUnsafeMutableBufferPointer { out in
                    do {
                        let rows = UnsafeBufferPointer(rebasing: f[0..<(count * dimension)])
                        try p.apply(rows: rows, dimension: dimension, into: out)
                        return true
                    } catch { return false }
                }
            }
            guard ok else { return }
            for i in 0..<count {
                var missing = false
                for c in 0..<k where projected[i * k + c].isNaN { missing = true }
                if !missing { complete.append(contentsOf: projected[(i * k)..<(i * k + k)]) }
            }
        }
    }

    /// Keeps at most `rows` evenly spaced rows of `complete` in `into`.
    private func keep(into out: inout [Double]) {
        out.removeAll(keepingCapacity: true)
        complete.withUnsafeBufferPointer { c in
            MMD.appendEvenlySpaced(c, count: c.count / channels, dimension: channels, rows: spec.rows, into: &out)
        }
    }

    /// `rows` rows evenly spaced over the ring's ticks, oldest first, in `into`.
    private mutating func windowSample(into out: inout [Double]) {
        pooled.removeAll(keepingCapacity: true)
        for j in 0..<filled { pooled.append(contentsOf: ring[(next - filled + j + ring.count) % ring.count]) }
        out.removeAll(keepingCapacity: true)
        pooled.withUnsafeBufferPointer { p in
            MMD.appendEvenlySpaced(p, count: p.count / channels, dimension: channels, rows: spec.rows, into: &out)
        }
    }

    mutating func didDeploy(training: TrainingSet, scores: [Double]) {
        learnt?.reset()
        filled = 0
        next = 0
        deployedTick = nil
        reference.removeAll(keepingCapacity: true)
        guard spec.reference == .training else { return }
        project(training.features, dimension: training.dimension, count: training.count, scores: scores[...])
        var r: [Double] = []
        keep(into: &r)
        reference = r
    }

    mutating func update(_ o: TriggerObservation) -> Bool {
        project(o.batch.features, dimension: o.batch.dimension, count: o.batch.count, scores: o.scores)
        var slot = ring[next]
        ring[next] = []
        keep(into: &slot)
        ring[next] = slot
        next = (next + 1) % ring.count
        filled = min(filled + 1, ring.count)
        if spec.reference == .firstWindow, reference.isEmpty {
            let start = deployedTick ?? o.tick
            deployedTick = start
            guard o.tick - start + 1 >= ring.count else { return false }
            var r: [Double] = []
            windowSample(into: &r)
            reference = r
            filled = 0
            return false
        }
        guard filled == ring.count, reference.count >= 2 * channels else { return false }
        var sample = current
        current = []
        windowSample(into: &sample)
        defer { current = sample }
        guard sample.count >= 2 * channels else { return false }
        let ref = reference
        let value: Double? = ref.withUnsafeBufferPointer { x in
            sample.withUnsafeBufferPointer { y in
                try? workspace.compute(reference: x, current: y, dimension: channels,
                                       bandwidth: spec.bandwidth, unbiased: spec.unbiased).mmd2
            }
        }
        if learnt != nil {
            guard let limits = learnt!.observe([value ?? .nan]) else { return false }
            return (value ?? 0) > limits[0]
        }
        return (value ?? 0) > spec.threshold
    }
}
