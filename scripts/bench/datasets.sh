#!/usr/bin/env bash
# The benchmarks' generated input: 10 M clean flows (plus 1 % dirty companions) of the
# generic-csv dialect, gzip, seed 2, over DAYS days from 2026-11-01 (7: the week the
# project's figures started with; 90: users' retention, many day partitions). Generated
# once into BENCH_DIR (default /tmp/floe-bench) with the release `floe generate`; prints
# the file's path.
#   usage: scripts/bench/datasets.sh DAYS [ROWS=10000000]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
days=${1:?days}
rows=${2:-10000000}
work=${BENCH_DIR:-/tmp/floe-bench}
mkdir -p "$work"
if [ "$days" = 7 ]; then gz="$work/dirty-$rows.csv.gz"; else gz="$work/dirty-$rows-${days}d.csv.gz"; fi
if [ ! -f "$gz" ]; then
  swift build -c release --product floe >&2
  bin=$(swift build -c release --show-bin-path)
  "$bin/floe" generate --rows "$rows" --days "$days" --seed 2 --dialect generic-csv --dirt 0.01 --gzip --output "$gz" >&2
fi
echo "$gz"
