import FlywheelCore
import Foundation
import Scenarios
import Testing

@Suite struct SubpopulationValidation {
    func has(_ errors: [FlywheelError], line: Int, key: String, _ fragment: String) -> Bool {
        errors.contains { $0.location?.file == "bad.yaml" && $0.location?.line == line && $0.keyPath == key && $0.description.contains(fragment) }
    }

    @Test func aValidSubpopulationDriftLoadsFromABoxOrANamedEdgeCase() throws {
        let plan = try ScenarioLoader.parse("""
        name: ok
        clock: {tick: 1d, ticks: 50, events_per_tick: 100}
        stream: {generator: sea}
        edge_cases:
          corner: {where: {x0: [8, null], x1: [8, .inf]}}
          low-x1: {feature: x1, below: 3}
        drifts:
          - {type: gradual, center: 20d, width: 10d, target: covariates, subpopulation: {where: {x1: [0, 3]}, share: 0.6}}
          - {type: temporary, start: 30d, duration: 5d, target: covariates, subpopulation: {region: corner, factor: 3}}
        strategies: [{name: g, trigger: never, gate: {holdout: 0.2, edge_cases: [corner, low-x1]}}]
        """, file: "ok.yaml").plan
        let truth = plan.source.groundTruth()
        #expect(truth.map(\.target) == ["covariates", "covariates"])
        #expect(truth[0].detail == "gradual covariates; subpopulation x1 in [0, 3] to share 0.6")
        #expect(truth[1].detail == "temporary covariates; subpopulation corner to factor 3")
        let edges = plan.strategies[0].gate.edgeCases
        #expect(edges.map(\.name) == ["corner", "low-x1"])
        #expect(edges[0].bounds == [Region.Bound(feature: 0, low: 8, high: .infinity), Region.Bound(feature: 1, low: 8, high: .infinity)])
        #expect(edges[0].contains([9.0, 9.5, 0][...]) && !edges[0].contains([9.0, 7.5, 0][...]))
    }

    @Test func badRegionsAndSharesAreNamedWithFileLineAndKey() {
        let errors = problems("""
        name: bad
        clock: {tick: 1d, ticks: 50, events_per_tick: 100}
        stream: {generator: sea}
        edge_cases: {corner: {feature: x0, above: 8}}
        drifts:
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [0, 3]}, share: 1.2}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [0, 3]}, share: 0}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [0, 3]}, share: 1}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x7: [0, 3]}, share: 0.5}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [3, 1]}, share: 0.5}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {}, share: 0.5}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [20, 30]}, share: 0.5}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [-1, 11]}, share: 0.5}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {region: coner, share: 0.5}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [0, 3]}, factor: 4}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [0, 3]}}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: [0, 3]}, share: 0.5, factor: 2}}
          - {type: instantaneous, at: 5d, target: covariates, subpopulation: {where: {x1: 3}, share: 0.5}}
        strategies: [{name: a, trigger: never}]
        """)
        let all = errors.map(\.description)
        #expect(has(errors, line: 6, key: "drifts[0].subpopulation.share", "must be ≤ 1"), "\(all)")
        #expect(has(errors, line: 7, key: "drifts[1].subpopulation.share", "must be > 0"), "\(all)")
        #expect(has(errors, line: 8, key: "drifts[2].subpopulation.share", "must be < 1"), "\(all)")
        #expect(has(errors, line: 9, key: "drifts[3].subpopulation.where.x7", "no feature named 'x7'"), "\(all)")
        #expect(has(errors, line: 10, key: "drifts[4].subpopulation.where.x1", "is empty"), "\(all)")
        #expect(has(errors, line: 11, key: "drifts[5].subpopulation.where", "names no feature"), "\(all)")
        #expect(has(errors, line: 12, key: "drifts[6].subpopulation.where", "no event of the stream falls in the region x1 in [20, 30]"), "\(all)")
        #expect(has(errors, line: 13, key: "drifts[7].subpopulation.where", "every event of the stream falls in the region"), "\(all)")
        #expect(has(errors, line: 14, key: "drifts[8].subpopulation.region", "did you mean 'corner'?"), "\(all)")
        #expect(has(errors, line: 15, key: "drifts[9].subpopulation.factor", "would take the region's share from 0.3"), "\(all)")
        #expect(has(errors, line: 16, key: "drifts[10].subpopulation", "give the region's share"), "\(all)")
        #expect(has(errors, line: 17, key: "drifts[11].subpopulation.factor", "not both"), "\(all)")
        #expect(has(errors, line: 18, key: "drifts[12].subpopulation.where.x1", "expected [low, high]"), "\(all)")
        #expect(errors.count == 13, "\(all)")
    }

    @Test func anEdgeCaseBoxIsCheckedTheSameWay() {
        let errors = problems("""
        name: bad-edges
        clock: {tick: 1d, ticks: 50, events_per_tick: 100}
        stream: {generator: sea}
        edge_cases:
          a: {where: {x1: [5, 2]}}
          b: {where: {x0: [0, 1]}, feature: x0}
          c: {where: {xx1: [0, 1]}}
        strategies: [{name: a, trigger: never}]
        """)
        let all = errors.map(\.description)
        #expect(has(errors, line: 5, key: "edge_cases.a.where.x1", "is empty"), "\(all)")
        #expect(has(errors, line: 6, key: "edge_cases.b", "either where"), "\(all)")
        #expect(has(errors, line: 7, key: "edge_cases.c.where.xx1", "did you mean 'x1'?"), "\(all)")
    }
}
