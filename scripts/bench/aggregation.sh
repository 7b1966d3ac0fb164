#!/usr/bin/env bash
# Series aggregation speed only (the aggregation part of arima.sh, without the statsmodels
# fits): 10 M generated flows (7 days, Arrow day partitions; generated once into
# $BENCH_DIR/dataset) aggregated into one-minute series, groups total, 4 directions, ports
# 443 and 53, with and without exact distinct sources/destinations. Each run is a fresh
# release `floe-dev bench-aggregation` process; prints user+sys CPU seconds (the issue's "per core" measure),
# wall seconds and the load average.
#   usage: scripts/bench/aggregation.sh [RUNS=3] [FLOWS=10000000]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=${1:-3}
flows=${2:-10000000}
work=${BENCH_DIR:-/tmp/floe-bench-timeseries}
mkdir -p "$work"
swift build -c release --product floe-dev >&2
dev=$(swift build -c release --show-bin-path)/floe-dev
echo "| metrics | series | run | CPU s (user+sys) | wall s | aggregation s (in process) | flows/CPU s | load avg |"
echo "|---|---|---|---|---|---|---|---|"
for metrics in bytes,packets,flows,distinct_sources,distinct_destinations bytes,packets,flows; do
  for run in $(seq "$runs"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -o "$work/aggregation.time" -f "%U %S %e" \
      "$dev" bench-aggregation --dataset "$work/dataset" --rows "$flows" --metrics "$metrics" --output "$work/aggregation.json" >/dev/null 2>&1
    read -r user sys wall <"$work/aggregation.time"
    python3 - "$metrics" "$run" "$user" "$sys" "$wall" "$load" "$work/aggregation.json" <<'PY'
import json, sys
metrics, run, user, sys_, wall, load, path = sys.argv[1:]
a = json.load(open(path))
cpu = float(user) + float(sys_)
print(f"| {metrics} | {a['series']} | {run} | {cpu:.2f} ({user}+{sys_}) | {wall} | {a['dataset_seconds']:.3f} | {a['rows'] / cpu:,.0f} | {load} |")
PY
  done
done
