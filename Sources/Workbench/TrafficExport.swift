import FlywheelCore
import Scenarios
import Foundation
import Simulation
import Storage
import Streams

/// A scenario's traffic as CSV, one row per event, with the truth each event carries: what
/// `flywheel traffic` writes. The events are those of ``TrafficSource/open(replicate:seed:)``,
/// the very batches a run serves for that replicate and seed.
///
/// Columns, in order:
/// - `tick`: the tick (0-based, scored ticks only; the warm-up history is not written);
/// - `event`: the event's index within its tick (0-based);
/// - `time`: the event's time in ticks, `tick + i/n` for event `i` of the tick's `n` (for a
///   replayed tick thinned by a prior or subpopulation drift, the kept row's place among the
///   tick's rows): the time every drift schedule is evaluated at;
/// - one column per feature, in schema order, as served (after data-quality faults; a missing
///   value is empty). A feature whose name is taken by another column, or by an earlier feature,
///   is written as `feature_<name>`;
/// - `label`: the class name (classification) or the target (regression);
/// - `concept`: the concept that labelled the event (0 on replayed data);
/// - `bayes`: the probability that the label is right under the Bayes-optimal rule of the world
///   that produced it (empty where it is undefined: replayed data, generators without a closed form);
/// - `slice`: the event's slice name (empty when the stream has none);
/// - `drift_<id>`: for each drift of the run's ground truth (same ids, same order), its intensity
///   at the event's time: `amplitude × schedule(time)`, the value the drift injector used. A
///   change point declared for replayed data (not injected) is 0 before it and 1 after it, a
///   gradual one a linear ramp over its declared width;
/// - `active`: 1 when any drift's intensity is above 0 at the event, else 0.
///
/// Numbers are written in their shortest round-trip form, so the same scenario and seed give the
/// same bytes.
public enum TrafficExport {
    /// One intensity column.
    struct Column {
        var id: Int
        var intensity: (Double) -> Double
    }

    /// The drift columns of a source: one per ground-truth entry.
    static func columns(_ source: any TrafficSource) throws -> [Column] {
        let injected = source.injectedDrifts
        return source.groundTruth().map { truth in
            if truth.id < injected.count {
                let drift = injected[truth.id]
                return Column(id: truth.id, intensity: { drift.intensity(at: $0) })
            }
            let (start, end, cp) = (truth.start, truth.end, truth.changePoint)
            if end > start {
                return Column(id: truth.id, intensity: { min(max(($0 - start) / (end - start), 0), 1) })
            }
            return Column(id: truth.id, intensity: { $0 >= cp ? 1 : 0 })
        }
    }

    /// The header line (with its newline).
    static func header(_ schema: FeatureSchema, _ columns: [Column]) -> String {
        let drifts = columns.map { "drift_\($0.id)" }
        var taken = Set(["tick", "event", "time", "label", "concept", "bayes", "slice", "active"] + drifts)
        var features: [String] = []
        for name in schema.features {
            var n = name
            while taken.contains(n) { n = "feature_" + n }
            taken.insert(n)
            features.append(csvField(n))
        }
        return (["tick", "event", "time"] + features + ["label", "concept", "bayes", "slice"] + drifts + ["active"]).joined(separator: ",") + "\n"
    }

    /// Writes ticks `from..<to` of replicate `replicate` as CSV, handing the text to `emit` a tick
    /// at a time (the header first).
    ///
    /// - Throws: ``FlywheelError`` for a replicate outside the scenario's, a tick range outside
    ///   the run, or a source that cannot be written; any error of generating the traffic or of `emit`.
    public static func write(_ scenario: Scenario, replicate: Int, from: Int = 0, to: Int? = nil,
                             emit: (String) throws -> Void) throws {
        let plan = scenario.plan
        let source = plan.source
        let ticks = source.ticks
        let to = to ?? ticks
        guard replicate >= 0, replicate < plan.manifest.replicates else {
            throw FlywheelError("replicate \(replicate) is not one of the scenario's: it has \(plan.manifest.replicates), numbered 0 to \(plan.manifest.replicates - 1)",
                                key: "replicate")
        }
        guard from >= 0, from < to, to <= ticks else {
            throw FlywheelError("the ticks \(from) to \(to) are not a range within the run's \(ticks) ticks", key: "from",
                                hint: "give 0 ≤ from < to ≤ \(ticks)")
        }
        let columns = try columns(source)
        let schema = source.schema
        try emit(header(schema, columns))
        // Tick by tick through the source's cursor: a long run is never held whole.
        var cursor = try source.open(replicate: replicate, seed: plan.manifest.seed)
        let d = schema.dimension
        var tick = -1
        while tick + 1 < to, let b = try cursor.next() {
            tick += 1
            guard tick >= from else { continue }
            var out = ""
            out.reserveCapacity(b.count * (d + columns.count + 8) * 8)
            for i in 0..<b.count {
                let t = b.time(ofEvent: i, tick: tick)
                out += "\(tick),\(i),\(NumberText.plain(t))"
                for j in 0..<d {
                    let v = b.features[i * d + j]
                    out += v.isNaN ? "," : "," + NumberText.plain(v)
                }
                let y = b.labels[i]
                if y.isNaN { out += "," }
                else if schema.isClassification, let c = Int(exactly: y), c >= 0, c < schema.classes.count { out += "," + csvField(schema.classes[c]) }
                else { out += "," + NumberText.plain(y) }
                out += ",\(b.concept[i])"
                out += b.bayes[i].isNaN ? "," : "," + NumberText.plain(b.bayes[i])
                let s = Int(b.slice[i])
                out += s >= 0 && s < schema.slices.count ? "," + csvField(schema.slices[s]) : ","
                var active = false
                for c in columns {
                    let v = c.intensity(t)
                    if v > 0 { active = true }
                    out += "," + NumberText.plain(v)
                }
                out += active ? ",1\n" : ",0\n"
            }
            try emit(out)
        }
    }
}
