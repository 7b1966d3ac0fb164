#!/usr/bin/env bash
# Ingest benchmark: floe-ingest (release build) side by side with polars, pyarrow, DuckDB
# and a plain zlib inflate, on the same generated file, gzipped and plain; for gzip also
# floe forced onto zlib (FLOE_GZIP_INFLATE=zlib) and ISA-L's `igzip -d` alone (Debian
# `isal`) when installed.
#   usage: scripts/bench/ingest.sh [ROWS=10000000] [RUNS=3] [DIALECT=generic-csv]
# Figures are appended to scripts/bench/results/ingest.md (and .json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-10000000}
runs=${2:-3}
dialect=${3:-generic-csv}
work=${BENCH_DIR:-/tmp/floe-bench}
mkdir -p "$work" scripts/bench/results
out=scripts/bench/results/ingest.md

swift build -c release --product floe >&2
swift build -c release --product floe-ingest >&2
bin=$(swift build -c release --show-bin-path)
PY=$(scripts/python-env.sh polars)

gz="$work/flows-$rows-$dialect.csv.gz"
plain="$work/flows-$rows-$dialect.csv"
if [ ! -f "$gz" ]; then
  "$bin/floe" generate --rows "$rows" --days 7 --seed 1 --dialect "$dialect" --gzip --output "$gz"
fi
if [ ! -f "$plain" ]; then
  "$bin/floe" generate --rows "$rows" --days 7 --seed 1 --dialect "$dialect" --output "$plain"
fi

{
  echo "# ingest benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  echo
  echo "machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo
} >> "$out"

for input in "$gz" "$plain"; do
  size=$(stat -c %s "$input")
  cmds=(
    "floe=$bin/floe-ingest --quiet --output $work/out-floe $input"
    "polars=$PY scripts/bench/ingest_peers.py polars $input $work/out-polars.arrow"
    "pyarrow=$PY scripts/bench/ingest_peers.py pyarrow $input $work/out-pyarrow.feather"
    "duckdb=$PY scripts/bench/ingest_peers.py duckdb $input $work/out-duckdb.parquet"
  )
  # Each tool's previous output is removed before its run, untimed.
  prep=(--prepare "floe=rm -rf $work/out-floe" --prepare "polars=rm -f $work/out-polars.arrow"
        --prepare "pyarrow=rm -f $work/out-pyarrow.feather" --prepare "duckdb=rm -f $work/out-duckdb.parquet")
  case "$input" in
    *.gz)
      cmds+=("zlib-inflate=$PY $root/scripts/bench/inflate.py $input")
      # floe on its zlib path (ISA-L is used when present), and ISA-L's own inflate alone.
      cmds+=("floe-zlib=FLOE_GZIP_INFLATE=zlib $bin/floe-ingest --quiet --output $work/out-floe-zlib $input")
      prep+=(--prepare "floe-zlib=rm -rf $work/out-floe-zlib")
      if command -v igzip >/dev/null; then
        cmds+=("igzip-inflate=igzip -d -c $input > /dev/null")
      fi
      ;;
  esac
  "$PY" scripts/bench/runner.py --title "$(basename "$input")" --rows "$rows" --bytes "$size" \
    --runs "$runs" --ref floe --out "$out" "${prep[@]}" "${cmds[@]}"
done
echo "results appended to $out" >&2
