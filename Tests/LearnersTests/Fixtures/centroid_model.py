"""A deterministic NumPy model for the protocol tests: nearest class centroid, probabilities from a
softmax of negative squared distances; for regression, the mean of the labels plus a least-squares
slope on x0. Usage: centroid_model.py [fault], fault one of: exit-after-hello, hang-on-fit,
garbage-on-predict, wrong-shape, nan, stderr-then-exit, slow-start (sleeps 3 s before reading hello)."""
import os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
import numpy as np
import flywheel_model

fault = sys.argv[1] if len(sys.argv) > 1 else ""
if fault == "slow-start":
    time.sleep(3)


class Centroids:
    def __init__(self, hello):
        self.hello = hello

    def fit(self, X, y):
        if fault == "hang-on-fit":
            time.sleep(60)
        if fault == "stderr-then-exit":
            print("Traceback (most recent call last):\n  ValueError: the user's model broke", file=sys.stderr, flush=True)
            os._exit(7)
        X = np.nan_to_num(X)
        if self.hello.task == "classification":
            k = self.hello.classes
            self.c = np.array([X[y == j].mean(axis=0) if np.any(y == j) else np.zeros(X.shape[1]) for j in range(k)])
        else:
            self.a, self.b = np.polyfit(X[:, 0], y, 1)

    def predict_proba(self, X):
        if fault == "garbage-on-predict":
            sys.stdout.buffer.write(b"\x05\x00\x00\x00\x83garb")
            sys.stdout.buffer.flush()
            time.sleep(60)
        if fault == "wrong-shape":
            return np.zeros((X.shape[0] + 1, self.hello.classes))
        X = np.nan_to_num(X)
        d = ((X[:, None, :] - self.c[None, :, :]) ** 2).sum(axis=2)
        e = np.exp(-(d - d.min(axis=1, keepdims=True)))
        p = e / e.sum(axis=1, keepdims=True)
        if fault == "nan":
            p[0, 0] = np.nan
        return p

    def predict(self, X):
        return self.a * np.nan_to_num(X[:, 0]) + self.b


if fault == "exit-after-hello":
    class Once:
        def __init__(self): self.n = 0
    import struct
    # Answer hello, then exit.
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    (n,) = struct.unpack("<I", inp.read(4)); inp.read(n)
    out.write(struct.pack("<IBH", 7, 0x81, 1) + struct.pack("<I", 0)); out.flush()
    sys.exit(3)

flywheel_model.serve(lambda hello: Centroids(hello), name="centroids")
