# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow test-all lint clean browser spark bench wheel-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test,runtimes]"
	touch $(STAMP)

## The main job: score, profile and plot the seeds, FA-KES and AllSides into runs/<time>/.
demo: $(STAMP)
	$(BIN)/framing run

## Headless Chromium and its driver for the report's browser test (Debian packages; needs root or sudo).
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

## Spark for its test (tests/scoring/test_distributed.py): a Java runtime (Debian's, needs root or sudo)
## and pyspark in the venv; Spark is not a dependency of framing.
spark: $(STAMP)
	@if command -v java >/dev/null; then :; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; \
	fi
	$(BIN)/pip install --quiet pyspark==4.3.0

## The tests not marked slow, on two processes: what a developer runs after each change (about a minute).
test: $(STAMP)
	SE_OFFLINE=1 $(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not slow"

## The slow tests (real packaged encoder, whole corpora, headless Chromium, fresh processes, long simulations).
test-slow: $(STAMP) browser spark
	SE_OFFLINE=1 $(BIN)/python -m pytest -q -n 2 --dist loadfile -m slow

## Every test, as CI runs them.
test-all: test test-slow

## Speed and memory of scoring (README, "Speed"): a few minutes.
bench: $(STAMP)
	$(BIN)/framing benchmark --out runs/benchmark.json

## Build the wheel, install it in a fresh venv and run the CLI outside the checkout.
wheel-check: $(STAMP)
	PYTHON=$(PYTHON) bash .ci/wheel-check

lint: $(STAMP)
	$(BIN)/ruff check framing tests

clean:
	rm -rf $(VENV) runs
