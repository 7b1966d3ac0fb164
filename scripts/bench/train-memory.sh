#!/usr/bin/env bash
# Peak memory (and time) of floe-train over TRAIN_DAYS days and floe-score on the day after
# them, on the 90-day benchmark dataset (scripts/bench/datasets.sh 90: 10 M flows, seed 2),
# ingested and cleaned once into BENCH_DIR/mem. Whole processes under /usr/bin/time -v,
# release build; pass other binaries (e.g. an older build) as OLD_BIN to run both in turn,
# alternating. FLOWS names an already cleaned copy of that dataset (skips ingest and clean);
# BUDGET is the new binary's --memory-budget-mb (default 512). Figures go to
# scripts/bench/results/memory.md by hand.
#   usage: [FLOWS=DIR] [BUDGET=MB] [OLD_BIN=DIR] scripts/bench/train-memory.sh [TRAIN_DAYS=60]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
days=${1:-60}
work=${BENCH_DIR:-/tmp/floe-bench}/mem
mkdir -p "$work"
swift build -c release --product floe >&2
bin=$(swift build -c release --show-bin-path)
flows=${FLOWS:-$work/flows}
if [ ! -f "$flows/manifest.json" ]; then
  gz=$(scripts/bench/datasets.sh 90)
  "$bin/floe" ingest --quiet --output "$work/raw" "$gz" >&2
  "$bin/floe" clean --reference-time 2027-01-31T00:00:00Z --output "$flows" "$work/raw" >&2
fi
first=2026-11-01
last=$(date -u -d "$first + $((days - 1)) days" +%F)
next=$(date -u -d "$first + $days days" +%F)
measure() {  # label binary-folder [train options]
  local label=$1 b=$2
  shift 2
  rm -rf "$work/models-$label" "$work/scores-$label"
  /usr/bin/time -v "$b/floe" train --dataset "$flows" --from "$first" --to "$last" --output "$work/models-$label" "$@" \
    2> "$work/train-$label.time" > /dev/null
  /usr/bin/time -v "$b/floe" score --models "$work/models-$label" --dataset "$flows" --date "$next" --output "$work/scores-$label" \
    2> "$work/score-$label.time" > /dev/null
  for stage in train score; do
    printf '%s %s: %s MiB peak, %s\n' "$label" "$stage" \
      "$(awk '/Maximum resident/{print int($6/1024)}' "$work/$stage-$label.time")" \
      "$(awk -F': ' '/Elapsed/{print $2}' "$work/$stage-$label.time")"
  done
}
for round in 1 2; do
  measure new "$bin" --memory-budget-mb "${BUDGET:-512}"
  if [ -n "${OLD_BIN:-}" ]; then measure old "$OLD_BIN"; fi
done
