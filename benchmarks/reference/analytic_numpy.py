#!/usr/bin/env python3
"""The `analytic` baseline re-written in NumPy/SciPy: the LAPACK-speed reference for our Java learner.

Same learner as model/baselines (AnalyticLearner + RidgeFeatureModel): a fixed random sigmoid layer
h = sigmoid(x W + b), W ~ U(-a, a) with a = scale * sqrt(3 / dim), b ~ U(-1, 1); per task the Gram H^T H and
H^T Y are accumulated over chunks of rows (float32 products per chunk, float64 accumulation, as ours), then
(G + ridge I) beta = C is solved by Cholesky (scipy.linalg.cho_factor / cho_solve). Split MNIST (or Fashion-MNIST)
into tasks of 2 classes in the natural class order, pixels scaled to [0, 1], all 60,000 training rows; after each
task every seen task's test rows are predicted without task id (argmax over the seen classes). Only training is
timed (features, Gram, solve), as `bench` times it. The random draws differ from ours (NumPy's generator, not
Java's SplittableRandom), so ACC agrees to about 1e-3, not bit for bit.

    python3 benchmarks/reference/analytic_numpy.py --features 8960 --data ../shared/data/mnist

Prints one JSON line: {"dataset", "features", "acc", "accuracy_after_task", "train_seconds",
"train_seconds_per_task", "numpy", "scipy", "blas"}.
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import scipy
import scipy.linalg


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, split):
    x = read_idx(os.path.join(folder, split + "-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(folder, split + "-labels-idx1-ubyte.gz"))
    return (x.reshape(len(x), -1).astype(np.float32) / np.float32(255.0)), y.astype(np.int64)


def features(x, w, b):
    z = x @ w
    z += b
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += np.float32(1.0)
    np.reciprocal(z, out=z)
    return z


def blas_name():
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return "%s %s" % (blas.get("name"), blas.get("version"))
    except Exception:  # older NumPy
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data/mnist", help="IDX folder (mnist or fashion-mnist)")
    parser.add_argument("--features", type=int, default=2500)
    parser.add_argument("--tasks", type=int, default=5)
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--ridge", type=float, default=1.0)
    parser.add_argument("--chunk", type=int, default=2048, help="rows per float32 Gram product (ours: 2048)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    classes = np.unique(y_train)
    per_task = len(classes) // args.tasks
    task_classes = [classes[t * per_task:(t + 1) * per_task] for t in range(args.tasks)]
    dim = x_train.shape[1]
    f = args.features

    rng = np.random.default_rng(args.seed)
    a = args.scale * np.sqrt(3.0 / dim)
    w = rng.uniform(-a, a, size=(dim, f)).astype(np.float32)
    b = rng.uniform(-1.0, 1.0, size=f).astype(np.float32)

    gram = np.zeros((f, f), dtype=np.float64)
    cross = np.zeros((f, 0), dtype=np.float64)
    seen = np.zeros(0, dtype=np.int64)
    seconds = []
    after = []
    final = []
    for t, cls in enumerate(task_classes):
        rows = np.isin(y_train, cls)
        xt, yt = x_train[rows], y_train[rows]
        start = time.perf_counter()
        seen = np.concatenate([seen, cls])
        cross = np.hstack([cross, np.zeros((f, len(cls)))])
        for c0 in range(0, len(xt), args.chunk):
            h = features(xt[c0:c0 + args.chunk], w, b)
            gram += h.T @ h
            y = (yt[c0:c0 + args.chunk, None] == cls[None, :]).astype(np.float32)
            cross[:, -len(cls):] += h.T @ y
        factor = scipy.linalg.cho_factor(gram + args.ridge * np.eye(f), lower=True, check_finite=False)
        beta = scipy.linalg.cho_solve(factor, cross, check_finite=False).astype(np.float32)
        seconds.append(time.perf_counter() - start)
        accuracies = []
        for s in range(t + 1):
            rows = np.isin(y_test, task_classes[s])
            scores = features(x_test[rows], w, b) @ beta
            accuracies.append(float(np.mean(seen[np.argmax(scores, axis=1)] == y_test[rows])))
        after.append(float(np.mean(accuracies)))
        final = accuracies
    print(json.dumps({"dataset": os.path.basename(os.path.normpath(args.data)), "features": f,
                      "acc": float(np.mean(final)), "accuracy_after_task": after,
                      "train_seconds": float(sum(seconds)), "train_seconds_per_task": seconds,
                      "numpy": np.__version__, "scipy": scipy.__version__, "blas": blas_name()}))


if __name__ == "__main__":
    main()
