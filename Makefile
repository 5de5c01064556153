# Klageflow: `make run` sets everything up and runs the system; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Debian packages the system needs at run time (Pango, HarfBuzz and a font for WeasyPrint's
# PDF letters), and those the test suite needs besides (PostgreSQL server, Chromium for
# browser tests, poppler-utils to draw letters' pages).
DEBIAN_PACKAGES ?= libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBIAN_PACKAGES ?= postgresql chromium poppler-utils
export SCARF_ANALYTICS := false

.PHONY: setup run test lint bench clean

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml constraints.txt
	scripts/install-system-packages.sh $(DEBIAN_PACKAGES)
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
