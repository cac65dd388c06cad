#!/usr/bin/env bash
# Set up like start.sh, then run the whole check: ruff, mypy and pytest (real-model tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff";   .venv/bin/ruff check indexer app tests bench
echo "== mypy";   .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
