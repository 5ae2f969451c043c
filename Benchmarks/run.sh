#!/usr/bin/env bash
# Runs the peer workloads (River, NumPy, optionally MOA) and Flywheel's, in turn, in one run,
# and prints a table: workload, peer throughput, Flywheel throughput, ratio. See README.md.
#
#   Benchmarks/run.sh                 # everything (River's naive Bayes alone takes ~2 minutes)
#   QUICK=1 Benchmarks/run.sh         # River/MOA on 100k samples instead of 1M (throughput only)
#   SKIP_PEERS=1 Benchmarks/run.sh    # Flywheel only (reuses the peer results of the last run)
#
# Environment: PEERS (folder of the peer scripts, default /work/shared/bench/peers),
# ORACLE (b4 oracle JSON), REPS (Flywheel repetitions, default 5), THREADS (default: all cores),
# NICE (prefix for every command, default "nice"), GEN_N (samples per generator for River's
# generators, default 200,000; Flywheel generates 1M per generator).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PEERS="${PEERS:-/work/shared/bench/peers}"
ORACLE="${ORACLE:-$(cd "$PEERS/../.." 2>/dev/null && pwd)/oracles/b4_periodic_retrain.json}"
REPS="${REPS:-5}"
THREADS="${THREADS:-$(nproc)}"
NICE="${NICE:-nice}"
N=1000000
GEN_N="${GEN_N:-200000}"
[ "${QUICK:-0}" = 1 ] && N=100000 && GEN_N=50000
OUT="$HERE/last-run"
DATA="$OUT/data"
mkdir -p "$OUT" "$DATA"
log() { printf '== %s\n' "$*" >&2; }

# 1. Peers' environments.
PY="$HERE/.venv-peers/bin/python"
if [ ! -x "$PY" ] || ! "$PY" -c 'import river, numpy, scipy' 2>/dev/null; then
    log "setting up $HERE/.venv-peers (river 0.26.1, numpy, scipy)"
    python3 -m venv "$HERE/.venv-peers"
    "$HERE/.venv-peers/bin/pip" install -q river==0.26.1 numpy scipy
fi
MOA_PY="$HERE/.venv-moa/bin/python"
HAVE_MOA=0
if [ -x "$MOA_PY" ] && "$MOA_PY" -c 'import capymoa' 2>/dev/null; then
    HAVE_MOA=1
elif [ ! -e "$HERE/.venv-moa/.failed" ]; then
    log "trying capymoa 0.15.1 in $HERE/.venv-moa (optional)"
    if python3 -m venv "$HERE/.venv-moa" && "$HERE/.venv-moa/bin/pip" install -q capymoa==0.15.1 \
        && "$MOA_PY" -c 'import capymoa' 2>/dev/null; then
        HAVE_MOA=1
    else
        touch "$HERE/.venv-moa/.failed"
    fi
fi
[ "$HAVE_MOA" = 1 ] || log "MOA (capymoa) is not available here: its rows are skipped"

# 2. Flywheel's side, release build.
log "building flywheel-bench (release)"
(cd "$HERE" && $NICE swift build -c release --product flywheel-bench >&2)
BENCH="$(cd "$HERE" && swift build -c release --show-bin-path)/flywheel-bench"

# 3. Shared inputs: NumPy's ADWIN bits (b3's definition) and b4's data (the peer script's dump).
if [ ! -s "$DATA/adwin_bits_10M.u8" ]; then
    log "dumping b3's bits (NumPy default_rng(7))"
    "$PY" - "$DATA/adwin_bits_10M.u8" <<'EOF'
