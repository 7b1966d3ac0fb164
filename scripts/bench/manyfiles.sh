#!/usr/bin/env bash
# Many-files ingest benchmark: the same generated rows as one file, as a day of 288
# five-minute files (a nightly nfcapd/VPC folder), and as 10,000 tiny files, gzipped like the
# objects AWS delivers; floe-ingest (release) on each, alternating whole-process runs.
#   usage: scripts/bench/manyfiles.sh [ROWS=1000000] [RUNS=3]
# Data (git-ignored, reused when present) goes to $BENCH_DIR (default /tmp/floe-bench-many).
# With BASELINE=/path/to/floe-ingest (e.g. a copy of main's release binary) every case also
# runs that binary, alternating with this tree's, and the table gets both.
# Figures (median wall time, rows/s, ratio to the one-file run, CPU seconds, peak RSS, load
# average before and after) are appended to scripts/bench/results/manyfiles.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-1000000}
runs=${2:-3}
work=${BENCH_DIR:-/tmp/floe-bench-many}
mkdir -p "$work" scripts/bench/results
out=scripts/bench/results/manyfiles.md

swift build -c release --product floe-ingest >&2
bin=$(swift build -c release --show-bin-path)

one="$work/one/flows.csv.gz"
if [ ! -f "$one" ]; then
  swift build -c release --product floe >&2  # the generator, only when data is missing
  mkdir -p "$work/one"
  "$bin/floe" generate --rows "$rows" --days 1 --seed 7 --dialect generic-csv --gzip --output "$one"
  mv "$one.labels.json" "$work/"  # the folder holds the data file only
fi
# Split in file order (rows are in start order): 288 and 10,000 parts, each with the header.
for parts in 288 10000; do
  dir="$work/parts-$parts"
  [ -d "$dir" ] && continue
  mkdir -p "$dir"
  python3 - "$one" "$dir" "$parts" <<'PY'
import gzip, sys
src, dst, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = gzip.open(src, "rt").read().splitlines(keepends=True)
header, body = lines[0], lines[1:]
per = -(-len(body) // parts)
for k in range(parts):
    chunk = body[k * per:(k + 1) * per]
    if not chunk:
        break
    with gzip.open(f"{dst}/part-{k:05d}.csv.gz", "wt", compresslevel=6) as f:
        f.write(header)
        f.writelines(chunk)
PY
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
bins=(this)
[ -n "${BASELINE:-}" ] && bins=(base this)
binary() { if [ "$1" = base ]; then echo "$BASELINE"; else echo "$bin/floe-ingest"; fi; }
declare -A wall rss cpu
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < runs; r++)); do
  for case in one parts-288 parts-10000; do
    for b in "${bins[@]}"; do
      rm -rf "$work/out-$case"
      /usr/bin/time -f "%e %M %U %S" -o "$work/time-$case" "$(binary "$b")" --quiet --output "$work/out-$case" "$work/$case" >/dev/null
      read -r w m u s < "$work/time-$case"
      wall[$b/$case]+="$w "
      rss[$b/$case]+="$m "
      cpu[$b/$case]+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# many-files ingest benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  echo
  echo "Data: \`floe generate --rows $rows --days 1 --seed 7 --dialect generic-csv --gzip\`, split"
  echo "in file order into 288 and 10,000 gzip files (each with the header); $runs alternating runs."
  echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
  [ -n "${BASELINE:-}" ] && echo "Baseline: \`$BASELINE\`; this tree: \`$(git rev-parse --short HEAD)\`."
  echo
  echo "| binary | input | files | median wall s | rows/s | vs one file | median CPU s | peak RSS MiB |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for b in "${bins[@]}"; do
    base=$(echo ${wall[$b/one]} | tr ' ' '\n' | median)
    for case in one parts-288 parts-10000; do
      files=$(ls "$work/$case" | wc -l)
      w=$(echo ${wall[$b/$case]} | tr ' ' '\n' | median)
      m=$(echo ${rss[$b/$case]} | tr ' ' '\n' | median)
      c=$(echo ${cpu[$b/$case]} | tr ' ' '\n' | median)
      awk -v bn="$b" -v c="$case" -v f="$files" -v w="$w" -v b="$base" -v m="$m" -v cs="$c" -v n="$rows" \
        'BEGIN { printf "| %s | %s | %d | %.2f | %.2f M | %.2f× the time | %.2f | %d |\n", bn, c, f, w, n / w / 1e6, w / b, cs, m / 1024 }'
    done
  done
  echo
} | tee -a "$out"
