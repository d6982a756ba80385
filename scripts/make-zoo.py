#!/usr/bin/env python3
"""Generate fathom's ONNX model zoo and the embedded default models.

Dev-time tooling only: the Swift tests read the files this script writes and
never run Python.  Regenerate with

    python3 -m venv .venv-zoo
    .venv-zoo/bin/pip install -r scripts/requirements-zoo.txt
    .venv-zoo/bin/python scripts/make-zoo.py

Every model is trained on a data set that scikit-learn ships (no downloads),
with a fixed random_state, converted with skl2onnx and then run through
onnxruntime (single-threaded, so tree ensembles sum in a fixed order).  The
outputs are written to Tests/Fixtures/zoo/NAME.expected.json next to
Tests/Fixtures/zoo/NAME.onnx.  See docs/ZOO.md for the formats.
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import skl2onnx
import sklearn
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    StringTensorType,
)
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    IsolationForest,
    RandomForestClassifier,
    RandomForestRegressor,
    StackingClassifier,
    VotingClassifier,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import BernoulliNB, GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    KBinsDiscretizer,
    MinMaxScaler,
    Normalizer,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    StandardScaler,
)
from sklearn.svm import SVC, SVR, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZOO_DIR = os.path.join(ROOT, "Tests", "Fixtures", "zoo")
DEFAULT_DIR = os.path.join(ROOT, "Sources", "Model", "Resources", "DefaultModels")

SEED = 0
ML1 = {"": 9, "ai.onnx.ml": 1}  # the oldest opsets the zoo exercises

# --------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------

IRIS_NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
IRIS_SPECIES = np.array(["setosa", "versicolor", "virginica"], dtype=object)
DIABETES_NAMES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]


def snake(name):
    out = []
    for ch in name.strip().lower():
        out.append(ch if ch.isalnum() else "_")
    s = "".join(out)
    while "__" in s:
        s = s.replace("__", "_")
    return s.strip("_")


def split(X, y, test_size, stratify=True):
    return train_test_split(
        X, y, test_size=test_size, random_state=SEED, stratify=y if stratify else None
    )


def data_iris():
    d = load_iris()
    return split(d.data, d.target, 60) + [IRIS_NAMES]


def data_wine():
    d = load_wine()
    return split(d.data, d.target, 54) + [[snake(n) for n in d.feature_names]]


def data_breast_cancer():
    d = load_breast_cancer()
    return split(d.data, d.target, 60) + [[snake(n) for n in d.feature_names]]


def data_diabetes():
    d = load_diabetes()
    return split(d.data, d.target, 60, stratify=False) + [list(DIABETES_NAMES)]


def data_digits():
    d = load_digits()
    Xtr, Xte, ytr, yte = split(d.data, d.target, 0.25)
    return [Xtr, Xte[:50], ytr, yte[:50], [snake(n) for n in d.feature_names]]


def with_nans(X, frac, seed):
    """Copy of X with a fixed fraction of cells replaced by NaN."""
    rng = np.random.RandomState(seed)
    X = np.array(X, dtype=np.float64, copy=True)
    mask = rng.rand(*X.shape) < frac
    X[mask] = np.nan
    return X


def data_customers():
    """Small synthetic tabular data set with string categories.

    Columns: region (north/south/east/west), plan (basic/pro/enterprise),
    age (years), monthly_spend (currency units).  Target: churned (0/1).
    """
    rng = np.random.RandomState(SEED)
    n = 400
    regions = np.array(["north", "south", "east", "west"], dtype=object)
    plans = np.array(["basic", "pro", "enterprise"], dtype=object)
    region = regions[rng.randint(0, 4, n)]
    plan = plans[rng.randint(0, 3, n)]
    age = np.round(rng.uniform(18, 80, n)).astype(np.float64)
    spend = np.round(rng.gamma(2.0, 30.0, n), 2)
    logit = (
        -1.0
        + 0.9 * (region == "south")
        - 0.6 * (region == "west")
        + 0.8 * (plan == "basic")
        - 0.9 * (plan == "enterprise")
        - 0.02 * (age - 45)
        + 0.01 * (spend - 60)
    )
    p = 1.0 / (1.0 + np.exp(-logit))
    y = (rng.rand(n) < p).astype(np.int64)
    df = pd.DataFrame({"region": region, "plan": plan, "age": age, "monthly_spend": spend})
    Xtr, Xte, ytr, yte = train_test_split(df, y, test_size=60, random_state=SEED, stratify=y)
    return Xtr, Xte.reset_index(drop=True), ytr, yte


# --------------------------------------------------------------------------
# Export helpers
# --------------------------------------------------------------------------

INDEX = []
SUMMARY = []

# Models fathom cannot run yet, with the reason; index.json marks them "pending" and
# the Swift zoo tests list them as known issues instead of failing.
PENDING = {
}

# Classifiers whose second output holds decision scores, not probabilities
# (index.json "probabilities": false).
SCORES_NOT_PROBABILITIES = {"breast_cancer_linearsvc", "iris_linearsvc"}


def jnum(x):
    """A JSON-safe number: non-finite values become strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def tensor_json(arr):
    arr = np.asarray(arr)
    shape = list(arr.shape)
    flat = arr.reshape(-1)
    if arr.dtype == np.float32:
        return {"dtype": "float32", "shape": shape, "data": [jnum(v) for v in flat]}
    if arr.dtype == np.float64:
        return {"dtype": "float64", "shape": shape, "data": [jnum(v) for v in flat]}
    if arr.dtype == np.int64:
        return {"dtype": "int64", "shape": shape, "data": [int(v) for v in flat]}
    if arr.dtype == np.int32:
        return {"dtype": "int32", "shape": shape, "data": [int(v) for v in flat]}
    if arr.dtype == np.bool_:
        return {"dtype": "bool", "shape": shape, "data": [bool(v) for v in flat]}
    if arr.dtype == object or arr.dtype.kind in ("U", "S"):
        return {"dtype": "string", "shape": shape, "data": [str(v) for v in flat]}
    raise TypeError("unsupported output dtype %s" % arr.dtype)


def output_json(value):
    if isinstance(value, list):  # ZipMap: sequence of maps
        rows = []
        for m in value:
            rows.append({str(k): jnum(v) for k, v in m.items()})
        return {"dtype": "seq_map", "data": rows}
    return tensor_json(value)


def elem_str(elem_type):
    return onnx.TensorProto.DataType.Name(elem_type).lower()


def type_str(t):
    """Readable ONNX type for the summary, e.g. tensor(float)[N,4]."""
    if t.HasField("tensor_type"):
        tt = t.tensor_type
        elem = elem_str(tt.elem_type)
        dims = []
        for d in tt.shape.dim:
            dims.append(str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "N"))
        return "tensor(%s)[%s]" % (elem, ",".join(dims))
    if t.HasField("sequence_type"):
        return "seq(%s)" % type_str(t.sequence_type.elem_type)
    if t.HasField("map_type"):
        k = elem_str(t.map_type.key_type)
        return "map(%s,%s)" % (k, type_str(t.map_type.value_type))
    return str(t)


