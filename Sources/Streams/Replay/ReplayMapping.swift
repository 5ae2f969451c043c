import FlywheelCore

/// How a replayed CSV file or SQLite table maps onto a stream of events: which column is the
/// time, which the label, which the features and the slice, and how rows are grouped into ticks.
///
/// Scenario files write it as a `stream: {replay: ...}` block whose keys are these field names
/// in snake_case (``DatasetInspector`` suggests one):
///
/// ```yaml
/// stream:
///   replay:
///     path: datasets/elec2.csv
///     timestamp: timestamp_reconstructed
///     timestamp_format: iso8601         # iso8601 | epoch_s | epoch_ms | epoch_d | a %-pattern
///     label: class
///     label_kind: classification        # classification | regression
///     classes: [UP, DOWN]               # optional: default is the file's values, first seen first
///     numeric: [nswprice, nswdemand, vicprice, vicdemand, transfer]
///     categorical: [day]
///     encoding: ordinal                 # ordinal | one_hot
///     max_categories: 64
///     slice: region                     # optional cohort column
///     tick: 1d                          # a span (needs a timestamp) or "500 rows"
///     order: fail                       # fail | sort
///     delimiter: ","
/// ```
///
/// An SQLite database (a file starting with the SQLite header, or named `.sqlite`, `.sqlite3`
/// or `.db`) is replayed the same way from one of its tables or from a read-only query:
///
/// ```yaml
///     path: shop.sqlite
///     table: orders                     # or query: SELECT ... (a single SELECT)
/// ```
///
/// Its cells keep their SQLite types: INTEGER and REAL cells are numbers as they are (an epoch
/// timestamp may be either), TEXT cells are read as a CSV cell would be, and a NULL is a missing
/// cell (NaN in a numeric feature; an error as a label or timestamp).
///
/// **Features.** The event's feature vector is the numeric columns in the order listed, then the
/// categorical ones. A numeric cell that is missing (empty, `NA`, `N/A`, `NaN`, `null`, `None`,
/// `?`, any case) is kept as NaN; any other text that is not a number is an error.
///
/// **Categorical encoding.** Each categorical column has a vocabulary: the values given in
/// ``categories`` for it, or else its values in first-seen order from a first pass over the
/// file, keeping at most ``maxCategories``. A value outside the vocabulary is *unknown*.
/// - `ordinal` (default): one feature holding the value's code `0..<K` (as a `Double`); an
///   unknown value is `-1`; a missing cell is NaN.
/// - `oneHot`: `K + 1` indicator features named `column=value` for each value, then
///   `column=?` for unknown values; a missing cell makes all `K + 1` indicators NaN.
///
/// **Label.** Classification labels are class indices into ``classes`` (given, or the file's
/// values in first-seen order from the first pass); a label outside given classes, an empty or
/// missing label, or a label column with only one class is an error. Regression labels are
/// numbers; an empty, missing or NaN label is an error.
///
/// **Time and ticks.** With ``TickGrouping/span(_:)`` tick `k` holds the rows whose time `t`
/// has `origin + k·span ≤ t < origin + (k+1)·span`; empty spans give empty ticks, so tick
/// indices stay aligned with time. The origin is ``origin`` if given, else midnight (UTC) of the
/// first row's day advanced by whole spans while the next span still starts at or before the
/// first row (a `1d` tick starts at midnight, a `1h` tick on the hour). With
/// ``TickGrouping/rows(_:)`` each tick holds that many consecutive rows (the last may be shorter).
///
/// **Order.** Timestamps must not decrease. With ``TimestampOrder/fail`` (the default) the first
/// row earlier than its predecessor is an error naming its line (an SQLite row's rowid); with
/// ``TimestampOrder/sort`` the rows are sorted by time (stable: equal times keep file order):
/// a CSV file with an external merge sort through temporary files, so memory stays bounded; an
/// SQLite table by an `ORDER BY` on the parsed timestamp, then the rowid.
public struct ReplayMapping: Sendable, Hashable {
    /// The CSV file (a name ending in `.gz` is decompressed on the fly by zlib) or SQLite database.
    public var path: String
    /// The SQLite table to replay (nil for a CSV file, or with ``query``).
    public var table: String?
    /// A single read-only `SELECT` over the SQLite database, replayed instead of a table.
    public var query: String?
    /// The timestamp column, or nil to group by row count.
    public var timestamp: String?
    public var timestampFormat: TimestampFormat
    /// The label column.
    public var label: String
    public var labelKind: LabelKind
    /// The class names in index order; nil takes the file's values in first-seen order.
    public var classes: [String]?
    /// Numeric feature columns, in feature order.
    public var numeric: [String]
    /// Categorical feature columns, encoded after the numeric ones.
    public var categorical: [String]
    /// Fixed vocabularies for some categorical columns (column → values in code order).
    public var categories: [String: [String]]
    public var encoding: CategoricalEncoding
    /// The largest vocabulary learned from the file per categorical column; later values are unknown.
    public var maxCategories: Int
    /// The slice (cohort) column, or nil.
    public var slice: String?
    /// The slice names in code order; nil takes the file's values in first-seen order.
    public var slices: [String]?
    public var tick: TickGrouping
    /// Start of tick 0 in seconds since the epoch when grouping by time; nil derives it from the first row.
    public var origin: Int64?
    public var order: TimestampOrder
    /// The one-byte field delimiter of a CSV file: `,` by default, or e.g. `;` or a tab.
    public var delimiter: String

