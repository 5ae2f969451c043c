"""Checks flywheel_results against the files Flywheel wrote, read independently here.

Usage: python3 test_flywheel_results.py RUN_FOLDER [SWEEP_FOLDER]

For a run: the summary loaded from run.sqlite (and from summary.csv alone, the database hidden)
equals summary.csv read with the csv module, value by value; the metrics equal metrics.csv row
by row; the events are the database's; times are parsed, or missing for a synthetic clock. For a
sweep: each cell's swept values equal sweep-summary.csv's, and the cost per cell summed from the
per-tick rows equals its total_cost. Every check runs on lists of dicts, and also on DataFrames
when pandas can be imported. Prints one line per check and exits non-zero on the first failure.
"""

import csv
import datetime
import math
import os
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flywheel_results as fr  # noqa: E402


def rows_of(table):
    """A loaded table as a list of dicts, whichever form it came in (NaN and NaT as None)."""
    if isinstance(table, list):
        return table
    out = []
    for r in table.to_dict("records"):
        out.append({k: (None if v is None or (not isinstance(v, str) and fr._pd.isna(v)) else v)
                    for k, v in r.items()})
    return out


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def same(a, b, what):
    if a != b:
        raise AssertionError(f"{what}: {a!r} != {b!r}")


def number(text):
    return None if text == "" else float(text)


def check_summary(loaded, csv_rows, what):
    rows = rows_of(loaded)
    same(len(rows), len(csv_rows), f"{what}: summary rows")
    for got, want in zip(rows, csv_rows):
        same(list(got.keys()), list(want.keys()), f"{what}: summary columns")
        same(str(got["strategy"]), want["strategy"], f"{what}: strategy")
        same(got["replicates"], int(want["replicates"]), f"{what}: replicates of {want['strategy']}")
        assert isinstance(got["replicates"], int), f"{what}: replicates is not an integer"
        for k in list(want.keys())[2:]:
            v = got[k]
            expected = number(want[k])
            if expected is None:
                assert v is None, f"{what}: {want['strategy']}.{k} is {v!r}, summary.csv leaves it empty"
            else:
                assert isinstance(v, float), f"{what}: {want['strategy']}.{k} is not a float: {v!r}"
                same(v, expected, f"{what}: {want['strategy']}.{k}")


def check_run(folder, use_pandas):
    tag = "pandas" if use_pandas else "dicts"
    run = fr.load_run(folder, pandas=use_pandas)
    same(run.source, "sqlite", f"run/{tag}: source")
    summary_csv = read_csv(os.path.join(folder, "summary.csv"))
    check_summary(run.summary, summary_csv, f"run/{tag}")
    print(f"ok run/{tag}: summary from run.sqlite equals summary.csv ({len(summary_csv)} strategies)")

    metrics_csv = read_csv(os.path.join(folder, "metrics.csv"))
    metrics = rows_of(run.metrics)
    same(len(metrics), len(metrics_csv), f"run/{tag}: metric rows")
    key = lambda r: (str(r["strategy"]), int(r["replicate"]), int(r["tick"]), str(r["metric"]))  # noqa: E731
    loaded = {key(r): r for r in metrics}
    synthetic = run.manifest.get("tick_basis") != "file_time"
    for r in metrics_csv:
        got = loaded[key(r)]
        same(got["value"], float(r["value"]), f"run/{tag}: value {key(r)}")
        if synthetic:
            assert got["time"] is None, f"run/{tag}: a synthetic clock's tick has a time: {got['time']!r}"
        else:
            same(got["time"], fr.parse_time(r["time"]), f"run/{tag}: time {key(r)}")
    print(f"ok run/{tag}: {len(metrics)} metric rows equal metrics.csv"
          + (" (synthetic clock: no times)" if synthetic else " (times parsed)"))

    db = sqlite3.connect(os.path.join(folder, "run.sqlite"))
    events = db.execute("SELECT count(*) FROM event").fetchone()[0]
    names = [n for (n,) in db.execute("SELECT name FROM strategy ORDER BY id")]
    db.close()
    same(len(rows_of(run.events)), events, f"run/{tag}: events")
    assert events > 0, f"run/{tag}: the run has no events to check"
    assert {str(r["strategy"]) for r in rows_of(run.events)} <= set(names), f"run/{tag}: event owners"
    table = rows_of(run.strategies)
    if table and "role" in table[0]:  # strategy_config: several rows per strategy
        same(list(dict.fromkeys(str(r["strategy"]) for r in table)), names, f"run/{tag}: strategy_config")
    else:
        same([str(r["strategy"]) for r in table], names, f"run/{tag}: strategy table")
    same([str(r["strategy"]) for r in rows_of(run.summary)], names, f"run/{tag}: summary order")
    if use_pandas:
        assert str(run.metrics["strategy"].dtype) == "category", "strategy is not categorical"
        assert list(run.metrics["strategy"].cat.categories) == names, "categories not in scenario order"
    print(f"ok run/{tag}: {events} events, strategies {names}")

    # The CSV fallback: the same folder without its database.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "run")
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("run.sqlite*"))
        fallback = fr.load_run(copy, pandas=use_pandas)
        same(fallback.source, "csv", f"run/{tag}: fallback source")
        check_summary(fallback.summary, summary_csv, f"run/{tag}/csv")
        rows = rows_of(fallback.metrics)
        same(len(rows), len(metrics_csv), f"run/{tag}/csv: metric rows")
        first = rows[0]
        assert isinstance(first["time"], datetime.datetime), f"run/{tag}/csv: time not parsed: {first['time']!r}"
        same(first["time"], fr.parse_time(metrics_csv[0]["time"]), f"run/{tag}/csv: first time")
    print(f"ok run/{tag}: the CSV fallback reads the same summary and metrics")


