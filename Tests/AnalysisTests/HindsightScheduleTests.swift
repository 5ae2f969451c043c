import Analysis
import FlywheelCore
import Testing

@Suite struct HindsightScheduleTests {
    /// A decaying model: serving cost grows with age, jumps after a drift at tick 6 for models
    /// trained before it; plus noise from a seeded stream.
    static func matrix(_ ticks: Int, seed: UInt64) -> [[Double]] {
        let rng = RandomStream(seed: seed)
        return (-1..<ticks).map { s in
            (0..<ticks).map { t in
                guard t > s else { return .nan }
                let age = Double(t - s)
                let stale = s < 6 && t >= 6 ? 30.0 : 0
                return 10 + 2 * age + stale + 5 * rng.uniform()
            }
        }
    }

    @Test(arguments: [(10, 10, UInt64(1)), (10, 3, UInt64(2)), (12, 4, UInt64(3)), (9, 9, UInt64(4))])
    func dynamicProgrammingEqualsBruteForceOverEverySchedule(_ ticks: Int, _ maxAge: Int, _ seed: UInt64) {
        let m = Self.matrix(ticks, seed: seed)
        let cost: HindsightSchedule.AgeMatrix = { s, t in m[s + 1][t] }
        let train: (Int) -> Double = { s in 12 + Double(s % 3) }
        let best = HindsightSchedule.optimal(ticks: ticks, maxAge: maxAge, cost: cost, trainCost: train, deployCost: 3)
        var brute = Double.infinity
        for mask in 0..<(1 << ticks) {
            let schedule = (0..<ticks).filter { mask & (1 << $0) != 0 }
            brute = min(brute, HindsightSchedule.cost(of: schedule, ticks: ticks, maxAge: maxAge, cost: cost, trainCost: train, deployCost: 3))
        }
        #expect(abs(best.cost - brute) < 1e-9, "DP \(best.cost) vs brute force \(brute)")
        // The schedule it returns costs what it says.
        let again = HindsightSchedule.cost(of: best.trainings, ticks: ticks, maxAge: maxAge, cost: cost, trainCost: train, deployCost: 3)
        #expect(abs(again - best.cost) < 1e-9)
        #expect(abs(best.servingCost.reduce(0, +) + Double(best.trainings.count) * 3
                    + best.trainings.map(train).reduce(0, +) - best.cost) < 1e-9)
    }

    @Test func itIsNeverWorseThanAnyPeriodicSchedule() {
        let ticks = 60
        let m = Self.matrix(ticks, seed: 9)
        let cost: HindsightSchedule.AgeMatrix = { s, t in m[s + 1][t] }
        let best = HindsightSchedule.optimal(ticks: ticks, maxAge: ticks, cost: cost, trainCost: { _ in 40 }, deployCost: 5)
        for every in 1...ticks {
            let periodic = Array(stride(from: every - 1, to: ticks, by: every))
            let c = HindsightSchedule.cost(of: periodic, ticks: ticks, maxAge: ticks, cost: cost, trainCost: { _ in 40 }, deployCost: 5)
            #expect(best.cost <= c + 1e-9)
        }
        // It retrains right after the drift at tick 6 (a model trained at 6 or later).
        #expect(best.trainings.contains { $0 >= 6 && $0 <= 8 })
    }

    @Test func freeTrainingsRetrainEveryTickAndPricelessErrorsNever() {
        let ticks = 20
        // Serving cost grows with age: a fresh model every tick is best when trainings are free.
        let cost: HindsightSchedule.AgeMatrix = { s, t in Double(t - s) }
        #expect(HindsightSchedule.optimal(ticks: ticks, maxAge: ticks, cost: cost, trainCost: { _ in 0 }, deployCost: 0).trainings
                    == Array(0..<(ticks - 1)))
        let none = HindsightSchedule.optimal(ticks: ticks, maxAge: ticks, cost: { _, _ in 0 }, trainCost: { _ in 1 }, deployCost: 1)
        #expect(none.trainings.isEmpty && none.cost == 0)
    }

    @Test func ticksWithoutLabelsCannotTrain() {
        let ticks = 12
        let m = Self.matrix(ticks, seed: 6)
        let best = HindsightSchedule.optimal(ticks: ticks, maxAge: ticks, cost: { m[$0 + 1][$1] }, trainCost: { _ in 0 }, deployCost: 0,
                                             canTrain: { $0 >= 4 })
        #expect(best.trainings.allSatisfy { $0 >= 4 })
    }
}
