"""Load Flywheel's results into Python: one file, the standard library only, pandas optional.

``load_run(folder)`` reads what ``flywheel run`` wrote, ``load_sweep(folder)`` what ``flywheel
sweep`` wrote. Both read the folder's SQLite database (``run.sqlite``, ``sweep.sqlite``) through
the standard ``sqlite3`` module and fall back to the folder's CSV files when it is absent. Each
table comes back as a pandas ``DataFrame`` when pandas can be imported (strategy, metric and other
names as ``Categorical`` in the order Flywheel wrote them, times as UTC ``datetime64``), or else
as a list of dicts (times as timezone-aware ``datetime.datetime``, missing values as ``None``).
Pass ``pandas=False`` to get lists of dicts even where pandas is installed.

Example::

    import flywheel_results as fr
    run = fr.load_run("results/quickstart")
    run.summary.sort_values("total_cost")[["strategy", "mean_accuracy", "total_cost"]]
    acc = run.metrics[run.metrics.metric == "accuracy"]
    acc.groupby(["strategy", "tick"], observed=True).value.mean().unstack(0).plot()

    sweep = fr.load_sweep("results/retrain-frequency")
    sweep.cells[["name", "trigger_every", "trigger_every_value"]]
"""

import csv
import datetime
import os
import sqlite3
import struct

try:
    import pandas as _pd
except ImportError:  # pandas is optional
    _pd = None

__all__ = ["Results", "base_value", "load_run", "load_sweep", "parse_time"]


class Results(dict):
    """The tables of one run or sweep, by name; each name is also an attribute (``run.summary``).

    Every result holds ``manifest`` (a dict of the database's manifest, empty without one),
    ``source`` (``"sqlite"`` or ``"csv"``: where the tables were read), ``metrics``, ``summary``,
    ``comparisons``, ``events``, ``strategies``, ``traffic`` and ``drifts``; a sweep also holds
    ``cells`` (its strategies with one column per swept key) and ``runs`` (per cell and
    replicate). A table the folder does not hold is empty (``events`` needs the database).
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def parse_time(text):
    """An ISO 8601 UTC time as Flywheel writes it (``2024-01-08T00:00:00Z``) as an aware
    ``datetime.datetime``; ``None`` for ``None`` or empty text."""
    if text is None or text == "":
        return None
    t = text[:-1] + "+00:00" if text.endswith("Z") else text
    value = datetime.datetime.fromisoformat(t)
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


# Column types: "category", "int", "float", "time" or "text" (anything not listed is text, or
# float when every value of the column reads as a number).
_TYPES = {
    "strategy": "category", "versus": "category", "metric": "category", "method": "category",
    "kind": "category", "role": "category", "component": "category", "type": "category",
    "target": "category", "name": "category", "cell": "category",
    "tick": "int", "replicate": "int", "replicates": "int", "seq": "int", "model_version": "int",
    "samples": "int", "id": "int", "cell_id": "int", "strategy_id": "int", "rank": "int",
    "time": "time", "detail": "text", "parameters": "text", "series_names": "text",
}


_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def base_value(text):
    """A swept value in base units, as ``sweep.sqlite`` stores it beside the text: a duration
    (``7d``, ``12h``, ``1.5d``) in seconds, a number (``0.05``, ``1_000``) as itself; ``None`` for
    any other text."""
    if text is None:
        return None
    t = text.strip()
    if t[-1:] in _UNITS:
        try:
            value = float(t[:-1])
        except ValueError:
            value = None
        if value is not None and value > 0:
            return value * _UNITS[t[-1]]
    try:
        return float(t.replace("_", ""))
    except ValueError:
        return None


def _grid_column(key, used):
    """The ``cell`` column of a swept key path (``trigger.every`` → ``trigger_every``)."""
    base = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in key)
    if not base or base[0].isdigit():
        base = "p_" + base
    name, k = base, 2
    while name.lower() in used or name.lower() + "_value" in used:
        name, k = f"{base}_{k}", k + 1
    used.update({name.lower(), name.lower() + "_value"})
    return name


def _want_pandas(pandas):
    if pandas is None:
        return _pd is not None
    if pandas and _pd is None:
        raise ImportError("pandas=True but pandas cannot be imported")
    return bool(pandas)


def _number(text):
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _convert(value, kind):
    """One value to its column's Python type (CSV text or an SQLite value)."""
    if value is None or value == "":
        return None
    if kind == "int":
        return int(float(value)) if isinstance(value, str) else int(value)
    if kind == "float":
        return float(value)
    if kind == "time":
        return parse_time(value) if isinstance(value, str) else value
    return value if isinstance(value, str) else str(value) if kind in ("category", "text") else value


