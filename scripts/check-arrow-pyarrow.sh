#!/usr/bin/env bash
# Peer check of floe's Arrow IPC writer: a Swift test writes a sample FlowBatch file plus
# its expectations (JSON), then pyarrow (ipc.open_file, feather.read_table) and DuckDB
# read it and compare schema, metadata and every row.
#   usage: scripts/check-arrow-pyarrow.sh [FILE]
# With FILE, checks that existing file (FILE.expected.json must be beside it) instead of
# writing a new sample. FLOE_VENV picks the Python environment (see python-env.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PY=$(scripts/python-env.sh)
if [ $# -ge 1 ]; then
  file=$1
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  file="$dir/sample.arrow"
  FLOE_ARROW_SAMPLE="$file" swift test --filter PeerSampleTests >"$dir/swift-test.log" 2>&1 \
    || { cat "$dir/swift-test.log"; echo "swift test failed" >&2; exit 1; }
fi
"$PY" scripts/check_arrow_pyarrow.py "$file"
