#!/usr/bin/env bash
# Runs the whole test suite: ruff and mypy, then pytest with a private PostgreSQL started for it.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check engine web workflows tests bench
.venv/bin/ruff format --check --quiet engine web workflows tests bench
.venv/bin/mypy engine workflows

pgdir=$(mktemp -d /tmp/klageflow-pg.XXXXXX)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'scripts/postgres.sh stop "$pgdir"; rm -rf "$pgdir"' EXIT
KLAGEFLOW_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pgdir" "$port")
export KLAGEFLOW_TEST_POSTGRES_URL

# Two workers (CI has two cores); each test file stays on one worker, so a module's server
# and browser are started once. KLAGEFLOW_TEST_WORKERS=0 runs everything in this process.
.venv/bin/python -m pytest -q --durations=30 -n "${KLAGEFLOW_TEST_WORKERS:-2}" --dist loadfile "$@"