def convert(model, initial_types, target_opset, options=None):
    onx = convert_sklearn(
        model,
        initial_types=initial_types,
        target_opset=target_opset,
        options=options,
    )
    return onx


def add_metadata(onx, feature_names=None, description=None):
    props = {p.key: p.value for p in onx.metadata_props}
    if feature_names is not None:
        props["feature_names"] = json.dumps(list(feature_names))
    if description is not None:
        props["description"] = description
    del onx.metadata_props[:]
    for k in sorted(props):
        onx.metadata_props.add(key=k, value=props[k])
    onnx.checker.check_model(onx)
    return onx


def ort_reference(model_bytes):
    """The model bytes onnxruntime should run to give the ONNX spec's answer for a model.

    onnxruntime 1.32 reads the opset-5 TreeEnsemble post_transform codes 1 and 2 the other way
    round from the spec (its enum has 1 LOGISTIC, 2 SOFTMAX; microsoft/onnxruntime#26596).
    fathom follows the spec, so such a node is run with the two codes swapped back: the
    expected outputs stay onnxruntime's arithmetic for the transform the spec names.
    """
    model = onnx.load_model_from_string(model_bytes)
    changed = False
    for node in model.graph.node:
        if node.op_type != "TreeEnsemble" or node.domain != "ai.onnx.ml":
            continue
        for a in node.attribute:
            if a.name == "post_transform" and a.i in (1, 2):
                a.i = 3 - a.i
                changed = True
    return model.SerializeToString() if changed else model_bytes


def run_ort(model_bytes, feeds):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(ort_reference(model_bytes), so, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    results = sess.run(names, feeds)
    return names, results


def compare_sklearn(model, X_test, dtype, results):
    """How far onnxruntime is from scikit-learn (informational only)."""
    if model is None:
        return ""
    if isinstance(X_test, dict):
        X = pd.DataFrame({k: np.asarray(v).ravel() for k, v in X_test.items()})
    else:
        X = np.asarray(X_test, dtype=dtype).astype(np.float64)
    pred = np.asarray(model.predict(X))
    label = np.asarray(results[0]).ravel()
    if hasattr(model, "predict_proba"):
        agree = int((pred.astype(str) == label.astype(str)).sum())
        proba = model.predict_proba(X)
        ort_p = results[1]
        if isinstance(ort_p, list):
            ort_p = np.array([[m[k] for k in sorted(m)] for m in ort_p])
        return "labels agree %d/%d, max |dproba| %.2e" % (
            agree, len(pred), float(np.abs(proba - np.asarray(ort_p)).max()))
    return "max |dpred| %.2e" % float(np.abs(pred.ravel() - label.astype(np.float64)).max())


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, allow_nan=False)
        f.write("\n")


def export(
    name,
    model,
    *,
    dataset,
    estimator,
    task,
    description,
    X_test,
    dtype=np.float32,
    target_opset=None,
    options=None,
    feature_names=None,
    input_name="X",
    out_dir=ZOO_DIR,
    onx=None,
    graph_name=None,
):
    """Convert `model`, run onnxruntime on X_test, write NAME.onnx + NAME.expected.json.

    X_test is a 2-D array (single input `input_name`) or a dict name -> 2-D array
    (several named inputs).
    """
    if isinstance(X_test, dict):
        feeds = {}
        initial_types = []
        for k, v in X_test.items():
            v = np.asarray(v)
            if v.dtype == object:
                feeds[k] = v.astype(object)
                initial_types.append((k, StringTensorType([None, v.shape[1]])))
            else:
                feeds[k] = v.astype(dtype)
                tt = DoubleTensorType if dtype == np.float64 else FloatTensorType
                initial_types.append((k, tt([None, v.shape[1]])))
    else:
        x = np.asarray(X_test, dtype=dtype)
        feeds = {input_name: x}
        tt = DoubleTensorType if dtype == np.float64 else FloatTensorType
        initial_types = [(input_name, tt([None, x.shape[1]]))]

    if onx is None:
        onx = convert(model, initial_types, target_opset, options)
    # skl2onnx names the graph with a random uuid: pin it so files are reproducible.
    onx.graph.name = graph_name or name
    # skl2onnx collects opsets in a set: order them so files are reproducible.
    opset_import = sorted(((o.domain, o.version) for o in onx.opset_import))
    del onx.opset_import[:]
    for domain, version in opset_import:
        onx.opset_import.add(domain=domain, version=version)
    add_metadata(onx, feature_names=feature_names, description=description)
    data = onx.SerializeToString()

    names, results = run_ort(data, feeds)
    expected = {
        "model": name,
        "producer": "%s %s" % (onx.producer_name, onx.producer_version),
        "task": task,
        "inputs": {k: tensor_json(v) for k, v in feeds.items()},
        "outputs": {n: output_json(r) for n, r in zip(names, results)},
    }

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name + ".onnx"), "wb") as f:
        f.write(data)
    write_json(os.path.join(out_dir, name + ".expected.json"), expected)

    opsets = {(o.domain or "ai.onnx"): o.version for o in onx.opset_import}
    entry = {
        "name": name,
        "file": name + ".onnx",
        "task": task,
        "description": description,
    }
    if name in SCORES_NOT_PROBABILITIES:
        entry["probabilities"] = False
    if name in PENDING:
        entry["pending"] = PENDING[name]
    INDEX.append(entry)
    SUMMARY.append(
        {
            "name": name,
            "dataset": dataset,
            "estimator": estimator,
            "ir_version": onx.ir_version,
            "target_opset": "default" if target_opset is None else (
                str(target_opset) if isinstance(target_opset, int) else
                ", ".join("%s %s" % (k or "ai.onnx", v) for k, v in target_opset.items())),
            "opsets": opsets,
            "zipmap": any(o.type.HasField("sequence_type") for o in onx.graph.output),
            "inputs": [(i.name, type_str(i.type)) for i in onx.graph.input],
            "outputs": [(o.name, type_str(o.type)) for o in onx.graph.output],
            "feature_names": feature_names is not None,
            "rows": len(next(iter(feeds.values()))),
        }
    )
    print("wrote %-32s opsets=%s rows=%d  %s" % (
        name, opsets, SUMMARY[-1]["rows"], compare_sklearn(model, X_test, dtype, results)))
    return onx, data


# --------------------------------------------------------------------------
# The zoo
# --------------------------------------------------------------------------