    /// The class limit for a label column learned from the file: more distinct values than this
    /// are taken as a mistaken label column (or a regression target).
    public static let maxClasses = Limits.maxClasses

    public init(path: String, timestamp: String? = nil, timestampFormat: TimestampFormat = .iso8601, label: String,
                labelKind: LabelKind = .classification, classes: [String]? = nil, numeric: [String] = [],
                categorical: [String] = [], categories: [String: [String]] = [:], encoding: CategoricalEncoding = .ordinal,
                maxCategories: Int = 64, slice: String? = nil, slices: [String]? = nil, tick: TickGrouping,
                origin: Int64? = nil, order: TimestampOrder = .fail, delimiter: String = ",",
                table: String? = nil, query: String? = nil) {
        self.path = path
        self.table = table
        self.query = query
        self.timestamp = timestamp
        self.timestampFormat = timestampFormat
        self.label = label
        self.labelKind = labelKind
        self.classes = classes
        self.numeric = numeric
        self.categorical = categorical
        self.categories = categories
        self.encoding = encoding
        self.maxCategories = maxCategories
        self.slice = slice
        self.slices = slices
        self.tick = tick
        self.origin = origin
        self.order = order
        self.delimiter = delimiter
    }
}

/// Whether the label column holds classes or a regression target.
public enum LabelKind: String, Sendable, Hashable, CaseIterable {
    case classification
    case regression
}

/// How categorical columns become features (see ``ReplayMapping``): `ordinal` or `one_hot`.
public enum CategoricalEncoding: String, Sendable, Hashable, CaseIterable {
    case ordinal
    case oneHot = "one_hot"
}

/// What to do when a timestamp is earlier than the row before it.
public enum TimestampOrder: String, Sendable, Hashable, CaseIterable {
    /// Stop with an error naming the first offending line (the default).
    case fail
    /// Sort the rows by time first (stable external merge sort, bounded memory).
    case sort
}

/// How rows are grouped into ticks: by a span of time, or by a number of rows.
public enum TickGrouping: Sendable, Hashable, CustomStringConvertible {
    /// Rows whose timestamps fall in the same span form a tick (needs a timestamp column).
    case span(Span)
    /// Each tick holds this many consecutive rows.
    case rows(Int)

    /// Parses `1d` / `30m` (a span), or `500 rows` / `500` (a row count).
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let s = Span(parsing: t) { self = .span(s); return }
        var digits = Substring(t)
        for suffix in [" rows", "rows", " row", "row"] where digits.hasSuffix(suffix) {
            digits = digits.dropLast(suffix.count)
            break
        }
        guard let n = Int(digits.trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
        self = .rows(n)
    }

    /// The scenario spelling: `1d` or `500 rows`.
    public var description: String {
        switch self {
        case .span(let s): return s.description
        case .rows(let n): return "\(n) rows"
        }
    }
}
