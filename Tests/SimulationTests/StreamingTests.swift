import FlywheelCore
import Foundation
import Learners
import Scenarios
import Simulation
import Testing

/// Every series (bit patterns) and every event of a run, as text.
private func fingerprint(_ record: RunRecord) -> String {
    record.runs.map { run in
        let series = run.series.map { s in s.name + ":" + s.values.map { $0.isNaN ? "nan" : String($0.bitPattern) }.joined(separator: ",") }
        let events = run.events.map { "\($0.kind)@\($0.tick) v\($0.modelVersion) n\($0.samples) \($0.detail)" }
        return ([run.strategy, "\(run.replicate)"] + series + events).joined(separator: "\n")
    }.joined(separator: "\n\n") + record.traffic.map { "\($0.volume)\($0.bayes)" }.joined()
}

/// `unit`: `d` on a clock of days; empty on ticks of rows, which have no length in time.
private func strategies(_ unit: String) -> String {
    """
      - {name: never, trigger: never}
      - {name: window, trigger: {every: 5\(unit)}, dataset: {window: 6\(unit)}}
      - {name: count, trigger: {every: 5\(unit)}, dataset: {count: 700}}
      - {name: since, trigger: {every: 5\(unit)}, dataset: since_last_training, warm_start: true, model: {family: logistic_regression, solver: sgd, epochs: 2}}
      - {name: all, trigger: {every: 9\(unit)}, dataset: all}
      - {name: sample, trigger: {every: 6\(unit)}, dataset: {sample: 500, half_life: 5\(unit)}}
      - {name: hardest, trigger: {every: 6\(unit)}, dataset: {hardest: 400, window: 10\(unit)}}
      - {name: adwin, trigger: {detector: {name: adwin}, cooldown: 3\(unit)}, dataset: {window: 8\(unit)}}
      - {name: gated-canary, trigger: {every: 7\(unit)}, dataset: {window: 10\(unit)}, gate: {holdout: 0.25, min_gain: -0.05}, rollout: {canary: {fraction: 0.2, ticks: 2}}}
      - {name: committee, labels: {curation: {committee: 3}}, trigger: {every: 8\(unit)}, dataset: {window: 8\(unit)}}
    """
}

@Suite struct Streaming {
    /// A synthetic run with every dataset policy, a gate, a canary and random label delays gives
    /// the same bytes whether its traffic is read in one chunk, a tick at a time, or in between.
    @Test func aRunDoesNotDependOnTheChunkSize() throws {
        let plan = try ScenarioLoader.parse("""
        name: chunks
        seed: 8
        replicates: 2
        clock: {tick: 1d, ticks: 45, events_per_tick: 300}
        stream: {generator: sea, noise: 0.1, warmup: 2000}
        drifts:
          - {type: instantaneous, at: 15d, target: concept, to: 3}
          - {type: gradual, center: 30d, width: 6d, target: concept, to: 1}
        model: {family: logistic_regression}
        labels: {coverage: 0.4, delay: {uniform: [0d, 3d]}}
        metrics: [log_loss]
        strategies:
        \(strategies("d"))
        """, file: "chunks.yaml").plan
        let whole = fingerprint(try Runner.run(plan, threads: 2))
        // One tick's events are 300 × (8 · 3 + 32) bytes: 1 byte forces a tick per chunk.
        for bytes in [1, 50_000, 400_000] {
            #expect(fingerprint(try Runner.run(plan, threads: 2, chunkBytes: bytes)) == whole, "chunk of \(bytes) bytes")
        }
    }

    /// Replayed data, read once for all replicates, with slices in the gate and an injected
    /// covariate shift: the same bytes a tick per chunk as in one chunk.
    @Test func aReplayDoesNotDependOnTheChunkSize() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flywheel-streaming-\(ProcessInfo.processInfo.processIdentifier).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rng = RandomStream(seed: 5)
        var csv = "a,b,region,y\n"
        for row in 0..<6_000 {
            let a = rng.uniform() * 10, b = rng.uniform() * 10
            let threshold = row < 3_000 ? 8.0 : 10.0
            csv += "\(a),\(b),\(["north", "south", "west"][row % 3]),\(a + b <= threshold ? "yes" : "no")\n"
        }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let plan = try ScenarioLoader.parse("""
        name: replay-chunks
        seed: 3
        replicates: 2
        stream:
          warmup_ticks: 3
          replay: {path: \(path), label: y, numeric: [a, b], slices: [region], tick: 100}
        drifts:
          - {type: temporary, start: 20, duration: 5, target: covariates, shift: {feature: a, by: 2}}
        model: {family: logistic_regression}
        labels: {coverage: 0.5, delay: 1}
        strategies:
        \(strategies(""))
        """, file: "replay-chunks.yaml").plan
        #expect(plan.source.replicatesShareTraffic)
        let whole = fingerprint(try Runner.run(plan, threads: 2))
        #expect(fingerprint(try Runner.run(plan, threads: 1, chunkBytes: 1)) == whole)
        #expect(fingerprint(try Runner.run(plan, threads: 2, chunkBytes: 30_000)) == whole)
    }

    /// A simulation keeps only the labelled rows its dataset policy can still use: a window's
    /// rows stay bounded however long the stream, "all" keeps every labelled row, and a strategy
    /// that never trains keeps none.
    @Test func aWindowKeepsBoundedRowsAndAllKeepsEveryRow() throws {
        let plan = try ScenarioLoader.parse("""
        name: rows
        seed: 2
        clock: {tick: 1d, ticks: 240, events_per_tick: 500}
        stream: {generator: sea, noise: 0.1, warmup: 1000}
        model: {family: gaussian_nb}
        labels: {coverage: 0.5, delay: 2d}
        strategies:
          - {name: window, trigger: {every: 10d}, dataset: {window: 4d}}
          - {name: all, trigger: {every: 60d}, dataset: all}
          - {name: never, trigger: never, dataset: all}
        """, file: "rows.yaml").plan
        var cursor = try plan.source.open(replicate: 0, seed: plan.manifest.seed)
        let warmup = cursor.warmup
        let set = TrainingSet(dimension: warmup.dimension, features: warmup.features, labels: warmup.labels,
                              ticks: [Int32](repeating: -1, count: warmup.count))
        let model = plan.initialLearner.fit(set, classCount: 2, warmStart: nil, rng: RandomStream(seed: 1)).model
        var sims = try plan.strategies.map { spec in
            try StrategySimulation(StrategySimulator(spec: spec, classCount: 2, costs: plan.costs, seed: plan.manifest.seed),
                                   replicate: 0, ticks: plan.source.ticks, initialModel: model, initialTraining: set)
        }
        var labelled = 0, peakWindow = 0, t = 0
        while let batch = try cursor.next() {
            for i in sims.indices { try sims[i].step(batch) }
            // Labels of the last two ticks would arrive after the run and are not kept.
            if t < 238 { labelled += batch.count / 2 }
            peakWindow = max(peakWindow, sims[0].labelledRowsHeld)
            #expect(sims[1].labelledRowsHeld == labelled)
            #expect(sims[2].labelledRowsHeld == 0)
            t += 1
        }
        // The window needs at most 4 + 1 days of arrived labels and 2 days in flight (7 × 250
        // rows); the store is rewritten once it doubles, above a floor of 4,096 rows.
        #expect(peakWindow <= 2 * 7 * 250 + 4096)
        #expect(t == 240 && labelled == 238 * 250)
    }
}
