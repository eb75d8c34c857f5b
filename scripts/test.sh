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

echo "== installing sitegen with its test tools"
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
echo "== installing npm test tools (vnu-jar, axe-core, lunr)"
npm ci --no-audit --no-fund --loglevel=error

echo "== ruff"
ruff check sitegen tests bench
echo "== mypy"
mypy
echo "== pytest"
python3 -m pytest -q "$@"
