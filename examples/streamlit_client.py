"""Calls a fathom server the way a Streamlit frontend calls a FastAPI backend.

Start the server first:   fathom serve iris --port 8000
Then run:                 python3 examples/streamlit_client.py [http://127.0.0.1:8000]

In a Streamlit app the same calls sit behind widgets, e.g.
    petal_length = st.slider("petal_length", 1.0, 6.9, 4.35)
    answer = predict({"petal_length": petal_length, ...})
    st.metric("species", answer["label"])
Only `requests` is needed here; Streamlit is not.
"""

import os
import sys

import requests

BASE = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FATHOM_URL", "http://127.0.0.1:8000")
HEADERS = {"X-API-Key": os.environ["FATHOM_API_KEY"]} if os.environ.get("FATHOM_API_KEY") else {}


def predict(features: dict) -> dict:
    """POSTs features to /predict; returns the JSON answer or raises with FastAPI's messages."""
    response = requests.post(f"{BASE}/predict", json=features, headers=HEADERS, timeout=10)
    if response.status_code == 422:
        problems = [f"{'.'.join(str(p) for p in d['loc'][1:])}: {d['msg']}" for d in response.json()["detail"]]
        raise ValueError("invalid input: " + "; ".join(problems))
    response.raise_for_status()
    return response.json()


def initial_value(feature: dict):
    """What a widget for this feature starts at: the schema's default, else the middle of its
    range, else its first category, else zero (or false)."""
    if "default" in feature:
        return feature["default"]
    if feature.get("categories"):
        return feature["categories"][0]
    if feature.get("type") == "boolean":
        return False
    low, high = feature.get("minimum"), feature.get("maximum")
    if low is not None and high is not None:
        middle = (low + high) / 2
        return round(middle) if feature.get("type") == "integer" else middle
    return low if low is not None else high if high is not None else 0


def main() -> None:
    schema = requests.get(f"{BASE}/model", timeout=10).json()
    print(f"model {schema['name']} ({schema['task']}), features:", ", ".join(f["name"] for f in schema["features"]))

    # What a form built from /model would send before the user touches it.
    inputs = {f["name"]: initial_value(f) for f in schema["features"]}
    try:
        answer = predict(inputs)
    except ValueError as error:
        print(f"the server refused the form's initial values: {error}")
    else:
        shown = answer.get("label", answer.get("value"))
        print(f"prediction at the form's initial values: {shown}")
        for label, p in answer.get("probabilities", {}).items():
            print(f"  {label:12} {p:.3f}")

    # What a frontend shows when the user types something wrong: a 422 with every problem.
    first = schema["features"][0]
    bad = {first["name"]: "not a number", "unknown_feature": 1}
    try:
        predict(bad)
    except ValueError as error:
        print(error)


if __name__ == "__main__":
    main()
