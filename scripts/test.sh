#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run every check:
# lint (ruff), types (mypy) and the test suite (pytest, with headless Chromium,
# the Nu HTML Checker, axe-core and linkchecker).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
if ! command -v java >/dev/null 2>&1; then
  echo "== installing a Java runtime for the Nu HTML Checker"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
fi

# The Python test tools go into a virtual environment of the project's own (.venv/), unless one
# is active: the system's Python may refuse `pip install` (PEP 668: Debian 12, Ubuntu 24.04).
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "== creating a virtual environment in .venv"
    if ! python3 -m venv .venv >/dev/null 2>&1; then
      echo "== installing python3-venv (Debian ships venv apart)"
      rm -rf .venv
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      python3 -m venv .venv
    fi
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
echo "== installing sitegen with its test tools into $(dirname "$(dirname "$(command -v python)")")"
python -m pip install -q --disable-pip-version-check -e '.[test]'
echo "== installing npm test tools (vnu-jar, axe-core, lunr)"
npm ci --no-audit --no-fund --loglevel=error

echo "== ruff"
ruff check sitegen tests bench
echo "== mypy"
mypy
echo "== pytest"
python -m pytest -q "$@"
