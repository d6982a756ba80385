"""onnxruntime's side of `make bench-model`: the same models and rows as `fathom bench`.

For each zoo model, reads the sample rows from Tests/Fixtures/zoo/NAME.expected.json, tiles
them to the batch size, and times InferenceSession.run — what a Python service calls per
request — for one row and for the batch, with one intra-op thread and with onnxruntime's
default (all cores). Prints one JSON object per model and thread setting.

    .venv-peers/bin/python scripts/peers/ort_bench.py iris_logreg_nozipmap breast_cancer_rf
"""
import argparse
import json
import pathlib
import statistics
import time

import numpy as np
import onnxruntime as ort

ZOO = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "zoo"
DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "int32": np.int32, "string": object}


def number(v):
    return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.get(v, v)


def samples(name):
    doc = json.loads((ZOO / f"{name}.expected.json").read_text())
    feeds = {}
    for key, entry in doc["inputs"].items():
        data = [number(v) for v in entry["data"]]
        feeds[key] = np.array(data, dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return feeds


def tile(feeds, rows):
    out = {}
    for key, a in feeds.items():
        reps = -(-rows // a.shape[0])
        out[key] = np.concatenate([a] * reps)[:rows]
    return out


def measure(session, feeds, seconds):
    for _ in range(3):
        session.run(None, feeds)
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and len(times) < 1_000_000:
        start = time.perf_counter()
        session.run(None, feeds)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("models", nargs="+")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    for name in args.models:
        feeds = samples(name)
        for threads in (1, 0):
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(str(ZOO / f"{name}.onnx"), options, providers=["CPUExecutionProvider"])
            single, single_calls = measure(session, tile(feeds, 1), args.seconds)
            batch, batch_calls = measure(session, tile(feeds, args.batch), args.seconds)
            print(json.dumps({
                "model": name, "threads": threads or "all", "single_row_seconds": single,
                "batch_rows": args.batch, "batch_seconds": batch,
                "single_calls": single_calls, "batch_calls": batch_calls,
            }), flush=True)


if __name__ == "__main__":
    main()