def check_sweep(folder, use_pandas):
    tag = "pandas" if use_pandas else "dicts"
    sweep = fr.load_sweep(folder, pandas=use_pandas)
    same(sweep.source, "sqlite", f"sweep/{tag}: source")
    summary_csv = read_csv(os.path.join(folder, "sweep-summary.csv"))
    by_name = {r["strategy"]: r for r in summary_csv}
    keys = [k for k in summary_csv[0].keys() if "." in k]
    cells = rows_of(sweep.cells)
    same(len(cells), len(summary_csv), f"sweep/{tag}: cells")
    replicates = int(sweep.manifest["replicates"])
    cost = {}
    for r in rows_of(sweep.metrics):
        if str(r["metric"]) == "cost_total":
            cost[str(r["cell"])] = cost.get(str(r["cell"]), 0.0) + r["value"]
    for c in cells:
        want = by_name[str(c["name"])]
        for k in keys:
            column = k.replace(".", "_")
            same(c[column], want[k] or None, f"sweep/{tag}: {c['name']} {column}")
        total = cost.get(str(c["name"]), 0.0) / replicates
        expected = float(want["total_cost"])
        assert math.isclose(total, expected, rel_tol=1e-9, abs_tol=1e-9), \
            f"sweep/{tag}: {c['name']} cost {total} != sweep-summary.csv's {expected}"
    print(f"ok sweep/{tag}: {len(cells)} cells' swept values and costs per cell equal sweep-summary.csv")

    # The CSV fallback: the same cells, swept values in base units included, without the database.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "sweep")
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("sweep.sqlite*"))
        fallback = fr.load_sweep(copy, pandas=use_pandas)
        same(fallback.source, "csv", f"sweep/{tag}: fallback source")
        same(rows_of(fallback.cells), cells, f"sweep/{tag}/csv: cells")
        same(len(rows_of(fallback.metrics)), len(rows_of(sweep.metrics)), f"sweep/{tag}/csv: metric rows")
    print(f"ok sweep/{tag}: the CSV fallback reads the same cells and metrics")


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 64
    modes = [False] + ([True] if fr._pd is not None else [])
    if fr._pd is None:
        print("pandas is not installed: checking lists of dicts only")
    for use_pandas in modes:
        check_run(argv[1], use_pandas)
        if len(argv) > 2:
            check_sweep(argv[2], use_pandas)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
