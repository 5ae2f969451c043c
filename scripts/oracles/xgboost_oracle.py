"""Reference predictions for Flywheel's XGBoost family: the same rows, parameters and seed through
XGBoost's Python package (1.7.4, the version of Debian's libxgboost-dev). Writes
Tests/LearnersTests/Oracles/xgboost.json.

    python3 -m venv .venv-oracles && .venv-oracles/bin/pip install xgboost==1.7.4 numpy
    .venv-oracles/bin/python scripts/oracles/xgboost_oracle.py
"""
import json, pathlib
import numpy as np
import xgboost as xgb

rng = np.random.default_rng(2026)
n, d = 400, 4
X = rng.uniform(0, 10, size=(n, d))
X[rng.uniform(size=n) < 0.1, 2] = np.nan           # 10 % missing in x2
Xt = rng.uniform(0, 10, size=(100, d))
Xt[rng.uniform(size=100) < 0.1, 2] = np.nan
x2 = np.nan_to_num(X[:, 2], nan=5.0)
y_bin = ((X[:, 0] + X[:, 1] <= 8) ^ (rng.uniform(size=n) < 0.1)).astype(float)
y_multi = np.minimum((X[:, 0] + x2) // 7, 2).astype(float)
y_reg = 10 * np.sin(X[:, 0]) + X[:, 1] ** 2 / 5 + rng.normal(0, 1, n)

def params(objective, classes=None, seed=17):
    p = {"nthread": 1, "tree_method": "hist", "seed": seed, "max_depth": 3, "eta": 0.3, "subsample": 1.0,
         "colsample_bytree": 1.0, "min_child_weight": 1.0, "lambda": 1.0, "alpha": 0.0, "gamma": 0.0,
         "max_bin": 256, "verbosity": 0, "objective": objective}
    if classes: p["num_class"] = classes
    return p

cases = []
for name, y, p in [("binary", y_bin, params("binary:logistic")),
                   ("multiclass", y_multi, params("multi:softprob", 3)),
                   ("regression", y_reg, params("reg:squarederror"))]:
    dtrain = xgb.DMatrix(X, label=y, missing=np.nan, nthread=1)
    booster = xgb.train(p, dtrain, num_boost_round=20)
    pred = booster.inplace_predict(Xt, missing=np.nan)
    # Warm start: 10 more rounds on the second half of the rows.
    dwarm = xgb.DMatrix(X[200:], label=y[200:], missing=np.nan, nthread=1)
    warm = xgb.train(p, dwarm, num_boost_round=10, xgb_model=booster)
    pred_warm = warm.inplace_predict(Xt, missing=np.nan)
    cases.append({"name": name, "predictions": np.asarray(pred, dtype=float).ravel().tolist(),
                  "warm_predictions": np.asarray(pred_warm, dtype=float).ravel().tolist()})

nan_list = lambda a: [None if np.isnan(v) else float(v) for v in a.ravel()]
out = {"what": "XGBoost predictions (hist, nthread 1, seed 17, depth 3, eta 0.3, 20 rounds; warm start: 10 more rounds on rows 200..399)",
       "computed_with": f"xgboost {xgb.__version__}, numpy {np.__version__}",
       "dimension": d, "train": nan_list(X), "test": nan_list(Xt),
       "labels": {"binary": y_bin.tolist(), "multiclass": y_multi.tolist(), "regression": y_reg.tolist()},
       "cases": cases}
path = pathlib.Path(__file__).resolve().parents[2] / "Tests/LearnersTests/Oracles/xgboost.json"
path.write_text(json.dumps(out))
print("wrote", path, {c["name"]: c["predictions"][:3] for c in cases})
