#!/usr/bin/env bash
# Runs the whole test suite with the project's virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check engine web workflows tests bench
exec .venv/bin/python -m pytest -q "$@"
