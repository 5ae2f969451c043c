import Analysis
import FlywheelCore
import Foundation
import Reports
import Scenarios
import Storage
import Testing
import Workbench

/// The detection protocol and the bounded bands through a whole run: scenario → simulation →
/// run.sqlite → report.
@Suite(.serialized) struct DetectionReportEndToEnd {
    static let scenario = """
    name: detection-protocol
    seed: 3
    replicates: 3
    clock: {tick: 1d, ticks: 70, events_per_tick: 200, start: 2024-01-01}
    stream: {generator: sea, concept: 0, noise: 0.1, warmup: 1000}
    drifts:
      - {name: switch, type: instantaneous, at: 15d, target: concept, to: 3}
      - {name: recurring, type: periodic, period: 14d, start: 28d, shape: square, duty: 0.5,
         target: covariates, shift: {feature: x0, by: 2}}
      - {name: fault, type: temporary, start: 55d, duration: 6d, target: quality,
         fault: {feature: x1, stuck: 0}}
    model: {family: logistic_regression, l2: 1.0e-4}
    labels: {coverage: 0.2, delay: 2d, cost: 0.02}
    detection: {tolerance: 5d}
    strategies:
      - {name: volume, trigger: {volume: 400}, dataset: {window: 7d}}
      - {name: features-ks, trigger: {drift: {on: features, metric: ks, threshold: 0.1, window: 3d}, cooldown: 3d},
         dataset: {window: 7d}}
      - {name: adwin-or-10d, trigger: {any: [{detector: {name: adwin}}, {every: 10d}]}, dataset: {window: 5d}}
      - {name: quick-labels, labels: {coverage: 0.2, delay: 0, cost: 0.02},
         trigger: {performance: {threshold: 0.85, window: 2d}, cooldown: 3d}, dataset: {window: 5d}}
    """

    @Test func changePointsAndLagsReachTheStoredRunAndTheReport() throws {
        let out = temporaryDirectory("detection-protocol")
        defer { try? FileManager.default.removeItem(at: out) }
        let scenario = try ScenarioLoader.parse(Self.scenario, file: "detection-protocol.yaml")
        _ = try Workbench.run(scenario, outDirectory: out.path, threads: 2)
        let record = try RunStore.read(out.appendingPathComponent("run.sqlite"))
        // Onsets of the periodic drift at 28, 42, 56; the fault's onset 55 and revert 61.
        #expect(DetectionAnalysis.changePoints(record) == [15, 28, 42, 55, 56, 61])
        #expect(record.drifts.first { $0.type == "temporary" }?.changePoints == [55, 61])
        // Label triggers wait for the labels (2 days; none for their own immediate labels);
        // input triggers see a tick's events at once; `any` takes its quickest part.
        #expect(record.manifest.observableLag == ["volume": 2, "features-ks": 0, "adwin-or-10d": 2, "quick-labels": 0])
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("| trigger of | lag (ticks) | alarms |"))
        #expect(report.contains("chance F1") && report.contains("Ranked by lift"))
        #expect(!report.contains("Ranked by F1"))
        // The table's order is the ranking by lift.
        let table = report.components(separatedBy: "## Trigger detection quality")[1].components(separatedBy: "\n\n")[2]
        let order = table.split(separator: "\n").dropFirst(2).map {
            $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces)
        }
        let ranked = DetectionAnalysis.ranked(DetectionAnalysis.score(record)).map {
            $0.isBaseline ? "*\($0.name)*" : "`\($0.name)`"
        }
        #expect(order == ranked)
    }

    /// The decay figure of an accuracy: its y axis stays in [0, 1] and its caption names how the
    /// band was computed.
    @Test func theDecayFigureOfAnAccuracyStaysInTheUnitInterval() throws {
        let scenario = try ScenarioLoader.parse(Self.scenario, file: "detection-protocol.yaml")
        let out = temporaryDirectory("detection-decay")
        defer { try? FileManager.default.removeItem(at: out) }
        let outputs = try Workbench.run(scenario, outDirectory: out.path, threads: 2)
        let figure = Figures.decay(outputs.record)
        #expect(figure.caption.contains("logit scale"))
        // y tick labels: right-anchored tick-label texts.
        let pattern = try NSRegularExpression(
            pattern: "<text[^>]*text-anchor=\"end\"[^>]*class=\"tick-label\"[^>]*>([^<]*)</text>")
        let svg = figure.svg
        let labels = pattern.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).compactMap {
            Range($0.range(at: 1), in: svg).flatMap { Double(svg[$0]) }
        }
        #expect(!labels.isEmpty && labels.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(labels)")
        for name in outputs.record.strategies {
            let (mean, lo, hi) = band(outputs.record.runs(of: name), metric: "accuracy",
                                      events: Figures.tickEvents(outputs.record))
            #expect(zip(lo, hi).allSatisfy { !$0.0.isFinite || ($0.0 >= 0 && $0.1 <= 1) })
            #expect(mean.indices.allSatisfy { !mean[$0].isFinite || (lo[$0] <= mean[$0] && mean[$0] <= hi[$0]) })
        }
    }
    /// The cost-versus-performance figure: each point's x is the strategy's operational cost (its
    /// total minus its error cost, as summary.csv has them) and its y the mean accuracy, with error
    /// bars over the 3 replicates. The decay figure's triangles are replicate 0's deployments that
    /// serve a tick of the run (none on the last tick), and its legend says so.
    @Test func costVersusPerformanceIsOperationalCostAndDecayMarkersAreDeployments() throws {
        let scenario = try ScenarioLoader.parse(Self.scenario, file: "detection-protocol.yaml")
        let out = temporaryDirectory("detection-cost-figure")
        defer { try? FileManager.default.removeItem(at: out) }
        let record = try Workbench.run(scenario, outDirectory: out.path, threads: 2).record
        let summaries = RunSummary.summarize(record)
        let figure = Figures.costVersusMetric(record, summaries: summaries)
        #expect(figure.caption.contains("everything but the errors") && figure.caption.contains("over 3 replicates"))
        let svg = figure.svg
        for s in summaries {
            let pattern = try NSRegularExpression(
                pattern: "data-tip=\"\(s.strategy): [^\"]*money\\) ([-0-9.e+]+), mean accuracy ([-0-9.e+]+)\"")
            let match = try #require(pattern.firstMatch(in: svg, range: NSRange(svg.startIndex..., in: svg)), "\(s.strategy)")
            let x = Double(svg[Range(match.range(at: 1), in: svg)!])!, y = Double(svg[Range(match.range(at: 2), in: svg)!])!
            let operational = s.totalCost.mean - s.errorCost.mean
            #expect(abs(x - operational) <= 1e-5 * max(1, abs(operational)), "\(s.strategy): \(x), not \(operational)")
            #expect(abs(y - s.meanMetric.mean) <= 1e-5 * max(1, y), "\(s.strategy): \(y), not \(s.meanMetric.mean)")
        }
        #expect(svg.components(separatedBy: "class=\"error-bar y\"").count - 1 == summaries.count)

        let decay = Figures.decay(record).svg
        let ticks = record.manifest.clock.ticks
        let expected = record.strategies.map { name -> Int in
            let live = (record.runs(of: name).first?.events ?? []).filter { $0.kind == "deploy" && $0.tick + 1 < ticks }.count
            return live <= 60 ? live : 0
        }.reduce(0, +)
        #expect(decay.components(separatedBy: "class=\"marker retrain\"").count - 1 == expected)
        #expect(decay.contains(">deployment (replicate 0)<"))
    }
}
