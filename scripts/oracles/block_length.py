"""Reference block lengths for Flywheel's block bootstrap: Politis & White (2004, corrected 2009)
as the `arch` package computes them. Writes Tests/AnalysisTests/Oracles/block_length.json.

    python3 -m venv .venv-oracles && .venv-oracles/bin/pip install arch==8.0.0 numpy
    .venv-oracles/bin/python scripts/oracles/block_length.py
"""
import json, pathlib
import numpy as np
import arch
from arch.bootstrap import optimal_block_length

def ar1(n, phi, seed):
    rng = np.random.default_rng(seed)
    e = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = e[0]
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x

cases = []
for name, x in [
    ("white-noise-300", np.random.default_rng(1).standard_normal(300)),
    ("ar1-0.5-500", ar1(500, 0.5, 2)),
    ("ar1-0.9-1000", ar1(1000, 0.9, 3)),
    ("ar1-0.3-120", ar1(120, 0.3, 4)),
    ("seasonal-365", np.sin(np.arange(365) * 2 * np.pi / 7) + 0.5 * np.random.default_rng(5).standard_normal(365)),
]:
    b = optimal_block_length(x)
    cases.append({"name": name, "x": [float(v) for v in x],
                  "circular": float(b["circular"].iloc[0]), "stationary": float(b["stationary"].iloc[0])})

out = {"what": "optimal block length of the circular block bootstrap (Politis & White 2004; Patton, Politis & White 2009)",
       "computed_with": f"arch {arch.__version__}, numpy {np.__version__}", "cases": cases}
path = pathlib.Path(__file__).resolve().parents[2] / "Tests/AnalysisTests/Oracles/block_length.json"
path.write_text(json.dumps(out, indent=1))
print({c["name"]: round(c["circular"], 4) for c in cases})
