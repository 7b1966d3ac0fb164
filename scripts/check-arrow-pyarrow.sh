#!/usr/bin/env bash
# Peer check of floe's Arrow IPC writer: `floe-dev arrow-sample` writes a sample FlowBatch
# file plus its expectations (JSON), then pyarrow (ipc.open_file, feather.read_table) and
# DuckDB read it and compare schema, metadata and every row; `floe-dev arrow-read` then
# reads the files pyarrow wrote from it.
#   usage: scripts/check-arrow-pyarrow.sh [FILE]
# With FILE, checks that existing file (FILE.expected.json must be beside it) instead of
# writing a new sample. FLOE_VENV picks the Python environment (see python-env.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PY=$(scripts/python-env.sh)
swift build --product floe-dev >/dev/null
dev=$(swift build --show-bin-path)/floe-dev
if [ $# -ge 1 ]; then
  file=$1
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  file="$dir/sample.arrow"
  "$dev" arrow-sample --output "$file"
fi
"$PY" scripts/check_arrow_pyarrow.py "$file"
if [ $# -eq 0 ]; then
  # The reverse direction: floe's reader on the files pyarrow just wrote.
  "$dev" arrow-read "$file.pyarrow.arrow" "$file.pyarrow.feather" --compressed "$file.pyarrow-lz4.feather" \
    || { echo "floe could not read the pyarrow-written files" >&2; exit 1; }
  echo "OK: floe's reader decodes the pyarrow-written files to the same rows"
fi
