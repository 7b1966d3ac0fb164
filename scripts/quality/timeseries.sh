#!/usr/bin/env bash
# Quality of the time-series detector on generated traffic (not a CI check: it builds
# the tests in release mode and takes several minutes).
#
# For each seed: 28 days of generated flows (1.2 M rows, anomalies on), one-minute
# series, weekly retraining on the trailing 14 days, the last 14 days scored out of
# sample. Recall: injected DDoS bursts, exfiltration nights and dropped-exporter hours in
# the scored days overlapped by a detection. Precision: detection windows (overlapping
# records of all series merged) that overlap a labelled anomaly window.
#   usage: scripts/quality/timeseries.sh [seeds, default 1,2,3,4,5,6,7,8]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out="${FLOE_TIMESERIES_QUALITY_OUT:-$root/scripts/quality/results/timeseries.md}"
mkdir -p "$(dirname "$out")"
FLOE_TIMESERIES_BASELINE_OUT="${out%.md}-baseline.md" FLOE_TIMESERIES_QUALITY=1 FLOE_TIMESERIES_SEEDS="${1:-1,2,3,4,5,6,7,8}" FLOE_TIMESERIES_QUALITY_OUT="$out" \
  swift test -c release -Xswiftc -enable-testing --filter "TimeSeriesQualityTests|TimeSeriesBaselineSelectionTests" 2>&1 \
  | grep -v '^\(↳\|\[\|Test Suite\|	 Executed\)' || true
test -s "$out" || { echo "timeseries quality: no report written" >&2; exit 1; }
echo "report: $out"
grep -q "recall" "$out"
