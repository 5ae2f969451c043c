"""Fidelity oracle for Flywheel's Hoeffding tree: River 0.26.1's HoeffdingTreeClassifier().

Usage (from the repository root):

    python3 -m venv .venv-ht && .venv-ht/bin/pip install river==0.26.1 numpy
    .venv-ht/bin/python Benchmarks/oracles/hoeffding_oracle.py Tests/LearnersTests/Oracles

Stream: the peers' prequential stream (shared/bench/peers/b_river_prequential.py) at 20,000 rows
instead of 1M: River's SEA(variant=0, seed=42) switching to SEA(variant=3, seed=43) at row 10,000
(width 1), by the concept-drift rule of the peers' safe_cds.py, copied below so that this script
stands alone. SEA because it is the stream of the prequential benchmark and of the quickstart and
has only numeric inputs (the ones Flywheel's tree splits on); the switch from threshold 8 to 9.5
makes the tree grow under an abrupt concept change.

Writes into the output folder (each CSV has River's prediction per row beside the row, so a test
can compare predictions, not only accuracies):
- hoeffding_sea.csv: x0,x1,x2,y,river_prediction (features as Python repr floats, so they read back
  bit for bit; y 1 for River's True, x0 + x1 > threshold; river_prediction empty where River had no
  prediction, i.e. before the first sample);
- hoeffding_sea.json: River's version, the parameters, the prequential accuracy overall and per
  1,000-row chunk (a missing prediction scores as an error, as River's Accuracy scores None), and
  the tree's size at the end (nodes, leaves, height) and after each chunk.

A second pair, hoeffding_rbf.csv / hoeffding_rbf.json, checks what SEA does not reach: more than two
classes (River's tie and summation orders) and missing inputs. River's RandomRBF(seed_model=7,
seed_sample=8, n_classes=4, n_features=5, n_centroids=20), 10,000 rows, each value removed from the
row's dictionary with probability 0.05 (random.Random(9)), which is how River sees a missing value;
the CSV writes it as an empty field (NaN for Flywheel).

Loop, as the peers': y_pred = model.predict_one(x); score; model.learn_one(x, y).
"""
import json
import math
import os
import random
import sys

import river
from river import tree
from river.datasets import synth


def _drift_probability(t, position, width):
    z = min(700.0, -4.0 * (t - position) / width)
    return 1.0 / (1.0 + math.exp(z))


class SafeConceptDriftStream(synth.ConceptDriftStream):
    """River's ConceptDriftStream with the exponent clamped (shared/bench/peers/safe_cds.py)."""

    def __iter__(self):
        draw = random.Random(self.seed).random
        old, new = iter(self.stream), iter(self.drift_stream)
        t = 0
        while True:
            t += 1
            source = new if draw() <= _drift_probability(t, self.position, self.width) else old
            try:
                yield next(source)
            except StopIteration:
                return


def prequential(rows, chunk):
    """River's HoeffdingTreeClassifier() test-then-train over rows of (values, label); None is missing."""
    model = tree.HoeffdingTreeClassifier()
    predictions, correct, sizes = [], [], []
    for i, (values, y) in enumerate(rows):
        x = {f"x{j}": v for j, v in enumerate(values) if v is not None}
        y_pred = model.predict_one(x)
        predictions.append(y_pred)
        correct.append(y_pred is not None and y_pred == y)
        model.learn_one(x, y)
        if (i + 1) % chunk == 0:
            sizes.append({"rows": i + 1, "nodes": model.n_nodes, "leaves": model.n_leaves,
                          "height": model.height})
    return model, predictions, correct, sizes


def write(out, name, rows, stream, chunk):
    model, predictions, correct, sizes = prequential(rows, chunk)
    n, dimension = len(rows), len(rows[0][0])
    with open(os.path.join(out, f"hoeffding_{name}.csv"), "w") as f:
        f.write(",".join(f"x{j}" for j in range(dimension)) + ",y,river_prediction\n")
        for (values, y), p in zip(rows, predictions):
            cells = ["" if v is None else repr(v) for v in values]
            f.write(",".join(cells) + f",{y},{'' if p is None else int(p)}\n")
    params = {k: v for k, v in model._get_params().items() if not isinstance(v, (dict, list))}
    params["splitter"] = f"GaussianSplitter(n_splits={model.splitter.n_splits})"
    report = {
        "river_version": river.__version__,
        "model": "tree.HoeffdingTreeClassifier()",
        "parameters": {k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v))
                       for k, v in sorted(params.items())},
        "stream": stream,
        "rows": n,
        "missing_values": sum(v is None for values, _ in rows for v in values),
        "accuracy": sum(correct) / n,
        "chunk_rows": chunk,
        "chunk_accuracy": [sum(correct[s:s + chunk]) / chunk for s in range(0, n, chunk)],
        "tree": {"nodes": model.n_nodes, "leaves": model.n_leaves, "branches": model.n_branches,
                 "height": model.height},
        "tree_after_chunk": sizes,
    }
    with open(os.path.join(out, f"hoeffding_{name}.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print(name, json.dumps({k: report[k] for k in ("river_version", "accuracy", "tree")}))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)

    n, position = 20_000, 10_000
    sea = SafeConceptDriftStream(
        stream=synth.SEA(variant=0, seed=42),
        drift_stream=synth.SEA(variant=3, seed=43),
        position=position, width=1, seed=42,
    )
    rows = [([float(x[0]), float(x[1]), float(x[2])], int(y)) for x, y in sea.take(n)]
    write(out, "sea", rows,
          ("SafeConceptDriftStream(SEA(variant=0, seed=42) -> SEA(variant=3, seed=43), "
           f"position={position}, width=1, seed=42), first {n} rows"), 1_000)

    rbf = synth.RandomRBF(seed_model=7, seed_sample=8, n_classes=4, n_features=5, n_centroids=20)
    holes = random.Random(9)
    rows = []
    for x, y in rbf.take(10_000):
        values = [float(x[j]) for j in range(5)]
        rows.append(([None if holes.random() < 0.05 else v for v in values], int(y)))
    write(out, "rbf", rows,
          ("RandomRBF(seed_model=7, seed_sample=8, n_classes=4, n_features=5, n_centroids=20), first "
           "10000 rows, each value missing with probability 0.05 (random.Random(9))"), 1_000)


if __name__ == "__main__":
    main()
