"""Reference isotonic calibration for Flywheel's CBPE: scikit-learn's
IsotonicRegression(out_of_bounds="clip") on fixed scores. Writes
Tests/AnalysisTests/Oracles/isotonic.json.

    python3 -m venv .venv-oracles && .venv-oracles/bin/pip install scikit-learn numpy
    .venv-oracles/bin/python scripts/oracles/isotonic_oracle.py
"""
import json, pathlib
import numpy as np
import sklearn
from sklearn.isotonic import IsotonicRegression

rng = np.random.default_rng(11)
cases = []
for name, n, ties in [("uniform-300", 300, False), ("ties-200", 200, True), ("small-12", 12, False)]:
    s = rng.uniform(size=n)
    if ties:
        s = np.round(s * 20) / 20
    y = (rng.uniform(size=n) < s ** 2).astype(float)
    ir = IsotonicRegression(out_of_bounds="clip").fit(s, y)
    grid = np.concatenate([[-0.1, 0.0, 1.0, 1.2], np.linspace(0, 1, 57), s[:20]])
    cases.append({"name": name, "scores": s.tolist(), "outcomes": y.tolist(), "grid": grid.tolist(),
                  "calibrated": ir.predict(grid).tolist()})
out = {"what": "isotonic calibration, clipped out of bounds, linear between fitted points",
       "computed_with": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}", "cases": cases}
path = pathlib.Path(__file__).resolve().parents[2] / "Tests/AnalysisTests/Oracles/isotonic.json"
path.write_text(json.dumps(out))
print("wrote", path)
