"""The Streamlit peer of fathom's web app, for scripts/bench-webapp.sh.

The same iris model `fathom serve iris` serves (Tests/Fixtures/zoo/default_iris.onnx is
byte-identical to the embedded one), predicted with onnxruntime: four number inputs with the
schema's ranges and defaults, the predicted species as a metric and each class's
probability as a bar. The session is cached with st.cache_resource, as a Streamlit app
would do, so a re-run does not load the model again.

    streamlit run scripts/peers/streamlit_iris.py --server.headless true
    FATHOM_IRIS_ONNX=path/to/model.onnx streamlit run ...   # another file with the same I/O
"""

import os
import pathlib

import numpy as np
import onnxruntime as ort
import streamlit as st

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = pathlib.Path(os.environ.get("FATHOM_IRIS_ONNX", ROOT / "Tests/Fixtures/zoo/default_iris.onnx"))

# name, minimum, maximum, default: as in the schema fathom serves for iris (GET /model).
FEATURES = [
    ("sepal_length", 4.3, 7.9, 5.8),
    ("sepal_width", 2.0, 4.4, 3.0),
    ("petal_length", 1.0, 6.9, 4.35),
    ("petal_width", 0.1, 2.5, 1.3),
]
CLASSES = ["setosa", "versicolor", "virginica"]


@st.cache_resource
def session() -> ort.InferenceSession:
    return ort.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"])


st.set_page_config(page_title="iris · streamlit", layout="centered")
st.title("iris")
st.caption("Iris species from flower measurements")

values = []
for name, lo, hi, default in FEATURES:
    values.append(st.number_input(name, min_value=lo, max_value=hi, value=default, step=0.1, format="%.2f", key=name))

label, probabilities = session().run(None, {"X": np.array([values], dtype=np.float32)})
st.metric("Predicted species", str(label[0]))
for cls, p in zip(CLASSES, probabilities[0]):
    st.progress(float(p), text=f"{cls} {float(p):.1%}")
