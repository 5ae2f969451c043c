"""Serve a Python model to Flywheel over its model protocol (docs/model-protocol.md).

One file, NumPy only. Wrap any object with ``fit(X, y)`` and ``predict_proba(X)`` (classification)
or ``predict(X)`` (regression) -- a scikit-learn estimator, a LightGBM model, a PyTorch module
behind a small adapter -- and serve it:

    # my_model.py
    from sklearn.ensemble import HistGradientBoostingClassifier
    from flywheel_model import serve
    serve(lambda hello: HistGradientBoostingClassifier(random_state=hello.seed % 2**32))

and in the scenario: ``model: {family: process, command: [python3, my_model.py]}``.

``serve(factory)`` calls ``factory(hello)`` for every fit, with the run's ``Hello`` (seed, task,
classes, feature names and kinds, the scenario's parameters) and, through ``hello.fit_seed``, the
seed of that fit; a warm start passes the champion as ``hello.champion`` (your factory may copy and
continue it; by default a fresh model is fitted). Sample weights are passed as
``fit(X, y, sample_weight=w)`` when Flywheel sends them.
"""
import json
import struct
import sys
import numpy as np

VERSION = 1
HELLO, FIT, PREDICT, DROP, BYE = 0x01, 0x02, 0x03, 0x04, 0x05
HELLO_OK, FIT_OK, PREDICT_OK, DROP_OK, ERROR = 0x81, 0x82, 0x83, 0x84, 0xFF


class Hello:
    """What Flywheel says about the run when it starts the program."""

    def __init__(self, version, seed, task, classes, features, kinds, parameters):
        self.version, self.seed, self.classes = version, seed, classes
        self.task = "classification" if task == 0 else "regression"
        self.features, self.kinds, self.parameters = features, kinds, parameters
        self.fit_seed = seed
        self.champion = None


class _Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, n):
        if self.at + n > len(self.data):
            raise ValueError("message shorter than its fields")
        b = self.data[self.at:self.at + n]
        self.at += n
        return b

    def u8(self): return self.take(1)[0]
    def u16(self): return struct.unpack("<H", self.take(2))[0]
    def u32(self): return struct.unpack("<I", self.take(4))[0]
    def u64(self): return struct.unpack("<Q", self.take(8))[0]
    def i64(self): return struct.unpack("<q", self.take(8))[0]
    def str(self): return self.take(self.u32()).decode("utf-8")
    def f64(self, n): return np.frombuffer(self.take(8 * n), dtype="<f8", count=n)


def _s(text):
    b = text.encode("utf-8")
    return struct.pack("<I", len(b)) + b


def _frame(kind, payload=b""):
    return struct.pack("<IB", len(payload) + 1, kind) + payload


def _read_frame(stream):
    head = stream.read(4)
    if len(head) == 0:
        return None, None
    if len(head) < 4:
        raise EOFError("truncated frame")
    (length,) = struct.unpack("<I", head)
    if length < 1 or length > 1 << 30:
        raise ValueError(f"bad frame length {length}")
    body = stream.read(length)
    if len(body) < length:
        raise EOFError("truncated frame")
    return body[0], _Reader(body[1:])


def serve(factory, name=None, stdin=None, stdout=None):
    """Answer Flywheel's messages until it says bye. ``factory(hello)`` returns an unfitted model."""
    inp = stdin or sys.stdin.buffer
    out = stdout or sys.stdout.buffer
    hello = None
    models, next_id = {}, 1

    def reply(kind, payload=b""):
        out.write(_frame(kind, payload))
        out.flush()

    while True:
        kind, r = _read_frame(inp)
        if kind is None or kind == BYE:
            return
        try:
            if kind == HELLO:
                version, seed, task, classes, d = r.u16(), r.u64(), r.u8(), r.u32(), r.u32()
                features, kinds = [], []
                for _ in range(d):
                    features.append(r.str())
                    kinds.append("numeric" if r.u8() == 0 else "categorical")
                hello = Hello(version, seed, task, classes, features, kinds, json.loads(r.str() or "{}"))
                reply(HELLO_OK, struct.pack("<H", VERSION) + _s(name or "python"))
            elif kind == FIT:
                seed, warm, n = r.u64(), r.i64(), r.u32()
                d = len(hello.features)
                X = r.f64(n * d).reshape(n, d)
                y = r.f64(n)
                w = r.f64(n) if r.u8() == 1 else None
                hello.fit_seed, hello.champion = seed, models.get(warm)
                model = factory(hello)
                if hello.task == "classification":
                    y = y.astype(np.int64)
                if w is None:
                    model.fit(X, y)
                else:
                    model.fit(X, y, sample_weight=w)
                models[next_id] = model
                reply(FIT_OK, struct.pack("<Q", next_id))
                next_id += 1
            elif kind == PREDICT:
                model_id, n = r.u64(), r.u32()
                d = len(hello.features)
                X = r.f64(n * d).reshape(n, d)
                model = models[model_id]
                if hello.task == "classification":
                    p = _class_probabilities(model, X, hello.classes)
                else:
                    p = np.asarray(model.predict(X), dtype="<f8").reshape(n, 1)
                p = np.ascontiguousarray(p, dtype="<f8")
                reply(PREDICT_OK, struct.pack("<II", p.shape[0], p.shape[1]) + p.tobytes())
            elif kind == DROP:
                models.pop(r.u64(), None)
                reply(DROP_OK)
            else:
                raise ValueError(f"unknown message kind {kind:#x}")
        except Exception as e:  # report, and let Flywheel stop the run
            reply(ERROR, _s(f"{type(e).__name__}: {e}"))


def _class_probabilities(model, X, classes):
    """Probabilities of classes 0..classes-1, whichever of them the model saw when fitted."""
    p = np.asarray(model.predict_proba(X), dtype=float)
    seen = getattr(model, "classes_", None)
    if seen is None or (len(seen) == classes and np.array_equal(np.asarray(seen), np.arange(classes))):
        return p
    full = np.zeros((p.shape[0], classes))
    for j, c in enumerate(np.asarray(seen).astype(int)):
        full[:, c] = p[:, j]
    return full
