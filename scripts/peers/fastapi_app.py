"""The stack fathom replaces: FastAPI + Pydantic v2 serving the embedded iris model with onnxruntime.

scripts/bench-server.sh runs it side by side with `fathom serve iris`:

    .venv-peers/bin/uvicorn --app-dir scripts/peers fastapi_app:app --port 8001
    .venv-peers/bin/gunicorn --chdir scripts/peers -w 2 -k uvicorn.workers.UvicornWorker fastapi_app:app

It is written the way a FastAPI user would write it, and given its best chance:
- the same validation as fathom (ranges from iris.schema.json, defaults, no extra fields,
  finite numbers only) through a Pydantic model, so invalid input gets FastAPI's 422;
- the same answer as fathom's POST /predict: {"label", "probabilities": {class: p}, "model", "version"}
  with a Pydantic response model;
- one onnxruntime session per worker with one intra-op and one inter-op thread (the model is
  tiny: more threads only add hand-offs), loaded once at import;
- an `async def` endpoint: the prediction takes microseconds, so running it on the event loop
  is faster than FastAPI's thread pool hop for a `def` endpoint.
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "Sources" / "Model" / "Resources" / "DefaultModels"
MODEL_PATH = Path(os.environ.get("FATHOM_PEER_MODEL", MODELS / "iris.onnx"))
SCHEMA = json.loads((MODELS / "iris.schema.json").read_text())
SPEC = {f["name"]: f for f in SCHEMA["features"]}

# The classifier's labels in the order of its probability columns, as a scikit-learn user
# keeps them from `clf.classes_`; checked against the model's own label output below.
CLASSES = ["setosa", "versicolor", "virginica"]
MODEL_NAME = "iris"
# fathom's version of a model without a `version` metadata entry: the start of its SHA-256.
VERSION = hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()[:12]

options = ort.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
session = ort.InferenceSession(str(MODEL_PATH), sess_options=options, providers=["CPUExecutionProvider"])
INPUT_NAME = session.get_inputs()[0].name


def _field(name: str):
    f = SPEC[name]
    return Field(f["default"], ge=f["min"], le=f["max"], description=f["description"])


class IrisFeatures(BaseModel):
    """One flower: the four measurements in cm, each within the range seen in training."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    sepal_length: float = _field("sepal_length")
    sepal_width: float = _field("sepal_width")
    petal_length: float = _field("petal_length")
    petal_width: float = _field("petal_width")


class Prediction(BaseModel):
    label: str
    probabilities: dict[str, float]
    model: str
    version: str


def _predict(features: IrisFeatures) -> Prediction:
    x = np.array(
        [[features.sepal_length, features.sepal_width, features.petal_length, features.petal_width]],
        dtype=np.float32,
    )
    labels, probabilities = session.run(None, {INPUT_NAME: x})
    row = probabilities[0]
    return Prediction(
        label=str(labels[0]),
        probabilities={c: float(p) for c, p in zip(CLASSES, row)},
        model=MODEL_NAME,
        version=VERSION,
    )


# The label order must match the model's: the predicted label is the most probable class.
for _probe in ([5.1, 3.5, 1.4, 0.2], [6.0, 2.7, 4.5, 1.5], [6.7, 3.0, 5.2, 2.3]):
    _answer = _predict(IrisFeatures(**dict(zip(SPEC, _probe))))
    assert _answer.label == max(_answer.probabilities, key=_answer.probabilities.get), _answer

app = FastAPI(title="iris (FastAPI peer)", version=VERSION)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/predict", response_model=Prediction)
async def predict(features: IrisFeatures) -> Prediction:
    return _predict(features)
