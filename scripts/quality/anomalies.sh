#!/usr/bin/env bash
# Quality of floe's ranked anomalies on generated, labelled traffic: generates DAYS days
# (default 7) of ROWS flows with the four injected anomalies, trains on all days, scores
# every day through the floe-train / floe-score binaries, and prints precision and recall
# per anomaly kind against the generator's labels.
#   usage: scripts/quality/anomalies.sh [ROWS] [DAYS] [SEED]
#   FLOE_BIN=folder of floe-train/floe-score (default: release build if present, else debug)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-300000}
days=${2:-7}
seed=${3:-7}
if [ -z "${FLOE_BIN:-}" ]; then
  if [ -x .build/release/floe-score ]; then FLOE_BIN=.build/release; else FLOE_BIN=.build/debug; fi
fi
work=${QUALITY_DIR:-$(mktemp -d)}
echo "== generating $rows flows over $days days (seed $seed) in $work with $FLOE_BIN"
"$FLOE_BIN/floe-dev" sample-dataset --output "$work/data" --rows "$rows" --days "$days" --seed "$seed"
echo "== training"
"$FLOE_BIN/floe-train" --dataset "$work/data" --output "$work/models" ${QUALITY_CONFIG:+--config "$QUALITY_CONFIG"}
echo "== scoring"
"$FLOE_BIN/floe-score" --models "$work/models" --dataset "$work/data" --output "$work/scores"
python3 scripts/quality/anomalies.py "$work/data/labels.json" "$work/scores/anomalies.csv"
