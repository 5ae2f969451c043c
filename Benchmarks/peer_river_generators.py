"""Peer for the generator workload: River's synthetic streams on the same definitions as
Flywheel's catalog defaults (no drift, no label noise), each iterated for N samples.
Prints one JSON line: per generator, loop seconds, samples/s, the input dimension and the share
of class 1 (classification) or the mean target (regression).
Usage: python peer_river_generators.py [N]"""
import json, sys, time
from river.datasets import synth

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
streams = {
    "sea": lambda: synth.SEA(variant=0, seed=42),
    "stagger": lambda: synth.STAGGER(classification_function=0, seed=42),
    "hyperplane": lambda: synth.Hyperplane(seed=42, n_features=10, n_drift_features=2, mag_change=0.0,
                                           noise_percentage=0.0, sigma=0.1),
    "agrawal": lambda: synth.Agrawal(classification_function=0, seed=42, perturbation=0.0),
    "rbf": lambda: synth.RandomRBF(seed_model=42, seed_sample=42, n_classes=2, n_features=10, n_centroids=50),
    "sine": lambda: synth.Sine(classification_function=0, seed=42, has_noise=False),
    "friedman": lambda: synth.Friedman(seed=42),
}
out = {}
for name, make in streams.items():
    s = make()
    total, features = 0.0, 0
    t0 = time.perf_counter()
    for x, y in s.take(n):
        total += y
    t1 = time.perf_counter()
    features = len(x)
    key = "mean_target" if name == "friedman" else "share_class_1"
    out[name] = {"n": n, "features": features, "loop_seconds": t1 - t0, "samples_per_s": n / (t1 - t0), key: total / n}
    print(f"{name}: {n / (t1 - t0):,.0f} samples/s", file=sys.stderr)
print(json.dumps({"generators": out}))
