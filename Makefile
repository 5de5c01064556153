# Klageflow: `make run` sets everything up and runs the system; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
NODE_STAMP := node_modules/.installed
NODE_RUN_STAMP := node_modules/.installed-run
# The port `make run` serves on: `make run PORT=8001`.
PORT ?= 8000
# Debian packages the system needs at run time (Pango, HarfBuzz and a font for WeasyPrint's
# PDF letters), and those the test suite needs besides (PostgreSQL server, Chromium for
# browser tests, poppler-utils to draw letters' pages).
DEBIAN_PACKAGES ?= libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBIAN_PACKAGES ?= postgresql chromium poppler-utils
export SCARF_ANALYTICS := false

.PHONY: setup run test lint bench clean

# Everything, test tools included (tests, lint, bench).
setup: $(STAMP) $(NODE_STAMP)

# The test install holds all that `run` needs, so it marks the run install done as well.
$(STAMP): pyproject.toml constraints.txt
	scripts/install-system-packages.sh $(DEBIAN_PACKAGES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP) $(RUN_STAMP)

$(NODE_STAMP): package.json package-lock.json
	command -v npm >/dev/null || scripts/install-system-packages.sh nodejs npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	npm run --silent bundle
	touch $(NODE_STAMP) $(NODE_RUN_STAMP)

# What the running system needs, without the test tools (pytest, Playwright, axe-core, ...).
$(RUN_STAMP): pyproject.toml constraints.txt
	scripts/install-system-packages.sh $(DEBIAN_PACKAGES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(RUN_STAMP)

$(NODE_RUN_STAMP): package.json package-lock.json
	command -v npm >/dev/null || scripts/install-system-packages.sh nodejs npm
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	npm run --silent bundle
	touch $(NODE_RUN_STAMP)

run: $(RUN_STAMP) $(NODE_RUN_STAMP)
	$(BIN)/klageflow run --port $(PORT)

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
