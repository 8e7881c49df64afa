# Two commands do all the set-up on a fresh machine:
#   make run    install everything, build the index, answer an example question
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= How many proposals are in the package?

.PHONY: run install index ask test lint unit gate eval bench clean

run: index ask

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

index: install
	$(BIN)/orderbot ingest

ask: install
	$(BIN)/orderbot ask "$(QUESTION)"

lint: install
	$(BIN)/ruff check src app tests benchmarks
	$(BIN)/ruff format --check src app tests benchmarks
	$(BIN)/mypy

test: lint unit gate

unit: install
	$(BIN)/pytest

# The release gate: the evaluation set must not score worse than the committed baseline.
gate: index
	$(BIN)/orderbot eval --baseline eval/baseline/metrics.json --out eval/runs/latest

eval: index
	$(BIN)/orderbot eval

bench: index
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) index/*/ .pytest_cache .mypy_cache .ruff_cache
