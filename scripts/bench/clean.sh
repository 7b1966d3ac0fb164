#!/usr/bin/env bash
# Ingest + clean benchmark: floe-ingest then floe-clean (release build) on a generated gzip
# generic CSV with injected dirt, side by side with the same kind of work done by DuckDB,
# polars and pandas (scripts/bench/clean_peers.py: read, filter by the rules, dedupe, write
# day-partitioned Parquet). Whole processes, alternating runs, median; peak memory too.
# Runs on each dataset of DAYS (scripts/bench/datasets.sh: 10 M rows over 7 and over 90
# days; the reference time for future_skew is the day after the last one).
#   usage: scripts/bench/clean.sh [ROWS=10000000] [RUNS=3] [PEERS="duckdb polars pandas"] [DAYS="7 90"]
# Figures are appended to scripts/bench/results/clean.md (and .json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-10000000}
runs=${2:-3}
peers=${3:-duckdb polars pandas}
work=${BENCH_DIR:-/tmp/floe-bench}
mkdir -p "$work" scripts/bench/results
out=scripts/bench/results/clean.md

swift build -c release >&2
bin=$(swift build -c release --show-bin-path)
PY=$(scripts/python-env.sh polars pyarrow)

days_list=${4:-7 90}
{
  echo "# ingest + clean benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} >> "$out"
for days in $days_list; do
  gz=$(scripts/bench/datasets.sh "$days" "$rows")
  size=$(stat -c %s "$gz")
  reference=$(date -u -d "2026-11-01 + $((days + 1)) days" +%Y-%m-%dT00:00:00Z)
  # Each tool's previous output is removed before its run, untimed (--prepare).
  floe="$bin/floe-ingest --quiet --output $work/clean-raw $gz && $bin/floe-clean --reference-time $reference --output $work/clean-flows $work/clean-raw >/dev/null"
  cmds=("floe=$floe")
  prep=("--prepare" "floe=rm -rf $work/clean-raw $work/clean-flows")
  for p in $peers; do
    cmds+=("$p=$PY scripts/bench/clean_peers.py $p $gz $work/clean-$p")
    prep+=("--prepare" "$p=rm -rf $work/clean-$p")
  done
  "$PY" scripts/bench/runner.py --title "ingest + clean, $(basename "$gz") ($rows clean rows + 1 % dirty, $days days)" --rows "$rows" --bytes "$size" \
    --runs "$runs" --ref floe --out "$out" "${prep[@]}" "${cmds[@]}"
done
echo "results appended to $out" >&2
