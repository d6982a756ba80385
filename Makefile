# fathom — build, run and test. `make run` and `make test` install what is missing first.
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
# make test builds fathom's own targets with warnings as errors on CI (CI set, or
# WARNINGS_AS_ERRORS=1 as .ci/run passes). SwiftPM leaves the flag off remote dependencies, which
# it builds with warnings suppressed, so a dependency's warning cannot fail the build. Not by
# default: a local `swift build` without the flag would then rebuild fathom's targets each time.
WARNINGS_AS_ERRORS ?= $(CI)
WARNING_FLAGS := $(if $(WARNINGS_AS_ERRORS),-Xswiftc -warnings-as-errors)
# Debian packages the build and the tests need: libedit for the line editor, pkg-config
# to find it, tmux for the real-terminal tests, ONNX's backend node tests for the conformance suite,
# wrk for the test that checks `loadtest` against it, chromium and its driver for the web app's
# browser tests.
APT_PACKAGES := libedit-dev pkg-config tmux libonnx-testdata wrk chromium chromium-driver nginx
BENCH_APT_PACKAGES := wrk hyperfine

# fuzz: the fuzzers of Tests/ModelTests/FuzzTests.swift and Tests/NotebookTests/SessionFuzzTests.swift,
# longer than in make test.
.PHONY: fuzz all deps bench-deps build run test lint bench bench-model bench-plot bench-server bench-startup bench-loadtest check-deploy image clean

all: build

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "fathom needs these Debian packages:$$missing"; \
	    echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

bench-deps:
	@$(MAKE) --no-print-directory APT_PACKAGES="$(APT_PACKAGES) $(BENCH_APT_PACKAGES)" deps

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product fathom

# Opens the notebook on the embedded iris model.
run: build
	$(SWIFT) run $(SWIFT_BUILD_FLAGS) --skip-build fathom

test: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) $(WARNING_FLAGS) --build-tests
	$(SWIFT) test $(SWIFT_BUILD_FLAGS) $(WARNING_FLAGS) --skip-build

# Mutates every zoo model FUZZ_MUTATIONS times (make test does 40) and loads and runs each mutant;
# runs FUZZ_LINES random session-language lines per built-in model (make test: 1500, at most 8 s),
# from FUZZ_SEED (FUZZ_VERBOSE=1 prints each line first, to find the one that traps); and sends
# FATHOM_FUZZ_REQUESTS random requests to a live server (make test: 400).
fuzz: deps
	FUZZ_MUTATIONS=$${FUZZ_MUTATIONS:-2000} FUZZ_LINES=$${FUZZ_LINES:-50000} FATHOM_FUZZ_REQUESTS=$${FATHOM_FUZZ_REQUESTS:-20000} \
	  $(SWIFT) test $(SWIFT_BUILD_FLAGS) --filter 'ModelTests.FuzzTests|NotebookTests.SessionFuzzTests|ServerTests.HTTPFuzzTests'

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

# Regenerates every table of docs/PERFORMANCE.md.
bench: bench-model bench-server bench-startup bench-plot bench-loadtest

# fathom's inference speed against onnxruntime's Python API on the same zoo models.
bench-model: bench-deps
	scripts/bench-model.sh

# fathom serve against FastAPI + Pydantic + onnxruntime under uvicorn and gunicorn (wrk, loopback).
# Builds fathom in release into .build-release and the Python peers into .venv-peers.
bench-server: bench-deps
	scripts/bench-server.sh

# Time to the first prompt and to replay each transcript, against IPython's start-up.
bench-startup: bench-deps
	scripts/bench-startup.sh

# Terminal plot rendering against plotext.
bench-plot: bench-deps
	scripts/bench-plot.sh

# fathom loadtest against wrk on the same fathom serve, same duration and connections.
bench-loadtest: bench-deps
	scripts/bench-loadtest.sh

# Validates deploy/ strictly (scripts/check-deploy.sh): renders the kustomizations and runs
# kubernetes-validate --strict (pinned, in .venv-deploy), checks the KServe resources, nginx -t
# and systemd-analyze verify. A check whose tool is missing is skipped; REQUIRE_ALL=1 fails it.
check-deploy:
	@$(MAKE) --no-print-directory APT_PACKAGES="nginx" deps
	scripts/check-deploy.sh

# An OCI image FROM scratch with podman (scripts/build-image.sh: the release binary, its ldd
# closure, the models' resource bundle, USER 65532), then tested by exporting its root
# filesystem and serving from it under chroot (scripts/check-image.sh; needs root).
image:
	@$(MAKE) --no-print-directory APT_PACKAGES="podman" deps
	scripts/build-image.sh
	scripts/check-image.sh

clean:
	rm -rf .build
