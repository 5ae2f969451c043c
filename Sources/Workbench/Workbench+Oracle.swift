import Storage
import Analysis
import FlywheelCore
import Foundation
import Reports
import Simulation

extension Workbench {
    /// The hindsight-optimal schedule of replicate `m.replicate` (``HindsightSchedule`` over its
    /// age matrix), with its cost per tick: serving + labels + the training and deployment of each
    /// model going live.
    public static func optimalSchedule(_ m: AgeMatrix) -> OracleReplicate {
        let schedule = HindsightSchedule.optimal(ticks: m.ticks, maxAge: m.maxAge, cost: m.cost, trainCost: { m.trainCost[$0] },
                                                 deployCost: m.deployCost, canTrain: m.canDeploy)
        var perTick = zip(schedule.servingCost, m.labelCost).map { $0 + $1 }
        for s in schedule.trainings { perTick[s] += m.trainCost[s] + m.deployCost }
        return OracleReplicate(replicate: m.replicate, trainings: schedule.trainings, costPerTick: perTick,
                               optimum: schedule.cost + m.labelCost.reduce(0, +))
    }

    /// The oracle of a run: the age matrix of every replicate (``AgeMatrix``), the optimal schedule
    /// of each, and every strategy's paired regret to it. Nil when the plan has no `oracle:`.
    public static func oracle(_ plan: SimulationPlan, record: RunRecord,
                              threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws
        -> (analysis: OracleAnalysis, matrices: [AgeMatrix])? {
        guard let spec = plan.oracle else { return nil }
        let matrices = try AgeMatrix.compute(plan, oracle: spec, threads: threads)
        let analysis = OracleAnalysis(record: record, strategy: plan.strategies[spec.strategy].name, maxAge: spec.maxAge,
                                      replicates: matrices.map(optimalSchedule))
        return (analysis, matrices)
    }
}

extension Workbench {
    /// The oracle's served metric per tick (mean over replicates) and replicate 0's trainings, for
    /// the decay figure.
    static func oracleCurve(_ oracle: OracleAnalysis, _ matrices: [AgeMatrix]) -> OracleCurve {
        let ticks = matrices.first?.ticks ?? 0
        var metric = [Double](repeating: 0, count: ticks), count = metric
        for (m, o) in zip(matrices, oracle.replicates) {
            var model = -1, next = 0
            for t in 0..<ticks {
                let v = m.metric(model, t)
                if v.isFinite { metric[t] += v; count[t] += 1 }
                if next < o.trainings.count, o.trainings[next] == t { model = t; next += 1 }
            }
        }
        return OracleCurve(name: "oracle (\(oracle.strategy))", metric: zip(metric, count).map { $1 > 0 ? $0 / $1 : .nan },
                           trainings: oracle.replicates.first?.trainings ?? [])
    }

    /// The age-matrix heatmap of a run with an oracle.
    static func oracleFigures(_ record: RunRecord, _ oracle: OracleAnalysis?, _ matrices: [AgeMatrix]) -> [Figure] {
        guard let oracle, let first = matrices.first else { return [] }
        return [Figures.ageMatrix(record, strategy: oracle.strategy, replicates: matrices.count, ticks: first.ticks) { r, s, t in
            matrices[r].metric(s, t)
        }]
    }
}

extension Workbench {
    /// What `run.sqlite` keeps of an oracle: its schedules and age matrices.
    static func stored(_ oracle: OracleAnalysis, _ matrices: [AgeMatrix]) -> StoredOracle {
        StoredOracle(strategy: oracle.strategy, maxAge: oracle.maxAge, replicates: zip(oracle.replicates, matrices).map { o, m in
            StoredOracle.Replicate(replicate: o.replicate, ticks: m.ticks, optimum: o.optimum, trainings: o.trainings,
                                   costPerTick: o.costPerTick, initial: m.initial, cells: m.cells, trainCost: m.trainCost,
                                   trainSamples: m.trainSamples, labelCost: m.labelCost, events: m.events,
                                   deployCost: m.deployCost, price: m.price, classification: m.classification)
        })
    }

    /// The oracle of a stored run, its regrets recomputed from the stored costs (as the run did).
    static func restored(_ s: StoredOracle, _ record: RunRecord) -> (analysis: OracleAnalysis, matrices: [AgeMatrix]) {
        let matrices = s.replicates.map {
            AgeMatrix(ticks: $0.ticks, maxAge: s.maxAge, replicate: $0.replicate, initial: $0.initial, cells: $0.cells,
                      trainCost: $0.trainCost, trainSamples: $0.trainSamples, labelCost: $0.labelCost,
                      deployCost: $0.deployCost, price: $0.price, events: $0.events, classification: $0.classification)
        }
        let replicates = s.replicates.map {
            OracleReplicate(replicate: $0.replicate, trainings: $0.trainings, costPerTick: $0.costPerTick, optimum: $0.optimum)
        }
        return (OracleAnalysis(record: record, strategy: s.strategy, maxAge: s.maxAge, replicates: replicates), matrices)
    }
}
