-- wrk script for scripts/bench-server.sh: POST one iris flower to /predict as JSON,
-- the same payload for every server.
wrk.method = "POST"
wrk.path = "/predict"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'
