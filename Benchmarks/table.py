"""Prints the side-by-side table of a benchmark run: run.sh's peers.jsonl and flywheel.jsonl."""
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone


def read(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip().startswith("{")]
    return rows


peers = {r["peer"]: r for r in read(sys.argv[1])}
fly = read(sys.argv[2])


def ours(workload, **match):
    for r in fly:
        if r.get("workload") == workload and all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def rate(v, unit):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:,.2f}M {unit}"
    if v >= 1e3:
        return f"{v / 1e3:,.1f}k {unit}"
    return f"{v:,.1f} {unit}"


def ratio(a, b):
    return f"{a / b:,.1f}×" if a and b else "—"


rows = []
cpu = ""
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except Exception:
    pass
print(f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({cpu}), "
      f"load average {os.getloadavg()[0]:.1f}, {platform.system()} {platform.release()}\n")
print("| workload | peer | peer throughput | Flywheel throughput | ratio | notes |")
print("|---|---|---|---|---|---|")


def row(name, peer, p_rate, f_rate, unit, notes):
    print(f"| {name} | {peer} | {rate(p_rate, unit)} | {rate(f_rate, unit)} | {ratio(f_rate, p_rate)} | {notes} |")


p, f = peers.get("river-stream"), ours("stream")
if f:
    row("SEA 0→3 stream alone", "River", p and p["samples_per_s"], f["per_s"], "samples/s", "generation only")

p, f = peers.get("river-logreg"), ours("logreg")
if f:
    acc = f"accuracy River {p['accuracy']:.4f}, Flywheel {f['accuracy']:.4f}" if p else f"accuracy {f['accuracy']:.4f}"
    row("prequential logistic regression", "River", p and p["loop_samples_per_s"], f["per_s"], "samples/s", acc)
f2 = ours("logreg-river-order")
if f2:
    row("… same, River's operation order", "River", p and p["loop_samples_per_s"], f2["per_s"], "samples/s",
        f"predict then learn: 2 dot products + 2 exp per sample, and the stream's drift sigmoid every sample; accuracy {f2['accuracy']:.4f}")

p, m, f = peers.get("river-gnb"), peers.get("moa-nb"), ours("gnb")
if f:
    acc = f"accuracy River {p['accuracy']:.4f}, Flywheel {f['accuracy']:.4f}" if p else f"accuracy {f['accuracy']:.4f}"
    row("prequential Gaussian naive Bayes", "River", p and p["loop_samples_per_s"], f["per_s"], "samples/s", acc)
    if m:
        row("prequential Gaussian naive Bayes", "MOA", m["loop_samples_per_s"], f["per_s"], "samples/s",
            f"MOA's Java loop; MOA accuracy {m['accuracy_pct'] / 100:.4f}")
    else:
        print("| prequential Gaussian naive Bayes | MOA | skipped | | | capymoa not installable here |")

p, m, f = peers.get("river-hoeffding"), peers.get("moa-ht"), ours("hoeffding")
if f:
    size = f"tree {f['nodes']} nodes, {f['leaves']} leaves, height {f['height']}"
    acc = f"accuracy River {p['accuracy']:.4f}, Flywheel {f['accuracy']:.4f}" if p else f"accuracy {f['accuracy']:.4f}"
    row("prequential Hoeffding tree", "River", p and p["loop_samples_per_s"], f["per_s"], "samples/s",
        f"{acc}; {size}")
    f3 = ours("hoeffding-river-rows")
    if f3:
        same = f"River {p['accuracy']:.6f}" if p else "River not run"
        row("… same, on River's own rows", "River", p and p["loop_samples_per_s"], f3["per_s"], "samples/s",
            f"the peer's stream dumped as CSV (peer_river_sea_csv.py); accuracy Flywheel {f3['accuracy']:.6f}, {same}; "
            f"tree {f3['nodes']} nodes, {f3['leaves']} leaves, height {f3['height']}")
    f2 = ours("hoeffding-river-order")
    if f2:
        row("… same, River's operation order", "River", p and p["loop_samples_per_s"], f2["per_s"], "samples/s",
            f"predict_one then learn_one: the leaf's naive Bayes twice per sample; accuracy {f2['accuracy']:.4f}")
    if m:
        row("prequential Hoeffding tree", "MOA", m["loop_samples_per_s"], f["per_s"], "samples/s",
            f"MOA's Java loop; MOA accuracy {m['accuracy_pct'] / 100:.4f}")
    else:
        print("| prequential Hoeffding tree | MOA | skipped | | | capymoa not installable here |")

p = peers.get("river-adwin")
for f in [r for r in fly if r.get("workload") == "adwin"]:
    same = f["bits"].startswith("numpy")
    det = ", ".join(f"{d:,}" for d in f["detections"])
    notes = f"Flywheel detections: {det}"
    if same and p:
        notes += f"; River: {', '.join(f'{d:,}' for d in p['detections'])} (same bits)"
    row(f"ADWIN δ=0.002, 10M bits ({'NumPy' if same else 'Flywheel RNG'})", "River",
        p and p["updates_per_s"] if same else None, f["per_s"], "updates/s", notes)

