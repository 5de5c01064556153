# Klageflow: `make run` sets everything up and runs the system; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system-packages run test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

system-packages:
	scripts/install-system-packages.sh

run: setup
	$(BIN)/klageflow run

test: setup system-packages
	scripts/run-tests.sh

lint: setup
	$(BIN)/ruff check engine web workflows tests bench
	$(BIN)/ruff format --check engine web workflows tests bench

bench: setup
	$(BIN)/python bench/engine_throughput.py

clean:
	rm -rf $(VENV) data .pytest_cache
