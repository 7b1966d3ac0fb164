#!/usr/bin/env bash
# Creates (once) the project's own Python virtual environment for peer checks and
# benchmarks, and prints its python path. Packages come from PyPI through pip.
#   usage: PY=$(scripts/python-env.sh [extra-package ...])
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${FLOE_VENV:-$root/.venv-peers}"
base=(pyarrow duckdb numpy pandas)
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --upgrade pip >&2
fi
want=("${base[@]}" "$@")
missing=()
for p in "${want[@]}"; do
  mod=${p%%[=<>]*}
  case "$mod" in scikit-learn) mod=sklearn;; esac
  "$venv/bin/python" -c "import ${mod//-/_}" 2>/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  "$venv/bin/pip" install --quiet "${missing[@]}" >&2
fi
echo "$venv/bin/python"
