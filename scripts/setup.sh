#!/usr/bin/env bash
# Shared set-up for start.sh and test.sh: a virtual environment in .venv with the project installed, and
# Debian's tesseract (OCR of scanned PDFs) when it is missing and can be installed.
# torch is installed first and pinned (2.13.0): on this project's machines that is the CPU build;
# an unpinned torch would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== Creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.protokoll-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "== Installing (first time: a few minutes)"
  .venv/bin/pip install --quiet --disable-pip-version-check "torch==2.13.0"
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
  touch "$stamp"
fi
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx swe; then
  # OCR of scanned PDFs: Debian's tesseract with its Swedish model (without it, scans are refused by name).
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== Installing Debian's tesseract-ocr and tesseract-ocr-swe (OCR of scanned PDFs)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-swe >/dev/null \
      || echo "== tesseract could not be installed: scanned PDFs will be refused (sudo apt-get install tesseract-ocr tesseract-ocr-swe)"
  else
    echo "== tesseract-ocr-swe is not installed: scanned PDFs will be refused (sudo apt-get install tesseract-ocr tesseract-ocr-swe)"
  fi
fi
