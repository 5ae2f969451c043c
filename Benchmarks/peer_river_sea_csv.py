"""Writes the rows of the peers' prequential stream (b_river_prequential.py) as CSV, so that
flywheel-bench --hoeffding-csv runs Flywheel's Hoeffding tree on River's very rows.

Usage: python peer_river_sea_csv.py N OUT.csv [PEERS_FOLDER]
Stream: SafeConceptDriftStream(SEA(variant=0, seed=42) -> SEA(variant=3, seed=43),
position=500000, width=1, seed=42), as the peer script; columns x0,x1,x2 (Python repr floats,
read back bit for bit) and y (1 for River's True).
"""
import os
import sys

from river.datasets import synth

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "..", "..", "shared", "bench", "peers"))
from safe_cds import SafeConceptDriftStream  # noqa: E402

n, path = int(sys.argv[1]), sys.argv[2]
stream = SafeConceptDriftStream(
    stream=synth.SEA(variant=0, seed=42),
    drift_stream=synth.SEA(variant=3, seed=43),
    position=500_000, width=1, seed=42,
)
with open(path, "w") as f:
    f.write("x0,x1,x2,y\n")
    for x, y in stream.take(n):
        f.write(f"{x[0]!r},{x[1]!r},{x[2]!r},{int(y)}\n")
