#!/usr/bin/env bash
# Peer check: floe's ARIMA/SARIMA fits against statsmodels' ARIMA on the same series.
# floe fits the series (the ARIMAPeerExport test writes them and its results to JSON);
# statsmodels fits the same orders; log-likelihoods must agree within 1e-4 relative,
# coefficients within 1e-3, forecasts and interval bounds within 1e-3 relative.
#   usage: scripts/peers/check-arima-statsmodels.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PY=$(scripts/python-env.sh statsmodels)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FLOE_ARIMA_PEER_OUT="$work/floe.json" swift test --filter ARIMAPeerExportTests >"$work/test.log" 2>&1 || {
  cat "$work/test.log" >&2
  echo "check-arima-statsmodels: the floe export test failed" >&2
  exit 1
}
exec "$PY" scripts/peers/check-arima-statsmodels.py "$work/floe.json"
