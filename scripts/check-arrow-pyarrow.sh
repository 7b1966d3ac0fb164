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
if [ $# -eq 0 ]; then
  # The reverse direction: floe's reader on the files pyarrow just wrote.
  FLOE_ARROW_SAMPLE="$file" FLOE_ARROW_PEER_FILES="$file.pyarrow.arrow:$file.pyarrow.feather" \
  FLOE_ARROW_PEER_COMPRESSED="$file.pyarrow-lz4.feather" \
    swift test --filter PeerSampleTests >"$dir/swift-read.log" 2>&1 \
    || { cat "$dir/swift-read.log"; echo "floe could not read the pyarrow-written files" >&2; exit 1; }
  grep -E "peer file" "$dir/swift-read.log" || true
  echo "OK: floe's reader decodes the pyarrow-written files to the same rows"
fi
