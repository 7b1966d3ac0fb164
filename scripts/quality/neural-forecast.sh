#!/usr/bin/env bash
# Back-test of the forecasters on generated traffic (not a CI check: release build, minutes).
# Generates DAYS days of flows (ROWS rows, anomalies on), ingests, cleans and trains the
# time-series kind on 5-minute buckets of total bytes and flows with `forecaster: auto`
# (seasonal naive, ARIMA, LSTM, GRU back-tested on the last 7 days), and prints backtest.json
# as a table. Appends the table to scripts/quality/results/neural-forecast.md.
#   usage: scripts/quality/neural-forecast.sh [DAYS=28] [ROWS=2000000] [SEED=1]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
days=${1:-28}; rows=${2:-2000000}; seed=${3:-1}
swift build -c release --product floe >&2
bin=$(swift build -c release --show-bin-path)
work=${WORK:-$(mktemp -d /tmp/floe-neural-quality.XXXXXX)}
mkdir -p "$work"
"$bin/floe" generate --rows "$rows" --days "$days" --seed "$seed" --dialect generic-csv --output "$work/flows.csv" >&2
"$bin/floe" ingest "$work/flows.csv" --output "$work/raw" >&2
"$bin/floe" clean "$work/raw" --output "$work/dataset" >&2
cat > "$work/models.yaml" <<'YAML'
models:
  timeseries:
    series: {bucket: 300, metrics: [bytes, flows], by_direction: false}
    model:
      series: [total.bytes, total.flows]
      forecaster: auto
      backtest_days: 7
YAML
start=$(date +%s)
"$bin/floe" train --config "$work/models.yaml" --input "$work/dataset" --output "$work/models" 2>&1 | grep -i "timeseries" >&2
echo "train: $(( $(date +%s) - start )) s" >&2
out=scripts/quality/results/neural-forecast.md
mkdir -p "$(dirname "$out")"
python3 - "$work/models/backtest.json" "$days" "$rows" "$seed" <<'PY' | tee -a "$out"
import json, sys, time
b = json.load(open(sys.argv[1]))
print(f"\n## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: generated {sys.argv[2]} days, {sys.argv[3]} rows, seed {sys.argv[4]}; "
      f"5-minute buckets, last 7 days held out, one-step forecasts, 80 % intervals\n")
print("| series | model | MASE | MAE / seasonal naive | sMAPE % | coverage | fit s | chosen |")
print("|---|---|---|---|---|---|---|---|")
f = lambda v, p: "-" if v is None else f"{v:.{p}f}"
for r in b["rows"]:
    print(f"| {r['series']} | {r['model']} | {f(r.get('mase'), 3)} | {f(r.get('mae_ratio'), 3)} | {f(r.get('smape'), 1)} | "
          f"{f(r.get('coverage'), 2)} | {r['fit_seconds']:.1f} | {'yes' if r['chosen'] else ''} |" + (f" error: {r['error']}" if r.get('error') else ""))
PY
