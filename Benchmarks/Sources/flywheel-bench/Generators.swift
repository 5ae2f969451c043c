import FlywheelCore
import Foundation
import Streams

/// Every generator of the catalog with its default parameters (model seed 42), generating
/// `events` events as the engine does: `SyntheticTraffic.generate` into one `EventBatch` per
/// tick of 1,000 events (no drift, no label noise; the class pilot included, as in a run), the same
/// ticks read one at a time through `SyntheticTraffic.ticks` and dropped (no batch kept, so no
/// fresh memory touched), and, for the generator's own cost, a bare loop of `draw` calls into one
/// reused buffer.
enum GeneratorBench {
    /// The label summary both sides report, to check that they draw the same stream: the share of
    /// class 1 (classification) or the mean target (regression).
    static func labelSummary(_ batches: [EventBatch], classification: Bool) -> Double {
        var sum = 0.0, n = 0
        for b in batches {
            for y in b.labels { sum += classification ? (y == 1 ? 1 : 0) : y }
            n += b.count
        }
        return sum / Double(max(n, 1))
    }

    static func run(reps: Int, events: Int) throws {
        let perTick = 1_000
        let ticks = max(1, events / perTick)
        for info in GeneratorCatalog.all {
            let generator = try GeneratorCatalog.make(info.name, parameters: [:], seed: 42)
            let schema = generator.schema
            let traffic = SyntheticTraffic(generator: generator, drifts: [], ticks: ticks, volume: VolumeProfile(base: perTick))
            var generated = 0, summary = 0.0
            let (_, t, all) = repeated(reps) { () -> (Int, Double) in
                let clock = ContinuousClock()
                let start = clock.now
                let batches = traffic.generate(rng: RandomStream(seed: 42))
                let s = (clock.now - start).seconds
                generated = batches.reduce(0) { $0 + $1.count }
                summary = labelSummary(batches, classification: schema.isClassification)
                return (generated, s)
            }
            // The same ticks read one at a time and dropped: the allocator reuses one tick's memory.
            let (_, ts, _) = repeated(reps) { () -> (Int, Double) in
                let clock = ContinuousClock()
                let start = clock.now
                var cursor = traffic.ticks(rng: RandomStream(seed: 42))
                var count = 0
                while let b = cursor.next() { count += b.count }
                return (count, (clock.now - start).seconds)
            }
            let n = ticks * perTick
            var x = [Double](repeating: 0, count: schema.dimension)
            var sink = 0.0
            let (_, td, _) = repeated(reps) { () -> (Double, Double) in
                let rng = RandomStream(seed: 42)
                let concept = ConceptState(concept: 0), covariates = CovariateState(dimension: schema.dimension)
                let clock = ContinuousClock()
                let start = clock.now
                x.withUnsafeMutableBufferPointer { xb in
                    for _ in 0..<n { sink += generator.draw(into: xb, concept: concept, covariates: covariates, rng: rng) }
                }
                return (sink, (clock.now - start).seconds)
            }
            emit(["workload": "generator", "generator": info.name, "features": schema.dimension, "classes": schema.classes.count,
                  "n": generated, "ticks": ticks, "seconds": t, "per_s": Double(generated) / t, "all_seconds": all,
                  "draw_seconds": td, "draw_per_s": Double(n) / td, "streamed_seconds": ts, "streamed_per_s": Double(generated) / ts,
                  schema.isClassification ? "share_class_1" : "mean_target": summary])
        }
    }
}
