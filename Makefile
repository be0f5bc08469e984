# Two commands for a fresh machine: `make run` (the dashboard on the bundled seeds)
# and `make test` (the whole test suite). Both make their own virtual environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

.PHONY: run build test browser bench eval clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $(STAMP)

# Builds data/seeds from seeds/ when missing or stale, then serves http://127.0.0.1:8501
# (another table: `make run EVENTS_DATA=path/to/folder`).
run: $(STAMP)
	$(BIN)/python -m dashboard

build: $(STAMP)
	$(BIN)/python -m data_prep build seeds --out data/seeds

# Browser tests drive Debian's Chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install -y chromium" >&2; exit 1; fi; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# Benchmarks (benchmarks/README.md; results in benchmarks/out/): the build at 2,000 and 10,000
# articles on one core (~20 min), then reading, dates and the knowledge scanners. A quick look:
# `make bench BENCH_ARGS="--sizes 2000 --runs 1"`. The dashboard benchmarks need a million-event
# table first: see benchmarks/README.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_prep.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bench_io.py
	$(BIN)/python benchmarks/bench_dates.py
	$(BIN)/python benchmarks/bench_knowledge.py

# Extraction accuracy on real reports, when the reference set sits beside the repository
# (../shared/eval: not part of the product; the tests never need it).
EVAL ?= ../shared/eval
eval: $(STAMP)
	@test -d $(EVAL)/dev || { echo "no reference set at $(EVAL)" >&2; exit 1; }
	$(BIN)/python -m data_prep build $(EVAL)/dev --out data/eval-dev
	$(BIN)/python -m data_prep build seeds --out data/eval-seeds
	$(BIN)/python $(EVAL)/score.py $(EVAL)/dev_gold.yaml data/eval-dev/events.csv
	$(BIN)/python $(EVAL)/score.py $(EVAL)/seed_gold.yaml data/eval-seeds/events.csv

clean:
	rm -rf $(VENV) data
