#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains how to get one and fails.
# Rasa 3.6 needs Python >=3.8,<3.11: on 3.11+ pip silently installs the unrelated rasa 1.10.
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$v/bin/python")
  done
fi
for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*; do
  [ -x "$d/bin/python" ] && candidates+=("$d/bin/python")
done
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)

for c in "${candidates[@]}"; do
  if [ -x "$c" ] || command -v "$c" >/dev/null 2>&1; then
    if is_310 "$c"; then echo "$c"; exit 0; fi
    [ "$c" = "${PYTHON:-}" ] && echo "PYTHON=$c is not Python 3.10; ignoring it." >&2
  fi
done

cat >&2 <<'MSG'
i-Mentor needs Python 3.10 (Rasa Open Source 3.6 does not install on 3.11 or newer).
None was found on PATH, under pyenv, or in $PYTHON. Any one of these fixes it:
  pyenv install 3.10.13            # then run make again
  sudo apt-get install python3.10 python3.10-venv
  make run PYTHON=/path/to/python3.10
MSG
exit 1
