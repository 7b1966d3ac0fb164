#!/usr/bin/env bash
# Parquet export benchmark: `floe export parquet` (release build, our own Parquet writer)
# side by side with pyarrow.parquet.write_table and polars' write_parquet doing the same
# work (scripts/bench/parquet_peers.py: each day's Arrow IPC files → one gzip Parquet file
# per day, Hive layout). The dataset is scripts/bench/datasets.sh's generated CSV (ROWS
# clean rows + 1 % dirt over DAYS days, seed 2) ingested and cleaned once by floe. Whole
# processes, alternating runs, median; peak memory too. Afterwards pyarrow reads every
# lake and the row counts must agree.
#   usage: scripts/bench/parquet.sh [ROWS=10000000] [RUNS=3] [DAYS=7]
# Figures are appended to scripts/bench/results/parquet.md (and .json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-10000000}
runs=${2:-3}
days=${3:-7}
work=${BENCH_DIR:-/tmp/floe-bench}
mkdir -p "$work" scripts/bench/results
out=scripts/bench/results/parquet.md

swift build -c release --product floe >&2
swift build -c release --product floe-ingest >&2
swift build -c release --product floe-clean >&2
bin=$(swift build -c release --show-bin-path)
PY=$(scripts/python-env.sh polars pyarrow)

gz=$(scripts/bench/datasets.sh "$days" "$rows")
dataset="$work/parquet-dataset-$rows-${days}d"
if [ ! -f "$dataset/manifest.json" ]; then
  reference=$(date -u -d "2026-11-01 + $((days + 1)) days" +%Y-%m-%dT00:00:00Z)
  rm -rf "$work/parquet-raw" "$dataset"
  "$bin/floe-ingest" --quiet --output "$work/parquet-raw" "$gz" >&2
  "$bin/floe-clean" --reference-time "$reference" --output "$dataset" "$work/parquet-raw" >/dev/null
  rm -rf "$work/parquet-raw"
fi
kept=$("$PY" -c "
import pyarrow as pa, pyarrow.ipc as ipc, glob
print(sum(ipc.open_file(pa.memory_map(p)).read_all().num_rows for p in glob.glob('$dataset/date=*/*.arrow')))")
size=$(du -sb "$dataset" | cut -f1)

{
  echo "# Parquet export benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} >> "$out"
cmds=("floe=$bin/floe export parquet $dataset --output $work/lake-floe")
prep=("--prepare" "floe=rm -rf $work/lake-floe")
for p in pyarrow polars; do
  cmds+=("$p=$PY scripts/bench/parquet_peers.py $p $dataset $work/lake-$p")
  prep+=("--prepare" "$p=rm -rf $work/lake-$p")
done
"$PY" scripts/bench/runner.py --title "export to Parquet (gzip), $kept rows of the cleaned $(basename "$gz") ($days days, $(du -sh "$dataset" | cut -f1) of Arrow IPC)" \
  --rows "$kept" --bytes "$size" --runs "$runs" --ref floe --out "$out" "${prep[@]}" "${cmds[@]}"

# Every lake reads back with the dataset's row count.
for lake in floe pyarrow polars; do
  n=$("$PY" -c "import pyarrow.dataset as ds; print(ds.dataset('$work/lake-$lake', format='parquet', partitioning='hive').count_rows())")
  [ "$n" = "$kept" ] || { echo "parquet.sh: lake-$lake has $n rows, the dataset $kept" >&2; exit 1; }
  echo "lake-$lake: $n rows, $(du -sh "$work/lake-$lake" | cut -f1)" | tee -a "$out"
done
echo >> "$out"
echo "results appended to $out" >&2
