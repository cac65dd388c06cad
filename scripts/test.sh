#!/usr/bin/env bash
# Set up like start.sh, then run the whole check: ruff, mypy and pytest (real-model and browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The Ray build (`protokoll index --ray`, the optional `ray` extra) is tested for real: install it here only,
# not in setup.sh (start.sh does not need it).
ray_stamp=.venv/.protokoll-ray-installed
if [ ! -f "$ray_stamp" ] || [ pyproject.toml -nt "$ray_stamp" ] || ! .venv/bin/python -c "import ray.data" 2>/dev/null; then
  echo "== Installing the ray extra (Ray Data, for the --ray tests)"
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev,ray]"
  touch "$ray_stamp"
fi
if ! command -v chromium >/dev/null 2>&1; then
  # The browser test drives Debian's chromium (never a browser downloaded by a test tool).
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== Installing Debian's chromium for the browser test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "== chromium is not installed: the browser test will be skipped (sudo apt-get install chromium)"
  fi
fi
echo "== ruff";   .venv/bin/ruff check indexer app tests bench
echo "== mypy";   .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
