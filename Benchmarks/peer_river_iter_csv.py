"""Peer for the replay workload: River's way to stream a CSV, `stream.iter_csv`, over the whole
file (timestamps parsed, seven numeric columns converted to float, the class as target).
Usage: python peer_river_iter_csv.py FILE.csv"""
import json, os, sys, time
from river import stream

path = sys.argv[1]
numeric = ["day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"]
t0 = time.perf_counter()
rows = up = 0
for x, y in stream.iter_csv(path, target="class", converters={c: float for c in numeric},
                            parse_dates={"timestamp_reconstructed": "%Y-%m-%dT%H:%M"}, drop=["date"]):
    rows += 1
    up += y == "UP"
t1 = time.perf_counter()
print(json.dumps({"rows": rows, "up": up, "bytes": os.path.getsize(path), "loop_seconds": t1 - t0,
                  "rows_per_s": rows / (t1 - t0)}))
