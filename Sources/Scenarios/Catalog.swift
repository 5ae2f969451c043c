import FlywheelCore
import Monitoring
import Strategies
import Streams

/// Every component a scenario can name, for `flywheel list`.
public enum Catalog {
    public static var all: [ComponentInfo] {
        Generators.all + ReplayCatalog.all + Drift.catalog + Models.all + TriggerPolicy.catalog + DetectorCatalog.all + DistanceCatalog.all + DatasetPolicy.catalog + LabelingPolicy.catalog + LoggingPolicy.catalog + GatePolicy.catalog + RolloutPolicy.catalog
    }
}
