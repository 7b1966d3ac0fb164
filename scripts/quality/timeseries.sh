#!/usr/bin/env bash
# Quality of the time-series detector on generated traffic (not a CI check: it builds
# floe-dev in release mode and takes several minutes; `floe-dev timeseries-quality`).
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
swift build -c release --product floe-dev >&2
"$(swift build -c release --show-bin-path)/floe-dev" timeseries-quality --seeds "${1:-1,2,3,4,5,6,7,8}" \
  --output "$out" --baseline-output "${out%.md}-baseline.md"
test -s "$out" || { echo "timeseries quality: no report written" >&2; exit 1; }
echo "report: $out"
grep -q "recall" "$out"