def zoo_linear():
    Xtr, Xte, ytr, yte, names = data_iris()
    m = LogisticRegression(max_iter=1000, random_state=SEED).fit(Xtr, ytr)
    export("iris_logreg", m, dataset="iris", estimator="LogisticRegression",
           task="classification", description="LogisticRegression on iris, int64 labels, ZipMap on",
           X_test=Xte, feature_names=names)
    export("iris_logreg_nozipmap", m, dataset="iris", estimator="LogisticRegression",
           task="classification",
           description="LogisticRegression on iris, int64 labels, ZipMap off (probabilities tensor)",
           X_test=Xte, target_opset=13, options={id(m): {"zipmap": False}}, feature_names=names)

    ys = IRIS_SPECIES[ytr]
    m = LogisticRegression(max_iter=1000, random_state=SEED).fit(Xtr, ys)
    export("iris_logreg_strlabels", m, dataset="iris", estimator="LogisticRegression",
           task="classification",
           description="LogisticRegression on iris with string labels setosa/versicolor/virginica, ZipMap on",
           X_test=Xte, target_opset=15, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_breast_cancer()
    m = LogisticRegression(max_iter=5000, random_state=SEED).fit(Xtr, ytr)
    export("breast_cancer_logreg", m, dataset="breast_cancer", estimator="LogisticRegression",
           task="classification", description="Binary LogisticRegression on breast_cancer, ZipMap on",
           X_test=Xte, target_opset=ML1, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = LinearRegression().fit(Xtr, ytr)
    export("diabetes_linreg_double", m, dataset="diabetes", estimator="LinearRegression",
           task="regression", description="LinearRegression on diabetes with a double (float64) input",
           X_test=Xte, dtype=np.float64, target_opset=ML1, feature_names=names)
    m = Ridge(alpha=0.5).fit(Xtr, ytr)
    export("diabetes_ridge", m, dataset="diabetes", estimator="Ridge",
           task="regression", description="Ridge(alpha=0.5) on diabetes",
           X_test=Xte, target_opset=17, feature_names=names)
    m = Lasso(alpha=0.1, random_state=SEED).fit(Xtr, ytr)
    export("diabetes_lasso", m, dataset="diabetes", estimator="Lasso",
           task="regression", description="Lasso(alpha=0.1) on diabetes; no feature_names metadata",
           X_test=Xte, target_opset=21)


def zoo_trees():
    Xtr, Xte, ytr, yte, names = data_iris()
    m = DecisionTreeClassifier(max_depth=5, random_state=SEED).fit(Xtr, ytr)
    export("iris_dtree", m, dataset="iris", estimator="DecisionTreeClassifier",
           task="classification", description="DecisionTreeClassifier(max_depth=5) on iris",
           X_test=Xte, target_opset=ML1, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = DecisionTreeRegressor(max_depth=6, random_state=SEED).fit(Xtr, ytr)
    export("diabetes_dtree", m, dataset="diabetes", estimator="DecisionTreeRegressor",
           task="regression", description="DecisionTreeRegressor(max_depth=6) on diabetes",
           X_test=Xte, target_opset=18, feature_names=names)
    m = RandomForestRegressor(n_estimators=30, max_depth=6, random_state=SEED).fit(Xtr, ytr)
    export("diabetes_rf", m, dataset="diabetes", estimator="RandomForestRegressor",
           task="regression", description="RandomForestRegressor(30 trees, depth 6) on diabetes",
           X_test=Xte, target_opset=21, feature_names=names)
    m = ExtraTreesRegressor(n_estimators=30, max_depth=6, random_state=SEED).fit(Xtr, ytr)
    export("diabetes_extratrees", m, dataset="diabetes", estimator="ExtraTreesRegressor",
           task="regression", description="ExtraTreesRegressor(30 trees, depth 6) on diabetes, skl2onnx default opset",
           X_test=Xte, feature_names=names)
    m = GradientBoostingRegressor(n_estimators=50, max_depth=3, random_state=SEED).fit(Xtr, ytr)
    export("diabetes_gb", m, dataset="diabetes", estimator="GradientBoostingRegressor",
           task="regression", description="GradientBoostingRegressor(50 trees, depth 3) on diabetes",
           X_test=Xte, target_opset=19, feature_names=names)
    m = HistGradientBoostingRegressor(max_iter=30, max_depth=5, random_state=SEED).fit(Xtr, ytr)
    export("diabetes_hgb", m, dataset="diabetes", estimator="HistGradientBoostingRegressor",
           task="regression", description="HistGradientBoostingRegressor(30 iterations, depth 5) on diabetes, default opset",
           X_test=Xte, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_breast_cancer()
    m = RandomForestClassifier(n_estimators=50, max_depth=6, random_state=SEED).fit(Xtr, ytr)
    export("breast_cancer_rf", m, dataset="breast_cancer", estimator="RandomForestClassifier",
           task="classification", description="RandomForestClassifier(50 trees, depth 6) on breast_cancer",
           X_test=Xte, target_opset=15, feature_names=names)
    m = GradientBoostingClassifier(n_estimators=40, max_depth=3, random_state=SEED).fit(Xtr, ytr)
    export("breast_cancer_gb", m, dataset="breast_cancer", estimator="GradientBoostingClassifier",
           task="classification", description="Binary GradientBoostingClassifier(40 trees, depth 3) on breast_cancer",
           X_test=Xte, target_opset=11, feature_names=names)
    m = HistGradientBoostingClassifier(max_iter=30, max_depth=5, random_state=SEED).fit(Xtr, ytr)
    export("breast_cancer_hgb", m, dataset="breast_cancer", estimator="HistGradientBoostingClassifier",
           task="classification", description="Binary HistGradientBoostingClassifier(30 iterations, depth 5) on breast_cancer",
           X_test=Xte, target_opset=18, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_wine()
    m = ExtraTreesClassifier(n_estimators=30, max_depth=6, random_state=SEED).fit(Xtr, ytr)
    export("wine_extratrees", m, dataset="wine", estimator="ExtraTreesClassifier",
           task="classification", description="ExtraTreesClassifier(30 trees, depth 6) on wine; no feature_names metadata",
           X_test=Xte, target_opset=13)
    m = GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=SEED).fit(Xtr, ytr)
    export("wine_gb", m, dataset="wine", estimator="GradientBoostingClassifier",
           task="classification", description="Multiclass GradientBoostingClassifier(20 rounds x 3 classes, depth 3) on wine",
           X_test=Xte, target_opset=17, feature_names=names)
    m = HistGradientBoostingClassifier(max_iter=20, max_depth=4, random_state=SEED).fit(Xtr, ytr)
    export("wine_hgb", m, dataset="wine", estimator="HistGradientBoostingClassifier",
           task="classification", description="Multiclass HistGradientBoostingClassifier(20 iterations, depth 4) on wine",
           X_test=Xte, target_opset=21, feature_names=names)


def zoo_mlp():
    Xtr, Xte, ytr, yte, names = data_digits()
    m = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, random_state=SEED))
    m.fit(Xtr, ytr)
    export("digits_mlp", m, dataset="digits", estimator="StandardScaler+MLPClassifier",
           task="classification", description="StandardScaler + MLPClassifier(32) on digits; no feature_names metadata",
           X_test=Xte, target_opset=13)

    Xtr, Xte, ytr, yte, names = data_iris()
    m = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000, random_state=SEED))
    m.fit(Xtr, ytr)
    export("iris_mlp", m, dataset="iris", estimator="StandardScaler+MLPClassifier",
           task="classification", description="StandardScaler + MLPClassifier(16) on iris",
           X_test=Xte, target_opset=15, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(32, 16), max_iter=2000, random_state=SEED))
    m.fit(Xtr, ytr)
    export("diabetes_mlp", m, dataset="diabetes", estimator="StandardScaler+MLPRegressor",
           task="regression", description="StandardScaler + MLPRegressor(32,16) on diabetes",
           X_test=Xte, target_opset=17, feature_names=names)


