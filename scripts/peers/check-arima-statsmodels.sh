#!/usr/bin/env bash
# Peer check: floe's ARIMA/SARIMA fits against statsmodels' ARIMA on the same series.
# floe fits the series (`floe-dev export-arima-peer` writes them and its results to JSON);
# statsmodels fits the same orders; log-likelihoods must agree within 1e-4 relative,
# coefficients within 1e-3, forecasts and interval bounds within 1e-3 relative.
#   usage: scripts/peers/check-arima-statsmodels.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PY=$(scripts/python-env.sh statsmodels)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build --product floe-dev >/dev/null
"$(swift build --show-bin-path)/floe-dev" export-arima-peer --output "$work/floe.json" || {
  echo "check-arima-statsmodels: the floe export failed" >&2
  exit 1
}
exec "$PY" scripts/peers/check-arima-statsmodels.py "$work/floe.json"
