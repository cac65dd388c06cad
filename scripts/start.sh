#!/usr/bin/env bash
# Set up (venv, install, model conversion, index of corpus/ when missing) and start the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# `protokoll serve` converts the model on first use and builds the index when it is missing.
exec .venv/bin/protokoll serve "$@"
