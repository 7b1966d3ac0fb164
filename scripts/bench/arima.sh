#!/usr/bin/env bash
# Time-series benchmark (not CI): floe vs statsmodels, whole processes, several runs.
#   - ARIMA(2,1,2) on 10,080 points, SARIMA(1,0,1)(1,0,1,24) on 2,160 points, fixed order;
#   - automatic order on both series (floe's stepwise search; statsmodels running the
#     same stepwise search over ARIMA fits, with floe's differencing orders);
#   - aggregation of 10 M generated flows into one-minute series (dataset files and
#     in-memory batches).
# floe fits through the release `floe-dev bench-arima` and aggregates through the
# release `floe-dev bench-aggregation`, statsmodels through python; each run is a fresh process. Series: simulated
# ARIMA(2,1,2) and SARIMA processes and an hourly traffic-shaped series (90 days).
# Results are appended to scripts/bench/results/timeseries.md.
#   usage: scripts/bench/arima.sh [RUNS=3] [FLOWS=10000000] [AUTO_RUNS=1]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=${1:-3}
flows=${2:-10000000}
work=${BENCH_DIR:-/tmp/floe-bench-timeseries}
mkdir -p "$work" scripts/bench/results
swift build -c release --product floe-dev >&2
dev=$(swift build -c release --show-bin-path)/floe-dev
aggregation=1
[ "${AGGREGATION:-1}" != 0 ] || aggregation=0  # AGGREGATION=0: the fits only
PY=$(scripts/python-env.sh statsmodels)
exec "$PY" scripts/bench/arima_bench.py --floe-dev "$dev" --aggregation "$aggregation" --work "$work" \
  --runs "$runs" --auto-runs "${3:-1}" --flows "$flows" --out scripts/bench/results/timeseries.md
