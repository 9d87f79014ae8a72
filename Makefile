# Two commands set everything up on a fresh machine with python3 and make:
#   make verify   create .venv, install the package, run the main job (convac-verify all)
#   make test     create/update .venv with the dev extras, run lint, types and the tests
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: verify test lint typecheck format test-slow bench bench-scale clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# editable installs are not byte-compiled (and PYTHONDONTWRITEBYTECODE may be set):
# compile once so every run does not recompile the package
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q convac_verify
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m compileall -q convac_verify
	touch $@ $(STAMP)

verify: $(STAMP)
	$(BIN)/convac-verify all

test: $(DEV_STAMP) lint typecheck
	$(BIN)/python -m pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-slow: $(DEV_STAMP)
	$(BIN)/python -m pytest -q --runslow -m slow

bench: $(STAMP)
	$(BIN)/python -m compileall -q convac_verify
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/networks.py
	$(BIN)/python benchmarks/sketch.py

bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build *.egg-info
