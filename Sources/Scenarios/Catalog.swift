import FlywheelCore
import Learners
import Monitoring
import Strategies
import Streams

/// Every component a scenario can name, for `flywheel list`.
public enum Catalog {
    public static var all: [ComponentInfo] {
        Generators.all + ReplayCatalog.all + Drift.catalog + LearnerCatalog.all + Triggers.catalog + DetectorCatalog.all + DistanceCatalog.all
            + Datasets.catalog + LabelingPolicy.catalog + Loggings.catalog + GatePolicy.catalog + Rollouts.catalog + [oracle]
    }
}