def zoo_pipelines():
    Xtr, Xte, ytr, yte, names = data_iris()
    m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=SEED)).fit(Xtr, ytr)
    export("iris_scaler_logreg_double", m, dataset="iris", estimator="StandardScaler+LogisticRegression",
           task="classification",
           description="StandardScaler + LogisticRegression on iris with a double (float64) input; "
                       "ZipMap off (ZipMap takes float only)",
           X_test=Xte, dtype=np.float64, target_opset=11, options={id(m): {"zipmap": False}},
           feature_names=names)
    m = make_pipeline(Normalizer(), LogisticRegression(max_iter=1000, random_state=SEED)).fit(Xtr, ytr)
    export("iris_normalizer_logreg", m, dataset="iris", estimator="Normalizer+LogisticRegression",
           task="classification", description="Normalizer(l2) + LogisticRegression on iris",
           X_test=Xte, target_opset=19, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = make_pipeline(MinMaxScaler(), Ridge(alpha=0.1)).fit(Xtr, ytr)
    export("diabetes_minmax_ridge", m, dataset="diabetes", estimator="MinMaxScaler+Ridge",
           task="regression", description="MinMaxScaler + Ridge(alpha=0.1) on diabetes",
           X_test=Xte, target_opset=18, feature_names=names)
    Xtr_n, Xte_n = with_nans(Xtr, 0.1, 1), with_nans(Xte, 0.15, 2)
    m = make_pipeline(SimpleImputer(strategy="median"),
                      RandomForestRegressor(n_estimators=20, max_depth=6, random_state=SEED)).fit(Xtr_n, ytr)
    export("diabetes_imputer_rf", m, dataset="diabetes (with NaN)", estimator="SimpleImputer(median)+RandomForestRegressor",
           task="regression",
           description="SimpleImputer(median) + RandomForestRegressor(20 trees) on diabetes; test rows contain NaN",
           X_test=Xte_n, target_opset=21, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_breast_cancer()
    Xtr_n, Xte_n = with_nans(Xtr, 0.1, 3), with_nans(Xte, 0.15, 4)
    m = make_pipeline(SimpleImputer(strategy="mean"),
                      RandomForestClassifier(n_estimators=20, max_depth=6, random_state=SEED)).fit(Xtr_n, ytr)
    export("breast_cancer_imputer_rf", m, dataset="breast_cancer (with NaN)",
           estimator="SimpleImputer(mean)+RandomForestClassifier", task="classification",
           description="SimpleImputer(mean) + RandomForestClassifier(20 trees) on breast_cancer; test rows contain NaN",
           X_test=Xte_n, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte = data_customers()
    ct = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["region", "plan"]),
            ("num", StandardScaler(), ["age", "monthly_spend"]),
        ]
    )
    m = Pipeline([("prep", ct), ("clf", LogisticRegression(max_iter=1000, random_state=SEED))]).fit(Xtr, ytr)
    feeds = {
        "region": Xte[["region"]].to_numpy(dtype=object),
        "plan": Xte[["plan"]].to_numpy(dtype=object),
        "age": Xte[["age"]].to_numpy(dtype=np.float64),
        "monthly_spend": Xte[["monthly_spend"]].to_numpy(dtype=np.float64),
    }
    export("customers_columntransformer", m, dataset="customers (synthetic)",
           estimator="ColumnTransformer(OneHotEncoder+StandardScaler)+LogisticRegression",
           task="classification",
           description="ColumnTransformer: OneHotEncoder on string columns region/plan + StandardScaler on "
                       "age/monthly_spend, then LogisticRegression; four named [N,1] inputs",
           X_test=feeds, target_opset=18)


