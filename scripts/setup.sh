#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs the pinned dependencies (idempotent, quick when done).
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.installed
want=$(cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/rasa ]; then
  exit 0
fi

# A .venv from another Python, or left half-made by an interrupted set-up, is made anew.
if [ ! -x .venv/bin/python ] \
   || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null \
   || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  py=$(scripts/find-python.sh)
  echo "Creating .venv with $py ($("$py" --version))"
  rm -rf .venv
  "$py" -m venv .venv
fi

echo "Installing pinned dependencies into .venv (the first time takes 2-3 minutes, ~2.7 GB)..."
.venv/bin/python -m pip install --quiet --upgrade "pip<25" wheel -c constraints.txt
.venv/bin/python -m pip install --quiet -r requirements.txt -c constraints.txt
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
echo "$want" > "$stamp"
echo "Dependencies installed."