import sys, numpy as np
N = 10_000_000
u = np.random.default_rng(7).random(N)
p = np.where(np.arange(N) < N // 2, 0.2, 0.4)
(u < p).astype(np.uint8).tofile(sys.argv[1])
EOF
fi

# The peers' prequential stream as rows (River's own draws), for the Hoeffding tree on the same rows.
if [ ! -s "$DATA/sea_prequential_$N.csv" ]; then
    log "writing the peers' SEA stream ($N rows, River's draws)"
    "$PY" "$HERE/peer_river_sea_csv.py" "$N" "$DATA/sea_prequential_$N.csv" "$PEERS"
fi

# Elec2 repeated N times, the timestamps continued every 30 minutes (x10 for the replay rows;
# x1, x10 and x100 for the whole-run memory rows).
elec2x() {  # copies
    local out="$DATA/elec2x$1.csv"
    [ -s "$out" ] && return
    log "writing Elec2 x$1 ($((45312 * $1)) rows, timestamps continued every 30 minutes)"
    "$PY" - "${ELEC2:-$(cd "$PEERS/../.." 2>/dev/null && pwd)/datasets/elec2.csv}" "$out" "$1" <<'EOF'
import os, sys, datetime
lines = open(sys.argv[1]).read().splitlines()
t0 = datetime.datetime(1996, 5, 7)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(lines[0] + "\n")
    k = 0
    for copy in range(int(sys.argv[3])):
        for r in lines[1:]:
            f.write((t0 + datetime.timedelta(minutes=30 * k)).strftime("%Y-%m-%dT%H:%M") + "," + r.split(",", 1)[1] + "\n")
            k += 1
os.replace(sys.argv[2] + ".tmp", sys.argv[2])
EOF
}
elec2x 1
elec2x 10
[ "${QUICK:-0}" = 1 ] || elec2x 100

if [ ! -s "$DATA/elec2x10.sqlite" ]; then
    log "copying Elec2 x10 into SQLite (table elec2x10: timestamp and class TEXT, day INTEGER, the rest REAL)"
    "$PY" - "$DATA/elec2x10.csv" "$DATA/elec2x10.sqlite" <<'EOF'
import sys, csv, sqlite3
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE elec2x10 (timestamp_reconstructed TEXT, date REAL, day INTEGER, period REAL, nswprice REAL,"
           " nswdemand REAL, vicprice REAL, vicdemand REAL, transfer REAL, class TEXT)")
rows = csv.reader(open(sys.argv[1]))
next(rows)
db.executemany("INSERT INTO elec2x10 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               ([r[0], float(r[1]), int(r[2])] + [float(v) for v in r[3:9]] + [r[9]] for r in rows))
db.commit()
EOF
fi

# 4. Peers, one after the other.
if [ "${SKIP_PEERS:-0}" != 1 ]; then
    : > "$OUT/peers.jsonl"
    peer() {  # name, command...
        local name="$1"; shift
        log "peer: $name"
        local line
        line="$(cd "$PEERS" && $NICE "$@" | tail -n 1)"
        "$PY" -c 'import json,sys; d=json.loads(sys.argv[2]); d["peer"]=sys.argv[1]; print(json.dumps(d))' "$name" "$line" >> "$OUT/peers.jsonl"
    }
    peer river-stream "$PY" b0_river_stream_only.py "$N"
    peer river-logreg "$PY" b_river_prequential.py logreg "$N"
    peer river-gnb "$PY" b_river_prequential.py gnb "$N"
    peer river-hoeffding "$PY" b_river_prequential.py hoeffding "$N"
    peer river-adwin "$PY" b3_adwin.py 10000000
    peer numpy-b4 "$PY" b4_periodic_retrain.py --dump-csv "$DATA/b4.csv.gz"
    peer river-iter-csv "$PY" "$HERE/peer_river_iter_csv.py" "$DATA/elec2x10.csv"
    peer river-generators "$PY" "$HERE/peer_river_generators.py" "$GEN_N"
    if [ "$HAVE_MOA" = 1 ]; then
        peer moa-nb "$MOA_PY" b_capymoa_prequential.py nb "$N"
        peer moa-ht "$MOA_PY" b_capymoa_prequential.py ht "$N"
    fi
fi
if [ ! -s "$DATA/b4.csv" ]; then
    [ -s "$DATA/b4.csv.gz" ] || (cd "$PEERS" && "$PY" b4_periodic_retrain.py --dump-csv "$DATA/b4.csv.gz" > /dev/null)
    gzip -dc "$DATA/b4.csv.gz" > "$DATA/b4.csv"
fi

# 5. Flywheel.
log "flywheel-bench (median of $REPS)"
ORACLE_ARGS=()
[ -f "$ORACLE" ] && ORACLE_ARGS=(--b4-oracle "$ORACLE")
$NICE "$BENCH" --reps "$REPS" --threads "$THREADS" --adwin-bits "$DATA/adwin_bits_10M.u8" \
    --b4-csv "$DATA/b4.csv" "${ORACLE_ARGS[@]}" --hoeffding-csv "$DATA/sea_prequential_$N.csv" --replay-csv "$DATA/elec2x10.csv" --replay-sqlite "$DATA/elec2x10.sqlite" | tee "$OUT/flywheel.jsonl" >&2
# Whole runs on replayed files of growing size, one process each (peak memory is per process).
for copies in 1 10 100; do
    [ -s "$DATA/elec2x$copies.csv" ] || continue
    $NICE "$BENCH" --threads "$THREADS" --replay-run "$DATA/elec2x$copies.csv" | tee -a "$OUT/flywheel.jsonl" >&2
done

# 6. The table.
"$PY" "$HERE/table.py" "$OUT/peers.jsonl" "$OUT/flywheel.jsonl" | tee "$OUT/table.md"