def zoo_svm():
    Xtr, Xte, ytr, yte, names = data_breast_cancer()
    m = make_pipeline(StandardScaler(), SVC(kernel="rbf", probability=True, random_state=SEED)).fit(Xtr, ytr)
    export("breast_cancer_svc", m, dataset="breast_cancer", estimator="StandardScaler+SVC(rbf, probability)",
           task="classification",
           description="StandardScaler + binary SVC(rbf, probability=True) on breast_cancer",
           X_test=Xte, target_opset=17, feature_names=names)
    # skl2onnx 1.20 cannot convert a LinearSVC inside a Pipeline (it passes a zipmap
    # option LinearSVC does not take), so this one is bare and solved in the primal.
    m = LinearSVC(dual=False, random_state=SEED).fit(Xtr, ytr)
    export("breast_cancer_linearsvc", m, dataset="breast_cancer", estimator="LinearSVC",
           task="classification", description="Binary LinearSVC (primal) on breast_cancer",
           X_test=Xte, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_iris()
    m = SVC(kernel="rbf", probability=True, random_state=SEED).fit(Xtr, ytr)
    export("iris_svc", m, dataset="iris", estimator="SVC(rbf, probability)",
           task="classification", description="Multiclass SVC(rbf, probability=True) on iris",
           X_test=Xte, target_opset=15, feature_names=names)
    m = LinearSVC(random_state=SEED).fit(Xtr, ytr)
    export("iris_linearsvc", m, dataset="iris", estimator="LinearSVC",
           task="classification", description="Multiclass LinearSVC (one-vs-rest) on iris",
           X_test=Xte, target_opset=15, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = SVR(kernel="rbf", C=100.0, gamma=0.5).fit(Xtr, ytr)
    export("diabetes_svr", m, dataset="diabetes", estimator="SVR(rbf)",
           task="regression", description="SVR(rbf, C=100) on diabetes",
           X_test=Xte, target_opset=17, feature_names=names)


def zoo_bayes():
    Xtr, Xte, ytr, yte, names = data_iris()
    m = GaussianNB().fit(Xtr, ytr)
    export("iris_gaussiannb", m, dataset="iris", estimator="GaussianNB",
           task="classification", description="GaussianNB on iris",
           X_test=Xte, target_opset=15, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_digits()
    m = BernoulliNB(binarize=7.0).fit(Xtr, ytr)
    export("digits_bernoullinb", m, dataset="digits", estimator="BernoulliNB(binarize=7)",
           task="classification", description="BernoulliNB(binarize=7) on digits",
           X_test=Xte, target_opset=15)


def zoo_ensembles():
    Xtr, Xte, ytr, yte, names = data_wine()
    m = AdaBoostClassifier(DecisionTreeClassifier(max_depth=2, random_state=SEED), n_estimators=10,
                           random_state=SEED).fit(Xtr, ytr)
    export("wine_adaboost", m, dataset="wine", estimator="AdaBoostClassifier(SAMME)",
           task="classification", description="AdaBoostClassifier(10 depth-2 trees) on wine",
           X_test=Xte, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = AdaBoostRegressor(DecisionTreeRegressor(max_depth=3, random_state=SEED), n_estimators=10,
                          random_state=SEED).fit(Xtr, ytr)
    export("diabetes_adaboost", m, dataset="diabetes", estimator="AdaBoostRegressor",
           task="regression", description="AdaBoostRegressor(10 depth-3 trees, weighted median) on diabetes",
           X_test=Xte, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_breast_cancer()
    m = BaggingClassifier(DecisionTreeClassifier(max_depth=4, random_state=SEED), n_estimators=10,
                          random_state=SEED).fit(Xtr, ytr)
    export("breast_cancer_bagging", m, dataset="breast_cancer", estimator="BaggingClassifier",
           task="classification", description="BaggingClassifier(10 depth-4 trees) on breast_cancer",
           X_test=Xte, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_iris()
    m = VotingClassifier(
        [("lr", LogisticRegression(max_iter=1000, random_state=SEED)),
         ("dt", DecisionTreeClassifier(max_depth=3, random_state=SEED)),
         ("nb", GaussianNB())], voting="soft", flatten_transform=False).fit(Xtr, ytr)
    export("iris_voting", m, dataset="iris", estimator="VotingClassifier(soft: LR, DT, GaussianNB)",
           task="classification", description="Soft VotingClassifier (LogisticRegression, DecisionTree, GaussianNB) on iris",
           X_test=Xte, target_opset=17, feature_names=names)
    m = StackingClassifier(
        [("lr", LogisticRegression(max_iter=1000, random_state=SEED)),
         ("dt", DecisionTreeClassifier(max_depth=3, random_state=SEED))],
        final_estimator=LogisticRegression(max_iter=1000, random_state=SEED)).fit(Xtr, ytr)
    export("iris_stacking", m, dataset="iris", estimator="StackingClassifier(LR, DT -> LR)",
           task="classification", description="StackingClassifier (LogisticRegression, DecisionTree -> LogisticRegression) on iris",
           X_test=Xte, target_opset=17, feature_names=names)
    m = IsolationForest(n_estimators=20, max_samples=64, random_state=SEED).fit(Xtr)
    export("iris_isolationforest", m, dataset="iris", estimator="IsolationForest",
           task="anomaly", description="IsolationForest(20 trees, 64 samples) on iris: label -1/1 and score",
           X_test=Xte, target_opset={"": 17, "ai.onnx.ml": 3}, feature_names=names)


def zoo_transforms():
    Xtr, Xte, ytr, yte, names = data_iris()
    m = KMeans(n_clusters=3, n_init=10, random_state=SEED).fit(Xtr)
    export("iris_kmeans", m, dataset="iris", estimator="KMeans",
           task="clustering", description="KMeans(3) on iris: cluster label and distances to the centres",
           X_test=Xte, target_opset=17, feature_names=names)
    m = make_pipeline(KBinsDiscretizer(n_bins=4, encode="onehot-dense", strategy="quantile"),
                      LogisticRegression(max_iter=1000, random_state=SEED)).fit(Xtr, ytr)
    export("iris_kbins_logreg", m, dataset="iris", estimator="KBinsDiscretizer(onehot)+LogisticRegression",
           task="classification", description="KBinsDiscretizer(4 quantile bins, one-hot) + LogisticRegression on iris",
           X_test=Xte, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = make_pipeline(StandardScaler(), PCA(n_components=5, random_state=SEED), Ridge(alpha=0.5)).fit(Xtr, ytr)
    export("diabetes_pca_ridge", m, dataset="diabetes", estimator="StandardScaler+PCA+Ridge",
           task="regression", description="StandardScaler + PCA(5) + Ridge on diabetes",
           X_test=Xte, target_opset=17, feature_names=names)
    m = make_pipeline(PolynomialFeatures(degree=2), Ridge(alpha=0.1)).fit(Xtr, ytr)
    export("diabetes_poly_ridge", m, dataset="diabetes", estimator="PolynomialFeatures(2)+Ridge",
           task="regression", description="PolynomialFeatures(degree 2) + Ridge on diabetes",
           X_test=Xte, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_digits()
    m = make_pipeline(TruncatedSVD(n_components=10, random_state=SEED),
                      LogisticRegression(max_iter=2000, random_state=SEED)).fit(Xtr, ytr)
    export("digits_svd_logreg", m, dataset="digits", estimator="TruncatedSVD+LogisticRegression",
           task="classification", description="TruncatedSVD(10) + LogisticRegression on digits",
           X_test=Xte, target_opset=17)

    Xtr, Xte, ytr, yte = data_customers()
    ct = ColumnTransformer(
        [
            ("cat", OrdinalEncoder(), ["region", "plan"]),
            ("num", "passthrough", ["age", "monthly_spend"]),
        ]
    )
    m = Pipeline([("prep", ct), ("clf", DecisionTreeClassifier(max_depth=5, random_state=SEED))]).fit(Xtr, ytr)
    feeds = {
        "region": Xte[["region"]].to_numpy(dtype=object),
        "plan": Xte[["plan"]].to_numpy(dtype=object),
        "age": Xte[["age"]].to_numpy(dtype=np.float64),
        "monthly_spend": Xte[["monthly_spend"]].to_numpy(dtype=np.float64),
    }
    export("customers_ordinal_dtree", m, dataset="customers (synthetic)",
           estimator="ColumnTransformer(OrdinalEncoder+passthrough)+DecisionTreeClassifier",
           task="classification",
           description="ColumnTransformer: OrdinalEncoder on string columns region/plan + passthrough "
                       "age/monthly_spend, then DecisionTreeClassifier(depth 5); four named [N,1] inputs",
           X_test=feeds, target_opset=17)


def zoo_neighbors():
    Xtr, Xte, ytr, yte, names = data_iris()
    m = KNeighborsClassifier(n_neighbors=5).fit(Xtr, ytr)
    export("iris_knn", m, dataset="iris", estimator="KNeighborsClassifier(5)",
           task="classification", description="KNeighborsClassifier(5) on iris",
           X_test=Xte, target_opset=17, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = KNeighborsRegressor(n_neighbors=5).fit(Xtr, ytr)
    export("diabetes_knn", m, dataset="diabetes", estimator="KNeighborsRegressor(5)",
           task="regression", description="KNeighborsRegressor(5) on diabetes",
           X_test=Xte, target_opset=17, feature_names=names)


def zoo_boosting_libs():
    import lightgbm
    import onnxmltools
    import xgboost
    from onnxmltools.convert.common.data_types import FloatTensorType as MLFloat

    def ml_types(X):
        return [("X", MLFloat([None, np.asarray(X).shape[1]]))]

    Xtr, Xte, ytr, yte, names = data_breast_cancer()
    m = xgboost.XGBClassifier(n_estimators=20, max_depth=3, learning_rate=0.3, n_jobs=1,
                              random_state=SEED).fit(Xtr, ytr)
    onx = onnxmltools.convert_xgboost(m, initial_types=ml_types(Xtr), target_opset=15)
    export("breast_cancer_xgb", m, dataset="breast_cancer", estimator="XGBClassifier (onnxmltools)",
           task="classification", description="Binary XGBClassifier(20 trees, depth 3) on breast_cancer, onnxmltools",
           X_test=Xte, onx=onx, target_opset=15, feature_names=names)
    m = lightgbm.LGBMClassifier(n_estimators=20, num_leaves=8, n_jobs=1, deterministic=True,
                                random_state=SEED, verbose=-1).fit(Xtr, ytr)
    onx = onnxmltools.convert_lightgbm(m, initial_types=ml_types(Xtr), target_opset=15)
    export("breast_cancer_lgbm", m, dataset="breast_cancer", estimator="LGBMClassifier (onnxmltools)",
           task="classification", description="Binary LGBMClassifier(20 trees, 8 leaves) on breast_cancer, onnxmltools",
           X_test=Xte, onx=onx, target_opset=15, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_wine()
    m = xgboost.XGBClassifier(n_estimators=10, max_depth=3, learning_rate=0.3, n_jobs=1,
                              random_state=SEED).fit(Xtr, ytr)
    onx = onnxmltools.convert_xgboost(m, initial_types=ml_types(Xtr), target_opset=15)
    export("wine_xgb", m, dataset="wine", estimator="XGBClassifier (onnxmltools)",
           task="classification", description="Multiclass XGBClassifier(10 rounds x 3 classes, depth 3) on wine, onnxmltools",
           X_test=Xte, onx=onx, target_opset=15, feature_names=names)
    m = lightgbm.LGBMClassifier(n_estimators=10, num_leaves=8, min_child_samples=5, n_jobs=1,
                                deterministic=True, random_state=SEED, verbose=-1).fit(Xtr, ytr)
    onx = onnxmltools.convert_lightgbm(m, initial_types=ml_types(Xtr), target_opset=15)
    export("wine_lgbm", m, dataset="wine", estimator="LGBMClassifier (onnxmltools)",
           task="classification", description="Multiclass LGBMClassifier(10 rounds x 3 classes, 8 leaves) on wine, onnxmltools",
           X_test=Xte, onx=onx, target_opset=15, feature_names=names)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    m = xgboost.XGBRegressor(n_estimators=30, max_depth=3, learning_rate=0.1, n_jobs=1,
                             random_state=SEED).fit(Xtr, ytr)
    onx = onnxmltools.convert_xgboost(m, initial_types=ml_types(Xtr), target_opset=15)
    export("diabetes_xgb", m, dataset="diabetes", estimator="XGBRegressor (onnxmltools)",
           task="regression", description="XGBRegressor(30 trees, depth 3) on diabetes, onnxmltools",
           X_test=Xte, onx=onx, target_opset=15, feature_names=names)
    m = lightgbm.LGBMRegressor(n_estimators=30, num_leaves=8, n_jobs=1, deterministic=True,
                               random_state=SEED, verbose=-1).fit(Xtr, ytr)
    onx = onnxmltools.convert_lightgbm(m, initial_types=ml_types(Xtr), target_opset=15)
    export("diabetes_lgbm", m, dataset="diabetes", estimator="LGBMRegressor (onnxmltools)",
           task="regression", description="LGBMRegressor(30 trees, 8 leaves) on diabetes, onnxmltools",
           X_test=Xte, onx=onx, target_opset=15, feature_names=names)


def tree_ensemble_v5(classifier_onx, post_transform, n_inputs, name):
    """The TreeEnsembleClassifier (ai.onnx.ml 1/3) of a skl2onnx model, rewritten as one
    ai.onnx.ml 5 TreeEnsemble node that outputs the class scores (`scores`, [N, classes]).

    No exporter writes opset-5 trees yet; this is the form fathom must also read. Opset 5 has
    no base_values, so the scores leave them out (onnxruntime is the reference, not sklearn).
    """
    from onnx import helper, numpy_helper

    node = next(n for n in classifier_onx.graph.node if n.op_type == "TreeEnsembleClassifier")
    a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
    classes = len(a.get("classlabels_int64s") or a.get("classlabels_strings"))
    tree_ids, node_ids = list(a["nodes_treeids"]), list(a["nodes_nodeids"])
    modes = [m.decode() for m in a["nodes_modes"]]
    key = {(t, n): i for i, (t, n) in enumerate(zip(tree_ids, node_ids))}
    # Interior nodes and leaves are numbered apart in opset 5.
    interior = [i for i, m in enumerate(modes) if m != "LEAF"]
    leaves = [i for i, m in enumerate(modes) if m == "LEAF"]
    interior_index = {i: j for j, i in enumerate(interior)}
    leaf_index = {i: j for j, i in enumerate(leaves)}
    mode_code = {"BRANCH_LEQ": 0, "BRANCH_LT": 1, "BRANCH_GTE": 2, "BRANCH_GT": 3, "BRANCH_EQ": 4, "BRANCH_NEQ": 5}

    def child(tree, node_id):
        i = key[(tree, node_id)]
        return (leaf_index[i], 1) if modes[i] == "LEAF" else (interior_index[i], 0)

    true_ids, true_leafs, false_ids, false_leafs = [], [], [], []
    for i in interior:
        t = tree_ids[i]
        c, leaf = child(t, a["nodes_truenodeids"][i])
        true_ids.append(c)
        true_leafs.append(leaf)
        c, leaf = child(t, a["nodes_falsenodeids"][i])
        false_ids.append(c)
        false_leafs.append(leaf)
    # Opset 5 gives each leaf one target and one weight; a multiclass gradient-boosting
    # model's leaves have exactly one class weight each.
    leaf_targets, leaf_weights = [0] * len(leaves), [0.0] * len(leaves)
    weighted = set()
    for t, n, c, w in zip(a["class_treeids"], a["class_nodeids"], a["class_ids"], a["class_weights"]):
        j = leaf_index[key[(t, n)]]
        assert j not in weighted, "a leaf with two class weights has no opset-5 form"
        weighted.add(j)
        leaf_targets[j] = c
        leaf_weights[j] = w
    tree_roots = [interior_index[key[(t, 0)]] for t in sorted(set(tree_ids))]
    te = helper.make_node(
        "TreeEnsemble", ["X"], ["scores"], domain="ai.onnx.ml",
        n_targets=classes, aggregate_function=1, post_transform=post_transform,
        tree_roots=tree_roots,
        nodes_featureids=[a["nodes_featureids"][i] for i in interior],
        nodes_splits=numpy_helper.from_array(
            np.array([a["nodes_values"][i] for i in interior], dtype=np.float32), "nodes_splits"),
        nodes_modes=numpy_helper.from_array(
            np.array([mode_code[modes[i]] for i in interior], dtype=np.uint8), "nodes_modes"),
        nodes_truenodeids=true_ids, nodes_trueleafs=true_leafs,
        nodes_falsenodeids=false_ids, nodes_falseleafs=false_leafs,
        leaf_targetids=leaf_targets,
        leaf_weights=numpy_helper.from_array(np.array(leaf_weights, dtype=np.float32), "leaf_weights"))
    graph = helper.make_graph(
        [te], name,
        [helper.make_tensor_value_info("X", onnx.TensorProto.FLOAT, [None, n_inputs])],
        [helper.make_tensor_value_info("scores", onnx.TensorProto.FLOAT, [None, classes])])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("ai.onnx.ml", 5)],
        producer_name="make-zoo.py", producer_version="tree_ensemble_v5")
    model.ir_version = 10
    return model


def zoo_tree_ensemble_v5():
    # A multiclass gradient-boosting model (one class weight per leaf) under each opset-5
    # post_transform code: 0 NONE, 1 SOFTMAX, 2 LOGISTIC, 3 SOFTMAX_ZERO, 4 PROBIT.
    Xtr, Xte, ytr, yte, names = data_iris()
    m = GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=SEED).fit(Xtr, ytr)
    onx = convert(m, [("X", FloatTensorType([None, Xtr.shape[1]]))], ML1, {"zipmap": False})
    for code, transform in enumerate(["none", "softmax", "logistic", "softmax_zero", "probit"]):
        name = "iris_tree5_" + transform
        note = "; expected from onnxruntime with codes 1 and 2 swapped back" if code in (1, 2) else ""
        export(name, None, dataset="iris", estimator="GradientBoostingClassifier as TreeEnsemble (ai.onnx.ml 5)",
               task="regression",
               description="GradientBoostingClassifier(5 rounds, depth 2) on iris rewritten as one ai.onnx.ml 5 "
                           "TreeEnsemble, post_transform %d (%s), class scores out%s" % (code, transform.upper(), note),
               X_test=Xte, onx=tree_ensemble_v5(onx, code, Xtr.shape[1], name), feature_names=names)


def torch_export(module, example, input_names, output_names, dynamic_axes):
    import io

    import torch

    buf = io.BytesIO()
    torch.onnx.export(module, (example,), buf, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic_axes, opset_version=17, dynamo=False)
    return onnx.load_model_from_string(buf.getvalue())


def zoo_torch():
    try:
        import torch
    except ImportError:
        print("torch is not installed: skipping the torch.onnx models")
        return
    from torch import nn

    torch.manual_seed(SEED)
    torch.set_num_threads(1)

    Xtr, Xte, ytr, yte, names = data_diabetes()
    x = torch.tensor(Xtr, dtype=torch.float32)
    y = torch.tensor(((ytr - ytr.mean()) / ytr.std()).reshape(-1, 1), dtype=torch.float32)
    mlp = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = torch.optim.Adam(mlp.parameters(), lr=0.01)
    for _ in range(300):
        opt.zero_grad()
        loss = nn.functional.mse_loss(mlp(x), y)
        loss.backward()
        opt.step()
    mlp.eval()
    onx = torch_export(mlp, torch.zeros(1, 10), ["X"], ["variable"],
                       {"X": {0: "batch"}, "variable": {0: "batch"}})
    export("diabetes_torch_mlp", None, dataset="diabetes (standardised target)",
           estimator="torch MLP 10-16-1 (torch.onnx)", task="regression",
           description="torch nn.Sequential(Linear 10x16, ReLU, Linear 16x1) on diabetes (standardised target), "
                       "torch.onnx with a dynamic batch axis",
           X_test=Xte, onx=onx, target_opset=17, feature_names=names)

    class Conv1dNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(1, 4, kernel_size=5, padding=2)
            self.pool = nn.MaxPool1d(2)
            self.fc = nn.Linear(4 * 32, 10)

        def forward(self, x):
            h = self.pool(torch.relu(self.conv(x.unsqueeze(1))))
            logits = self.fc(torch.flatten(h, 1))
            return torch.argmax(logits, dim=1), torch.softmax(logits, dim=1)

        def logits(self, x):
            h = self.pool(torch.relu(self.conv(x.unsqueeze(1))))
            return self.fc(torch.flatten(h, 1))

    Xtr, Xte, ytr, yte, names = data_digits()
    net = Conv1dNet()
    x = torch.tensor(Xtr / 16.0, dtype=torch.float32)
    y = torch.tensor(ytr, dtype=torch.int64)
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(150):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net.logits(x), y)
        loss.backward()
        opt.step()
    net.eval()
    onx = torch_export(net, torch.zeros(1, 64), ["X"], ["label", "probabilities"],
                       {"X": {0: "batch"}, "label": {0: "batch"}, "probabilities": {0: "batch"}})
    export("digits_torch_conv1d", None, dataset="digits (pixels / 16)",
           estimator="torch Conv1d+MaxPool+Linear (torch.onnx)", task="classification",
           description="torch 1-D conv net (Conv1d 1x4 k5, ReLU, MaxPool 2, Linear 128x10) on digits rows, "
                       "label = ArgMax, probabilities = Softmax; torch.onnx with a dynamic batch axis",
           X_test=Xte / 16.0, onx=onx, target_opset=17)


# --------------------------------------------------------------------------
# Default models embedded in fathom
# --------------------------------------------------------------------------

DEFAULT_OPSET = {"": 17, "ai.onnx.ml": 3}

IRIS_FEATURES = [
    ("sepal_length", "Sepal length"),
    ("sepal_width", "Sepal width"),
    ("petal_length", "Petal length"),
    ("petal_width", "Petal width"),
]

DIABETES_FEATURES = [
    ("age", "integer", "years", "Age"),
    ("sex", "integer", None, "Sex (coded 1 or 2)"),
    ("bmi", "number", "kg/m²", "Body mass index"),
    ("bp", "number", "mm Hg", "Average blood pressure"),
    ("s1", "number", "mg/dL", "tc: total serum cholesterol"),
    ("s2", "number", "mg/dL", "ldl: low-density lipoproteins"),
    ("s3", "number", "mg/dL", "hdl: high-density lipoproteins"),
    ("s4", "number", None, "tch: total cholesterol / HDL ratio"),
    ("s5", "number", None, "ltg: log of serum triglycerides level"),
    ("s6", "number", "mg/dL", "glu: blood sugar level"),
]


def num(x, integer=False):
    """A data-derived number as a short JSON value (int for integer features)."""
    r = round(float(x), 6)
    return int(r) if integer else r


def write_default(name, model, onx, schema, X_eval, task, description, dataset, estimator):
    # The embedded file and the zoo copy are byte-identical.
    _, data = export("default_" + name, model, dataset=dataset, estimator=estimator,
                     task=task, description=description, X_test=X_eval,
                     feature_names=[f["name"] for f in schema["features"]], onx=onx,
                     graph_name=name, target_opset=DEFAULT_OPSET)
    os.makedirs(DEFAULT_DIR, exist_ok=True)
    with open(os.path.join(DEFAULT_DIR, name + ".onnx"), "wb") as f:
        f.write(data)
    write_json(os.path.join(DEFAULT_DIR, name + ".schema.json"), schema)
    keep = os.path.join(DEFAULT_DIR, ".keep")
    if os.path.exists(keep):
        os.remove(keep)


def default_iris():
    d = load_iris()
    X, y = d.data, IRIS_SPECIES[d.target]
    m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=SEED)).fit(X, y)
    onx = convert(m, [("X", FloatTensorType([None, 4]))], DEFAULT_OPSET, {id(m): {"zipmap": False}})
    description = "Iris species from flower measurements"
    schema = {
        "description": description,
        "features": [
            {
                "name": n,
                "type": "number",
                "unit": "cm",
                "description": desc,
                "min": num(X[:, i].min()),
                "max": num(X[:, i].max()),
                "default": num(np.median(X[:, i])),
            }
            for i, (n, desc) in enumerate(IRIS_FEATURES)
        ],
    }
    write_default("iris", m, onx, schema, X, "classification", description, "iris (all 150 rows)",
                  "StandardScaler+LogisticRegression (string labels)")


def default_diabetes():
    d = load_diabetes(scaled=False)
    X, y = d.data, d.target
    m = GradientBoostingRegressor(n_estimators=100, max_depth=3, random_state=SEED).fit(X, y)
    onx = convert(m, [("X", FloatTensorType([None, 10]))], DEFAULT_OPSET)
    description = "Diabetes disease progression one year after baseline, from raw clinical measurements"
    features = []
    for i, (n, typ, unit, desc) in enumerate(DIABETES_FEATURES):
        f = {"name": n, "type": typ}
        if unit:
            f["unit"] = unit
        f["description"] = desc
        integer = typ == "integer"
        f["min"] = num(X[:, i].min(), integer)
        f["max"] = num(X[:, i].max(), integer)
        f["default"] = num(np.median(X[:, i]), integer)
        features.append(f)
    schema = {"description": description, "features": features}
    write_default("diabetes", m, onx, schema, X[:100], "regression", description,
                  "diabetes raw units (first 100 rows)", "GradientBoostingRegressor(100 trees, depth 3)")


# --------------------------------------------------------------------------
# Self-check: the JSON alone must reproduce onnxruntime's outputs exactly
# --------------------------------------------------------------------------

NP_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64,
             "int32": np.int32, "bool": np.bool_, "string": object}


def from_jnum(v):
    return float(v) if isinstance(v, str) else v


def verify(name):
    with open(os.path.join(ZOO_DIR, name + ".expected.json")) as f:
        exp = json.load(f)
    feeds = {}
    for k, t in exp["inputs"].items():
        vals = t["data"] if t["dtype"] == "string" else [from_jnum(v) for v in t["data"]]
        feeds[k] = np.array(vals, dtype=NP_DTYPES[t["dtype"]]).reshape(t["shape"])
    with open(os.path.join(ZOO_DIR, name + ".onnx"), "rb") as f:
        model = onnx.load_model_from_string(f.read())
    graph_outputs = [o.name for o in model.graph.output]
    assert list(exp["outputs"]) == graph_outputs, (name, list(exp["outputs"]), graph_outputs)
    names, results = run_ort(model.SerializeToString(), feeds)
    again = {n: output_json(r) for n, r in zip(names, results)}
    assert json.dumps(again, sort_keys=True) == json.dumps(exp["outputs"], sort_keys=True), name


def inventory():
    """Print every (domain, op_type) in the zoo with the attributes it uses."""
    ops, irs, opsets = {}, {}, {}
    for fn in sorted(os.listdir(ZOO_DIR)):
        if not fn.endswith(".onnx"):
            continue
        m = onnx.load(os.path.join(ZOO_DIR, fn))
        irs.setdefault(m.ir_version, []).append(fn[:-5])
        for o in m.opset_import:
            names = opsets.setdefault((o.domain or "ai.onnx", o.version), [])
            if fn[:-5] not in names:
                names.append(fn[:-5])
        for node in m.graph.node:
            key = (node.domain or "ai.onnx", node.op_type)
            entry = ops.setdefault(key, {"attrs": {}, "models": set()})
            entry["models"].add(fn[:-5])
            for a in node.attribute:
                kind = onnx.AttributeProto.AttributeType.Name(a.type)
                info = entry["attrs"].setdefault(a.name, {"types": set(), "values": set()})
                info["types"].add(kind)
                value = onnx.helper.get_attribute_value(a)
                if kind == "STRING":
                    info["values"].add(value.decode())
                elif kind == "INT":
                    info["values"].add(str(value))
                elif kind == "STRINGS" and a.name in ("nodes_modes",):
                    info["values"].update(v.decode() for v in value)
    print("IR versions:")
    for v in sorted(irs):
        print("  %d: %s" % (v, ", ".join(sorted(irs[v]))))
    print("opsets:")
    for (d, v) in sorted(opsets):
        print("  %s %d: %s" % (d, v, ", ".join(sorted(opsets[(d, v)]))))
    print("ops:")
    for (d, t) in sorted(ops):
        e = ops[(d, t)]
        attrs = ", ".join(
            "%s:%s%s" % (k, "/".join(sorted(v["types"])),
                         "=" + "|".join(sorted(v["values"])) if v["values"] else "")
            for k, v in sorted(e["attrs"].items()))
        print("  %s %s [%d models] attrs: %s" % (d, t, len(e["models"]), attrs or "-"))


def main():
    if sys.argv[1:] == ["--inventory"]:
        inventory()
        return
    os.makedirs(ZOO_DIR, exist_ok=True)
    only = set(sys.argv[1:])
    steps = [zoo_linear, zoo_trees, zoo_mlp, zoo_pipelines, default_iris, default_diabetes,
             zoo_svm, zoo_bayes, zoo_ensembles, zoo_transforms, zoo_neighbors, zoo_boosting_libs, zoo_torch,
             zoo_tree_ensemble_v5]
    for step in steps:
        if only and step.__name__ not in only:
            continue
        step()
    if not only:
        write_json(os.path.join(ZOO_DIR, "index.json"), INDEX)
    for entry in INDEX:
        verify(entry["name"])
    print("verified %d models against their expected.json" % len(INDEX))
    print("sklearn %s, skl2onnx %s, onnx %s, onnxruntime %s, numpy %s"
          % (sklearn.__version__, skl2onnx.__version__, onnx.__version__, ort.__version__, np.__version__))
    print("\n| name | data set | estimator | target_opset | opset_import | IR | ZipMap | inputs | outputs | feature_names |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s in SUMMARY:
        ops = ", ".join("%s %d" % (k, v) for k, v in sorted(s["opsets"].items()))
        ins = ", ".join("`%s` %s" % i for i in s["inputs"])
        outs = ", ".join("`%s` %s" % o for o in s["outputs"])
        print("| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |" % (
            s["name"], s["dataset"], s["estimator"], s["target_opset"], ops, s["ir_version"],
            "on" if s["zipmap"] else "off",
            ins, outs, "yes" if s["feature_names"] else "no"))


if __name__ == "__main__":
    main()
