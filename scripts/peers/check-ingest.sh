#!/usr/bin/env bash
# Peer check of floe-ingest: floe generates a generic CSV (with injected bad rows), ingests
# it plain and gzipped, and pyarrow + DuckDB read floe's Arrow output; every value is
# compared with Python's own reading of the CSV (scripts/peers/check_ingest.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bin=${FLOE_BIN:-$(swift build --show-bin-path)}
[ -x "$bin/floe" ] && [ -x "$bin/floe-ingest" ] || swift build >&2
PY=$(scripts/python-env.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/floe" generate --rows 30000 --days 3 --seed 11 --dialect generic-csv --dirt 0.02 --output "$work/flows.csv" >/dev/null
# Rows that must be rejected: a leading-zero octet, a port out of range, a counter in
# exponent form, a missing field, and a line that is not UTF-8.
{
  echo '2026-11-01T00:00:00.000Z,2026-11-01T00:00:01.000Z,10.0.0.01,192.0.2.1,1,443,6,2,1,60,,,,,,,,,,,bad'
  echo '2026-11-01T00:00:00.000Z,2026-11-01T00:00:01.000Z,10.0.0.1,192.0.2.1,70000,443,6,2,1,60,,,,,,,,,,,bad'
  echo '2026-11-01T00:00:00.000Z,2026-11-01T00:00:01.000Z,10.0.0.1,192.0.2.1,1,443,6,2,1e3,60,,,,,,,,,,,bad'
  echo '2026-11-01T00:00:00.000Z,2026-11-01T00:00:01.000Z,10.0.0.1,192.0.2.1,1,443,6,2,1,60'
  printf '2026-11-01T00:00:00.000Z,2026-11-01T00:00:01.000Z,10.0.0.1,192.0.2.1,1,443,6,2,1,60,,,,,,,,,,,\xff\n'
} >> "$work/flows.csv"
gzip -c "$work/flows.csv" > "$work/flows.csv.gz"
"$bin/floe-ingest" --quiet --output "$work/plain" "$work/flows.csv"
"$bin/floe-ingest" --quiet --output "$work/gz" "$work/flows.csv.gz"
"$PY" scripts/peers/check_ingest.py "$work/flows.csv" "$work/plain"
"$PY" scripts/peers/check_ingest.py "$work/flows.csv" "$work/gz"
