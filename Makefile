# Klageflow: `make run` sets everything up and runs the system; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Debian packages the test suite needs (PostgreSQL server, Chromium for browser tests).
TEST_DEBIAN_PACKAGES ?= postgresql chromium
export SCARF_ANALYTICS := false

.PHONY: setup run test lint bench clean

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	command -v npm >/dev/null || scripts/install-system-packages.sh nodejs npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

run: setup
	$(BIN)/klageflow run

test: setup
	scripts/install-system-packages.sh $(TEST_DEBIAN_PACKAGES)
	scripts/run-tests.sh

lint: setup
	$(BIN)/ruff check engine web workflows tests bench
	$(BIN)/ruff format --check engine web workflows tests bench
	$(BIN)/mypy engine workflows

bench: setup
	scripts/install-system-packages.sh postgresql
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules data .pytest_cache