def _kinds(columns, rows, types):
    """The type of each column: as listed, else float when every non-empty value is a number."""
    kinds = {}
    for c in columns:
        kind = types.get(c) or _TYPES.get(c)
        if kind is None:
            values = [r[c] for r in rows if r[c] is not None and r[c] != ""]
            numeric = all(isinstance(v, (int, float)) or _number(v) is not None for v in values)
            kind = "float" if numeric else "text"
        kinds[c] = kind
    return kinds


def _table(columns, rows, use_pandas, types=None):
    """A list of dicts (rows as dicts of raw values) typed, or a typed DataFrame."""
    types = types or {}
    kinds = _kinds(columns, rows, types)
    typed = [{c: r[c] if c == "detail" and r[c] == "" else _convert(r[c], kinds[c]) for c in columns}
             for r in rows]
    if not use_pandas:
        return typed
    df = _pd.DataFrame(typed, columns=list(columns))
    for c in columns:
        kind = kinds[c]
        if kind == "category":
            seen = list(dict.fromkeys(v for v in df[c] if v is not None))
            df[c] = _pd.Categorical(df[c], categories=seen)
        elif kind == "time":
            df[c] = _pd.to_datetime(df[c], utc=True)
        elif kind == "float":
            df[c] = _pd.to_numeric(df[c], errors="coerce").astype("float64")
        elif kind == "int":
            df[c] = df[c].astype("Int64") if df[c].isna().any() else df[c].astype("int64")
    return df


def _read_csv(path, use_pandas, types=None):
    """A CSV file Flywheel wrote; an empty table when the file is absent."""
    if not os.path.exists(path):
        return _table([], [], use_pandas)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = reader.fieldnames or []
    return _table(columns, rows, use_pandas, types)


def _query(db, sql, use_pandas, types=None, args=()):
    cursor = db.execute(sql, args)
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, r)) for r in cursor.fetchall()]
    return _table(columns, rows, use_pandas, types)


def _tables(db):
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _columns(db, table):
    return [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]


def _manifest(db):
    return {k: v for k, v in db.execute("SELECT key, value FROM manifest")}


