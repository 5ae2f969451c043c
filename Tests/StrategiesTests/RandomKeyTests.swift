import FlywheelCore
import Strategies
import Testing

/// The random streams of logging and labelling are named by strings that once were the
/// descriptions of the policies' enum cases. They are fixed here, so renaming a type or a case
/// never changes a draw (and so every committed result stays as it is).
@Suite struct RandomKeyTests {
    @Test func loggingKeysAreTheNamesTheStreamsHaveAlwaysHad() {
        #expect(LogAll().randomKey == "all")
        #expect(SampledLogging(rate: 0.1).randomKey == "sample(rate: 0.1)")
        #expect(StratifiedLogging(rate: 0.2, bySlice: false).randomKey == "stratified(rate: 0.2, bySlice: false)")
        #expect(StratifiedLogging(rate: 0.4, bySlice: true).randomKey == "stratified(rate: 0.4, bySlice: true)")
        #expect(ProfilesLogging().randomKey == "profiles")
    }

    @Test func curationKeysAreTheNamesTheStreamsHaveAlwaysHad() {
        #expect(RandomCuration().randomKey == "random")
        #expect(StratifiedCuration(bySlice: true).randomKey == "stratified(bySlice: true)")
        #expect(FeedbackCuration(p: 0.3, q: 0.02).randomKey == "feedback(p: 0.3, q: 0.02)")
        #expect(UncertaintyCuration(.leastConfidence).randomKey == "uncertainty(Strategies.Curation.Uncertainty.leastConfidence)")
        #expect(UncertaintyCuration(.margin).randomKey == "uncertainty(Strategies.Curation.Uncertainty.margin)")
        #expect(UncertaintyCuration(.entropy).randomKey == "uncertainty(Strategies.Curation.Uncertainty.entropy)")
        #expect(CommitteeCuration(members: 5).randomKey == "committee(members: 5)")
    }

    @Test func labellingKeyJoinsCoverageBudgetDelayNoiseCurationAndLogging() {
        #expect(LabelDelay.fixed(1).randomKey == "fixed(1)")
        #expect(LabelDelay.uniform(2, 8).randomKey == "uniform(2, 8)")
        #expect(LabelDelay.geometric(mean: 1).randomKey == "geometric(mean: 1.0)")
        let policy = LabelingPolicy(coverage: 0.25, budgetPerTick: 80, delay: .fixed(1), noise: 0, cost: 0.05,
                                    curation: UncertaintyCuration(.margin))
        #expect(policy.randomKey(logging: LogAll()) == "0.25/80/fixed(1)/0.0/uncertainty(Strategies.Curation.Uncertainty.margin)/all")
        #expect(LabelingPolicy().randomKey(logging: SampledLogging(rate: 0.1)) == "1.0/-1/fixed(0)/0.0/random/sample(rate: 0.1)")
    }
}
