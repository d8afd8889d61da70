# yibao-compare — run `make` for the list of targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help report test test-fast lab bench clean check-data mutation mutation-fresh

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

report: $(STAMP) ## create the environment if missing, then render every report into reports/
	$(BIN)/yibao render

test: $(STAMP) ## lint and run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# the tests that neither render notebooks nor open Chromium (markers render, browser), on both cores
test-fast: $(STAMP) ## lint and run the fast tests (no render, no browser) in parallel: about 2 min here
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n 2 -m "not render and not browser and not slow"

check-data: $(STAMP) ## validate data/ and print counts
	$(BIN)/yibao check-data

# JupyterLab refuses to start as root without --allow-root; ARGS= passes further options through.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
ARGS ?=

lab: $(STAMP) ## open JupyterLab on notebooks/ (as root too); options via ARGS="--port 8890 --no-browser"
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG) $(ARGS)

bench: $(STAMP) ## run the benchmarks and write benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py

# ulimit -v: a mutant that walks a loop forever while growing a list ends in MemoryError (a failed
# test, so killed) instead of taking the machine's memory (one grew to 9 GB)
mutation: $(STAMP) ## mutation testing of data, resolution, rules, formatting, cache (hours; resumable: stop with Ctrl-C, run again to go on); writes tests/MUTATION.md
	mkdir -p mutants
	start=$$(date +%s); (ulimit -v 6291456; HYPOTHESIS_PROFILE=mutation PYTHONPATH=$(CURDIR)/mutants/src \
	  nice -n 10 $(BIN)/mutmut run --max-children 2) || true; \
	echo $$(( $$(date +%s) - start )) >> mutants/run-seconds; \
	$(BIN)/python tests/mutation_report.py

mutation-fresh: ## forget every mutation result (mutants/) and start `make mutation` from scratch
	rm -rf mutants
	$(MAKE) mutation

clean: ## remove build output (reports/html, reports/executed, index, caches)
	rm -rf reports/html reports/executed reports/screenshots reports/index.html reports/.cache .pytest_cache .ruff_cache mutants