def _open(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _strategies(db, owner_table, use_pandas):
    """``strategy_config`` when the database has it, else the strategies (or cells) in order."""
    if "strategy_config" in _tables(db):
        return _query(db, "SELECT * FROM strategy_config ORDER BY rowid", use_pandas)
    return _query(db, f"SELECT name AS strategy FROM {owner_table} ORDER BY id", use_pandas)


def _shared(db, use_pandas):
    traffic = _query(db, "SELECT replicate, tick, events, bayes_accuracy FROM traffic ORDER BY replicate, tick",
                     use_pandas, {"events": "float", "bayes_accuracy": "float"})
    drifts = _query(db, "SELECT * FROM drift ORDER BY id", use_pandas,
                    {"start": "float", "end": "float", "peak": "float", "change_point": "float"})
    return traffic, drifts


def load_run(directory, pandas=None):
    """The results of ``flywheel run`` in ``directory``, as a :class:`Results`.

    - ``metrics``: one row per strategy, replicate, tick and metric (``strategy``, ``replicate``,
      ``tick``, ``time``, ``metric``, ``value``); ``time`` is the tick's start where the ticks have
      real times (a replayed file grouped by a span of its timestamps) and missing for a synthetic
      clock (from the CSV fallback: the ``time`` column of ``metrics.csv`` as written);
    - ``summary``: one row per strategy, the columns of ``summary.csv`` (means over replicates and
      95 % half-widths, as floats; ``replicates`` an integer);
    - ``comparisons``: ``comparisons.csv`` (paired differences with their intervals);
    - ``events``: every trigger firing, training, gate verdict and deployment (``strategy``,
      ``replicate``, ``seq``, ``tick``, ``kind``, ``model_version``, ``samples``, ``detail``);
    - ``strategies``: the ``strategy_config`` table (strategy, role, component, parameters) when
      the database holds one, else the strategy names in scenario order;
    - ``traffic``, ``drifts``: events per tick and the drift ground truth.

    ``pandas``: None (DataFrames when pandas can be imported), True or False (lists of dicts).
    Raises ``FileNotFoundError`` when the folder holds neither ``run.sqlite`` nor ``summary.csv``.
    """
    use_pandas = _want_pandas(pandas)
    database = os.path.join(directory, "run.sqlite")
    comparisons = _read_csv(os.path.join(directory, "comparisons.csv"), use_pandas,
                            {"mean_difference": "float", "low": "float", "high": "float"})
    if not os.path.exists(database):
        if not os.path.exists(os.path.join(directory, "summary.csv")):
            raise FileNotFoundError(f"{directory} holds neither run.sqlite nor summary.csv: "
                                    "give a folder written by `flywheel run`")
        return Results(
            source="csv", manifest={},
            metrics=_read_csv(os.path.join(directory, "metrics.csv"), use_pandas, {"value": "float"}),
            summary=_read_csv(os.path.join(directory, "summary.csv"), use_pandas),
            comparisons=comparisons,
            events=_table(["strategy", "replicate", "seq", "tick", "kind", "model_version", "samples", "detail"],
                          [], use_pandas),
            strategies=_table(["strategy"], [], use_pandas),
            traffic=_read_csv(os.path.join(directory, "traffic.csv"), use_pandas,
                              {"events": "float", "bayes_accuracy": "float"}),
            drifts=_read_csv(os.path.join(directory, "drifts.csv"), use_pandas))
    db = _open(database)
    try:
        has_time = "time" in _columns(db, "metric")
        metrics = _query(db, f"""
            SELECT s.name AS strategy, m.replicate, m.tick, {"m.time" if has_time else "NULL"} AS time,
                   m.name AS metric, m.value
            FROM metric m JOIN strategy s ON s.id = m.strategy_id
            ORDER BY m.strategy_id, m.replicate, m.tick, m.rowid""", use_pandas, {"value": "float"})
        if "summary" in _tables(db):
            summary = _query(db, "SELECT * FROM summary ORDER BY rowid", use_pandas)
        else:
            summary = _read_csv(os.path.join(directory, "summary.csv"), use_pandas)
        events = _query(db, """
            SELECT s.name AS strategy, e.replicate, e.seq, e.tick, e.kind, e.model_version, e.samples, e.detail
            FROM event e JOIN strategy s ON s.id = e.strategy_id
            ORDER BY e.strategy_id, e.replicate, e.seq""", use_pandas, {"kind": "category"})
        traffic, drifts = _shared(db, use_pandas)
        return Results(source="sqlite", manifest=_manifest(db), metrics=metrics, summary=summary,
                       comparisons=comparisons, events=events, strategies=_strategies(db, "strategy", use_pandas),
                       traffic=traffic, drifts=drifts)
    finally:
        db.close()


def _blob_rows(db, ticks):
    """The per-tick rows of a sweep database written before its series were rows (blobs of
    little-endian doubles, series after series)."""
    rows = []
    for cell, replicate, names, blob in db.execute(
            "SELECT c.name, r.replicate, r.series_names, r.series FROM run r JOIN cell c ON c.id = r.cell_id "
            "ORDER BY r.cell_id, r.replicate"):
        values = struct.unpack(f"<{len(blob) // 8}d", blob)
        names = names.split(",") if names else []
        for t in range(ticks):
            for i, name in enumerate(names):
                k = i * ticks + t
                if k < len(values) and values[k] == values[k]:  # NaN is no row
                    rows.append({"cell": cell, "replicate": replicate, "tick": t, "time": None,
                                 "metric": name, "value": values[k]})
    return rows


def load_sweep(directory, pandas=None):
    """The results of ``flywheel sweep`` in ``directory``, as a :class:`Results`.

    - ``cells``: every strategy of the sweep in order (``id``, ``name``, and for each swept key
      path its value as written, e.g. ``trigger_every`` = ``"7d"``, and ``trigger_every_value``
      in base units: seconds for a duration; missing for fixed comparators);
    - ``metrics``: one row per cell, replicate, tick and metric (``cell``, ``replicate``, ``tick``,
      ``time``, ``metric``, ``value``);
    - ``runs``: one row per cell and replicate (mean metric, errors, retrains, costs…);
    - ``summary``: ``sweep-summary.csv`` (one row per strategy, ranked);
    - ``comparisons``, ``events``, ``strategies``, ``traffic``, ``drifts``: as in :func:`load_run`.

    Without ``sweep.sqlite`` the tables come from ``sweep-summary.csv`` (``cells``, from its
    rows in sweep order), ``comparisons.csv`` and ``cells/*.csv``. ``pandas``: as in :func:`load_run`.
    """
    use_pandas = _want_pandas(pandas)
    database = os.path.join(directory, "sweep.sqlite")
    summary = _read_csv(os.path.join(directory, "sweep-summary.csv"), use_pandas)
    comparisons = _read_csv(os.path.join(directory, "comparisons.csv"), use_pandas,
                            {"mean_difference": "float", "low": "float", "high": "float"})
    if not os.path.exists(database):
        if not os.path.exists(os.path.join(directory, "sweep-summary.csv")):
            raise FileNotFoundError(f"{directory} holds neither sweep.sqlite nor sweep-summary.csv: "
                                    "give a folder written by `flywheel sweep`")
        rows, columns = [], ["cell", "replicate", "tick", "time", "metric", "value"]
        folder = os.path.join(directory, "cells")
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            with open(os.path.join(folder, name), newline="", encoding="utf-8") as f:
                for r in csv.DictReader(f):
                    rows.append({"cell": r["strategy"], "replicate": r["replicate"], "tick": r["tick"],
                                 "time": r["time"], "metric": r["metric"], "value": r["value"]})
        with open(os.path.join(directory, "sweep-summary.csv"), newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            listed = list(reader)
            keys = [k for k in reader.fieldnames or [] if "." in k]
        used = {"id", "name"}
        grid = [(k, _grid_column(k, used)) for k in keys]
        cell_columns = ["id", "name"] + [c for _, g in grid for c in (g, g + "_value")]
        cell_rows = []
        for i, r in enumerate(listed):
            row = {"id": i, "name": r["strategy"]}
            for k, g in grid:
                row[g] = r[k] or None
                row[g + "_value"] = base_value(r[k] or None)
            cell_rows.append(row)
        cell_types = {c: ("float" if c.endswith("_value") else "text") for c in cell_columns[2:]}
        return Results(source="csv", manifest={}, cells=_table(cell_columns, cell_rows, use_pandas, cell_types),
                       metrics=_table(columns, rows, use_pandas, {"value": "float"}),
                       runs=_table([], [], use_pandas), summary=summary, comparisons=comparisons,
                       events=_table([], [], use_pandas), strategies=_table([], [], use_pandas),
                       traffic=_table([], [], use_pandas), drifts=_table([], [], use_pandas))
    db = _open(database)
    try:
        manifest = _manifest(db)
        cells = _query(db, "SELECT * FROM cell ORDER BY id", use_pandas,
                       {c: "text" for c in _columns(db, "cell") if c not in ("id", "name")
                        and not c.endswith("_value")}
                       | {c: "float" for c in _columns(db, "cell") if c.endswith("_value")})
        if "series" in _columns(db, "run"):
            rows = _blob_rows(db, int(manifest.get("ticks", "0")))
            metrics = _table(["cell", "replicate", "tick", "time", "metric", "value"], rows, use_pandas,
                             {"value": "float"})
        else:
            metrics = _query(db, """
                SELECT c.name AS cell, m.replicate, m.tick, m.time, m.name AS metric, m.value
                FROM metric m JOIN cell c ON c.id = m.cell_id
                ORDER BY m.cell_id, m.replicate, m.tick, m.rowid""", use_pandas, {"value": "float"})
        keep = [c for c in _columns(db, "run") if c != "series"]
        runs = _query(db, f"""
            SELECT c.name AS cell, {", ".join("r." + c for c in keep if c != "cell_id")}
            FROM run r JOIN cell c ON c.id = r.cell_id ORDER BY r.cell_id, r.replicate""", use_pandas)
        events = _query(db, """
            SELECT c.name AS cell, e.replicate, e.seq, e.tick, e.kind, e.model_version, e.samples, e.detail
            FROM event e JOIN cell c ON c.id = e.cell_id
            ORDER BY e.cell_id, e.replicate, e.seq""", use_pandas, {"kind": "category"})
        traffic, drifts = _shared(db, use_pandas)
        return Results(source="sqlite", manifest=manifest, cells=cells, metrics=metrics, runs=runs,
                       summary=summary, comparisons=comparisons, events=events,
                       strategies=_strategies(db, "cell", use_pandas), traffic=traffic, drifts=drifts)
    finally:
        db.close()