p = peers.get("numpy-b4")
for f in [r for r in fly if r.get("workload") == "b4"]:
    ps = p and p["n"] / p["backtest_seconds"]
    notes = f"{f['seconds']:.3f} s vs NumPy {p['backtest_seconds']:.3f} s" if p else f"{f['seconds']:.3f} s"
    if "oracle_chunks" in f:
        notes += (f"; oracle: {f['oracle_chunks_differing']} of {f['oracle_chunks']} chunk accuracies differ, "
                  f"max weight rel. diff {f['oracle_max_weight_rel_diff']:.1e}")
    how = "two-lane table exp" if f.get("exp", "").startswith("expPair") else "Foundation.exp"
    row(f"b4 periodic-retrain backtest, {how}, {f['threads']} thread(s)", "NumPy", ps, f["per_s"], "samples/s", notes)

p = peers.get("river-iter-csv")
for f in [r for r in fly if r.get("workload") == "replay"]:
    notes = f"{f['rows']:,} rows, {f['bytes'] / 1e6:.1f} MB, {f['ticks']:,} daily ticks, {f['mb_per_s']:.0f} MB/s"
    if f["first_pass"]:
        notes += "; classes learned in a first pass (file read twice)"
    if p and p["up"] != f["up"]:
        notes += f"; UP count differs: River {p['up']}, Flywheel {f['up']}"
    row(f"CSV replay, Elec2 ×10{' (first pass)' if f['first_pass'] else ''}", "River iter_csv",
        p and p["rows_per_s"], f["per_s"], "rows/s", notes)
csv_rate = {r["first_pass"]: r["per_s"] for r in fly if r.get("workload") == "replay"}
for f in [r for r in fly if r.get("workload") == "replay-sqlite"]:
    notes = f"{f['rows']:,} rows, {f['bytes'] / 1e6:.1f} MB database, {f['ticks']:,} daily ticks"
    if f["first_pass"] in csv_rate:
        notes += f"; {f['per_s'] / csv_rate[f['first_pass']]:.2f}× the CSV replay's rate"
    if f["first_pass"]:
        notes += "; classes learned in a first pass (table read twice)"
    row(f"SQLite replay, Elec2 ×10{' (first pass)' if f['first_pass'] else ''}", "—", None, f["per_s"], "rows/s", notes)

fl = ours("quickstart-floor")
if fl:
    row("quickstart floor (generate + predict once)", "—", None, fl["per_s"], "events/s", f"{fl['seconds']:.3f} s, {fl['events']:,} events")
for f in [r for r in fly if r.get("workload") == "quickstart"]:
    row(f"quickstart, all {f['strategies']} strategies, {f['threads']} thread(s)", "—", None, f["per_s"], "strategy-events/s",
        f"{f['seconds']:.3f} s wall, {f['cores_used']:.2f} cores busy; speed-up over 1 thread {f['speedup']:.2f}×")
for f in [r for r in fly if r.get("workload") == "quickstart-reversed"]:
    row(f"quickstart, strategies listed in reverse order, {f['threads']} threads", "—", None, f["per_s"], "strategy-events/s",
        f"{f['seconds']:.3f} s wall, {f['cores_used']:.2f} cores busy; speed-up over 1 thread {f['speedup']:.2f}×")
sc = ours("quickstart-schedule")
if sc:
    print(f"| quickstart schedule on {sc['workers']} workers (from 1-thread item costs) | — | | | | "
          f"items in index order (the runner before main's b71907b): speed-up bound {sc['runner_speedup_bound']:.2f}×; "
          f"longest-first (the runner since): {sc['longest_first_speedup_bound']:.2f}× |")
for f in [r for r in fly if r.get("workload") == "quickstart-strategy"]:
    row(f"quickstart, strategy {f['strategy']} alone, 1 thread", "—", None, f["per_s"], "events/s", f"{f['seconds']:.3f} s")

p = peers.get("river-generators")
pg = (p or {}).get("generators", {})
for f in [r for r in fly if r.get("workload") == "generator"]:
    name, q = f["generator"], pg.get(f["generator"])
    key = "share_class_1" if "share_class_1" in f else "mean_target"
    what = "share of class 1" if key == "share_class_1" else "mean target"
    streamed = f"; ticks read and dropped {rate(f['streamed_per_s'], 'events/s')}" if "streamed_per_s" in f else ""
    notes = f"{f['features']} features; bare draw loop {rate(f['draw_per_s'], 'events/s')}{streamed}; {what} {f[key]:.4f}"
    if q:
        notes += f" (River {q[key]:.4f}"
        if q["features"] != f["features"]:
            notes += f", {q['features']} features"
        notes += ")"
    row(f"generator {name}, defaults, batches of 1,000", "River" if q else "—", q and q["samples_per_s"], f["per_s"], "events/s", notes)
