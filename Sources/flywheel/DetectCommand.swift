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
        paper do). A FILE of - reads the values from standard input.

        Examples:
          flywheel detect --detector adwin errors.csv
          my-job | flywheel detect --detector adwin -
          flywheel detect --detector page_hinkley --param threshold=30 logs.csv
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

    @Argument(help: "A CSV file with a numeric column (- for standard input).")
    var file: String

    func run() throws {
        try exitingOnError {
            let values = try CommandInput.withFile(file) { try NumericColumn.read(path: $0, column: column) }
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
        Metrics: \(DistanceMetric.allCases.map(\.rawValue).joined(separator: ", ")). Frequency metrics
        (jensen_shannon, chi_square, hellinger, l1, linf) bin both samples into
        --bins equal-width bins over their pooled range; --categories compares the
        values as categories instead. Large samples make p-values tiny for trivial
        shifts: thresholds on distances are the recommended default.

        mmd compares rows of several columns (--columns x0,x1; default: the one
        column, or --column) by MMD² with a Gaussian kernel (Gretton et al. 2012):
        --bandwidth median (σ = median pooled pairwise distance, the default),
        median_sq_half (σ² = median squared distance / 2) or a fixed σ;
        --estimator unbiased (default) or biased. It is O(n²): each file may hold
        at most \(Limits.grouped(Limits.maxMMDRows)) rows.

        Examples:
          flywheel distance --metric wasserstein ref.csv cur.csv
          flywheel distance --metric ks --column score --json ref.csv cur.csv
          flywheel distance --metric psi --bins 10 ref.csv cur.csv
          flywheel distance --metric mmd --columns x0,x1 ref.csv cur.csv
        """)

    @Option(name: .long, help: "The distance.")
    var metric: String

    @Option(name: .long, help: "The column to read in both files (a header name or a 0-based index).")
    var column: String?

    @Option(name: .long, help: "For mmd: the columns that make a row, comma-separated (names or 0-based indices).")
    var columns: String?

    @Option(name: .long, help: "For mmd: median, median_sq_half, or a fixed kernel width σ > 0.")
    var bandwidth: String?

    @Option(name: .long, help: "For mmd: unbiased (U-statistic, default) or biased (V-statistic).")
    var estimator: String?

    @Option(name: .long, help: "Bins for the frequency metrics and PSI.")
    var bins: Int = 10

    @Flag(name: .long, help: "Treat values as categories for the frequency metrics.")
    var categories = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Argument(help: "The reference sample (CSV; - for standard input).")
    var reference: String

    @Argument(help: "The current sample (CSV; - for standard input).")
    var current: String

    func run() throws {
        if reference == "-" && current == "-" {
            throw ValidationError("- (standard input) can be only one of the two samples")
        }
        guard let m = DistanceMetric(rawValue: metric) else {
            let names = DistanceMetric.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("unknown metric '\(metric)'; choose one of \(names)")
        }
        guard bins >= 1 else { throw ValidationError("--bins must be at least 1") }
        if m == .mmd { return try runMMD() }
        let mmdOnly = [("--columns", columns), ("--bandwidth", bandwidth), ("--estimator", estimator)]
        for (flag, given) in mmdOnly where given != nil {
            throw ValidationError("\(flag) applies to --metric mmd only")
        }
        try exitingOnError {
            let ref = try CommandInput.withFile(reference) { try NumericColumn.read(path: $0, column: column) }
            let cur = try CommandInput.withFile(current) { try NumericColumn.read(path: $0, column: column) }
            let r = try m.compute(reference: ref, current: cur, binning: categories ? .categories : .histogram(bins: bins), psiBins: bins)
            if json {
                print("{\"metric\": \"\(m.rawValue)\", \"value\": \(jsonNumber(r.value)), \"p_value\": \(jsonNumber(r.pValue)), \"reference\": \(ref.count), \"current\": \(cur.count)}")
            } else {
                print("\(m.rawValue) = \(r.value)" + (r.pValue.map { "  (p = \($0))" } ?? "") + "  [\(ref.count) vs \(cur.count) values]")
            }
        }
    }
}

extension DistanceCommand {
    /// `--metric mmd`: rows of `--columns` from both files, MMD² by ``MMD/compute``.
    func runMMD() throws {
        if categories { throw ValidationError("--categories does not apply to --metric mmd") }
        let band: MMD.Bandwidth
        switch bandwidth ?? "median" {
        case "median": band = .medianDistance
        case "median_sq_half": band = .medianSquaredDistanceHalf
        case let text:
            guard let sigma = Double(text), sigma.isFinite, sigma > 0 else {
                throw ValidationError("--bandwidth takes median, median_sq_half or a number > 0, got '\(text)'")
            }
            band = .fixed(sigma)
        }
        guard ["unbiased", "biased"].contains(estimator ?? "unbiased") else {
            throw ValidationError("--estimator takes unbiased or biased, got '\(estimator ?? "")'")
        }
        if columns != nil, column != nil { throw ValidationError("give --columns or --column, not both") }
        let names: [String?] = columns.map { list in
            list.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        } ?? [column]
        if names.isEmpty || names.contains("") {
            throw ValidationError("--columns takes names or indices separated by commas")
        }
        try exitingOnError {
            func rows(_ path: String) throws -> [Double] {
                let cols = try CommandInput.withFile(path) { file in
                    try names.map { try NumericColumn.read(path: file, column: $0) }
                }
                let n = cols[0].count
                guard n <= Limits.maxMMDRows else {
                    throw FlywheelError(
                        "the file has \(Limits.grouped(n)) rows; MMD reads at most \(Limits.grouped(Limits.maxMMDRows))",
                        at: SourceLocation(file: CommandInput.name(path), line: 0),
                        hint: "its cost grows with the square of the rows: compare a sample of each file")
                }
                var out = [Double]()
                out.reserveCapacity(n * cols.count)
                for i in 0..<n { for c in cols { out.append(c[i]) } }
                return out
            }
            let ref = try rows(reference), cur = try rows(current)
            let d = names.count
            let r = try MMD.compute(reference: ref, current: cur, dimension: d, bandwidth: band,
                                    unbiased: (estimator ?? "unbiased") == "unbiased")
            if json {
                print("{\"metric\": \"mmd\", \"value\": \(jsonNumber(r.mmd2)), \"sigma\": \(jsonNumber(r.sigma)), "
                      + "\"dimension\": \(d), \"reference\": \(ref.count / d), \"current\": \(cur.count / d)}")
            } else {
                print("mmd = \(r.mmd2)  (σ = \(r.sigma))  [\(ref.count / d) vs \(cur.count / d) rows of \(d)]")
            }
        }
    }
}
