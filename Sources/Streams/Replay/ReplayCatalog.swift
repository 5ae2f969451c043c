import FlywheelCore

/// The replay components for `flywheel list`: the replay stream (CSV or SQLite) and its mapping keys.
public enum ReplayCatalog {
    /// The `stream: {replay: ...}` source, one parameter per ``ReplayMapping`` key (snake_case).
    public static let replay = ComponentInfo(
        family: "stream", name: "replay",
        summary: "Replays a real timestamped CSV (or .csv.gz) or SQLite table in time order and constant memory, one event batch per tick. A relative path is looked up in $FLYWHEEL_DATA (default ~/.flywheel/data), the scenario's folder, then the current directory. Drifts of targets covariates, prior (by thinning), label_noise and quality can be injected; every replicate replays the same data.",
        parameters: [
            ParameterInfo("path", "(required)", "CSV file (a .gz name is decompressed on the fly with zlib) or SQLite database (by its header, or a .sqlite, .sqlite3 or .db name)"),
            ParameterInfo("table", "none", "SQLite table to replay (INTEGER and REAL cells are numbers, TEXT cells read as CSV cells, NULL is missing)"),
            ParameterInfo("query", "none", "instead of table: a single read-only SELECT over the SQLite database"),
            ParameterInfo("timestamp", "none", "timestamp column; without one, ticks group rows by count"),
            ParameterInfo("timestamp_format", "iso8601", "iso8601 (also YYYY/MM/DD), epoch_s, epoch_ms, epoch_d, or a pattern with %Y %y %m %d %H %M %S %j %b %f %p %z"),
            ParameterInfo("label", "(required)", "label column"),
            ParameterInfo("label_kind", "classification", "classification or regression"),
            ParameterInfo("classes", "from the file", "class names in index order; default: the file's values in first-seen order (first pass)"),
            ParameterInfo("numeric", "[]", "numeric feature columns; missing cells (empty, NA, NaN, null, None, ?) are NaN"),
            ParameterInfo("categorical", "[]", "categorical feature columns, encoded after the numeric ones"),
            ParameterInfo("categories", "from the file", "fixed vocabulary per categorical column; other values are unknown"),
            ParameterInfo("encoding", "ordinal", "ordinal (code 0..K-1, unknown -1, missing NaN) or one_hot (K indicators plus column=? for unknown)"),
            ParameterInfo("max_categories", "64", "largest vocabulary learned per categorical column; later values are unknown"),
            ParameterInfo("slice", "none", "slice (cohort) column; event slice is its code, or -1"),
            ParameterInfo("slices", "from the file", "slice names in code order"),
            ParameterInfo("tick", "(required)", "a span such as 1d (rows grouped by time, empty spans give empty ticks) or a row count such as 500 rows"),
            ParameterInfo("origin", "midnight of the first day", "start of tick 0 when grouping by time"),
            ParameterInfo("order", "fail", "fail at the first decreasing timestamp (naming its line or rowid), or sort (stable: a CSV by external merge sort, SQLite by ORDER BY)"),
            ParameterInfo("delimiter", ",", "one-byte field delimiter of a CSV file"),
            ParameterInfo("known_drifts", "[]", "change points the data is known to have: [{at: row or time, type: instantaneous | gradual, width: rows or duration, name}]; they enter the ground truth as declared concept drifts"),
            ParameterInfo("warmup_ticks", "7", "(a key of stream:, beside replay:) ticks at the start of the file the initial model is fitted on; not scored"),
        ],
        reference: "RFC 4180 (CSV); SQLite file format 3; datasets: Harries 1999 (Elec2), Elwell & Polikar 2011 (weather), Souza et al. 2020 (INSECTS)")

    /// Every replay component.
    public static let all: [ComponentInfo] = [replay]
}
