import ArgumentParser
import FlywheelCore
import Foundation
import Monitoring
import Streams

/// `key=value` parameters for a component.
func parseParameters(_ items: [String]) throws -> [String: Double] {
    var out: [String: Double] = [:]
    for item in items {
        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let v = Double(parts[1]) else { throw ValidationError("--param takes name=number, got '\(item)'") }
        out[parts[0]] = v
    }
    return out
}

func jsonNumber(_ v: Double?) -> String {
    guard let v, v.isFinite else { return "null" }
    return NumberText.plain(v)
}

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run a drift detector over a numeric stream and print where it warns and detects.",
        discussion: """
        Positions are 0-based rows of the stream (the header, if any, is not a
        row). Detectors follow River's convention: state resets after each
        detection (ADWIN also takes moa=1 to keep the cut window, as MOA and the
        paper do).

        Examples:
          flywheel detect --detector adwin errors.csv
          flywheel detect --detector page_hinkley --param threshold=30 --column latency logs.csv
          flywheel detect --detector ddm --json errors.csv
        """)

    @Option(name: .long, help: "adwin, ddm, eddm, hddm_a, hddm_w, kswin or page_hinkley.")
    var detector: String

    @Option(name: .long, parsing: .singleValue, help: "A detector parameter, name=value (repeatable), e.g. delta=0.002.")
    var param: [String] = []

    @Option(name: .long, help: "The column to read (a header name or a 0-based index); needed when the file has several.")
    var column: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Argument(help: "A CSV file with a numeric column.")
    var file: String

    func run() throws {
        try exitingOnError {
            let values = try NumericColumn.read(path: file, column: column)
            var d = try DetectorCatalog.make(detector, parameters: try parseParameters(param))
            let (warnings, drifts) = detectChanges(values, detector: &d)
            if json {
                print("{\"detector\": \"\(detector)\", \"values\": \(values.count), \"warnings\": [\(warnings.map(String.init).joined(separator: ", "))], \"drifts\": [\(drifts.map(String.init).joined(separator: ", "))]}")
            } else {
                print("\(detector) over \(values.count) values")
                print("drifts:   \(drifts.isEmpty ? "none" : drifts.map(String.init).joined(separator: " "))")
                print("warnings: \(warnings.isEmpty ? "none" : warnings.map(String.init).joined(separator: " "))")
            }
        }
    }
}

struct DistanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distance",
        abstract: "Compute a distance (and a p-value where the test has one) between two samples.",
        discussion: """
        Metrics: \(DistanceMetric.allCases.filter { $0 != .mmd
        }.map(\.rawValue).joined(separator: ", ")). Frequency metrics
        (jensen_shannon, chi_square, hellinger, l1, linf) bin both samples into
        --bins equal-width bins over their pooled range; --categories compares the
        values as categories instead. Large samples make p-values tiny for trivial
        shifts: thresholds on distances are the recommended default.

        Examples:
          flywheel distance --metric wasserstein ref.csv cur.csv
          flywheel distance --metric ks --column score --json ref.csv cur.csv
          flywheel distance --metric psi --bins 10 ref.csv cur.csv
        """)

    @Option(name: .long, help: "The distance.")
    var metric: String

    @Option(name: .long, help: "The column to read in both files (a header name or a 0-based index).")
    var column: String?

    @Option(name: .long, help: "Bins for the frequency metrics and PSI.")
    var bins: Int = 10

    @Flag(name: .long, help: "Treat values as categories for the frequency metrics.")
    var categories = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Argument(help: "The reference sample (CSV).")
    var reference: String

    @Argument(help: "The current sample (CSV).")
    var current: String

    func run() throws {
        guard let m = DistanceMetric(rawValue: metric), m != .mmd else {
            throw ValidationError("unknown metric '\(metric)'; choose one of \(DistanceMetric.allCases.filter { $0 != .mmd }.map(\.rawValue).joined(separator: ", "))")
        }
        guard bins >= 1 else { throw ValidationError("--bins must be at least 1") }
        try exitingOnError {
            let ref = try NumericColumn.read(path: reference, column: column), cur = try NumericColumn.read(path: current, column: column)
            let r = try m.compute(reference: ref, current: cur, binning: categories ? .categories : .histogram(bins: bins), psiBins: bins)
            if json {
                print("{\"metric\": \"\(m.rawValue)\", \"value\": \(jsonNumber(r.value)), \"p_value\": \(jsonNumber(r.pValue)), \"reference\": \(ref.count), \"current\": \(cur.count)}")
            } else {
                print("\(m.rawValue) = \(r.value)" + (r.pValue.map { "  (p = \($0))" } ?? "") + "  [\(ref.count) vs \(cur.count) values]")
            }
        }
    }
}
