#!/usr/bin/env bash
# Incident quality on generated, labelled traffic (issue 17's targets): generates DAYS days
# of ROWS flows in total with the injected anomalies, trains on the first TRAIN days (all
# days when TRAIN is 0) and scores the remaining days (all days when TRAIN is 0) through the
# floe-train / floe-score binaries, then prints, against the generator's labels, each
# injected anomaly's incidents (rank, kind, severity) and the benign incidents at severity
# >= 50 per scored day (scripts/quality/incidents.py). Exit 1 when a target is not met.
#   usage: scripts/quality/incidents.sh [ROWS] [DAYS] [SEED] [TRAIN]
#   e.g.   scripts/quality/incidents.sh 1400000 7 7        # 7 days, train and score all
#          scripts/quality/incidents.sh 1800000 90 7 30    # 90 days, train 30, score 60
#   FLOE_BIN=folder of floe-train/floe-score (default: release build if present, else debug)
#   INJECT=brute_force,new_service also injects the generator's opt-in kinds
#   QUALITY_DIR=work folder to keep (default: a temporary folder, removed at the end); a
#   dataset already there (its labels.json) is reused, so a rerun only trains and scores
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-1400000}
days=${2:-7}
seed=${3:-7}
train=${4:-0}
if [ -z "${FLOE_BIN:-}" ]; then
  if [ -x .build/release/floe-score ]; then FLOE_BIN=.build/release; else FLOE_BIN=.build/debug; fi
fi
if [ -n "${QUALITY_DIR:-}" ]; then work=$QUALITY_DIR; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
echo "== $rows flows over $days days (seed $seed, $((rows / days)) a day) in $work with $FLOE_BIN"
if [ -f "$work/data/labels.json" ]; then
  echo "   (reusing the dataset already in $work/data)"
else
  "$FLOE_BIN/floe-dev" sample-dataset --output "$work/data" --rows "$rows" --days "$days" --seed "$seed" \
    ${INJECT:+--inject "$INJECT"}
fi
rm -rf "$work/models" "$work/scores"
dates=$(ls "$work/data" | sed -n 's/^date=//p' | sort)
first=$(echo "$dates" | head -1)
last=$(echo "$dates" | tail -1)
if [ "$train" -gt 0 ]; then
  train_to=$(echo "$dates" | sed -n "${train}p")
  score_from=$(echo "$dates" | sed -n "$((train + 1))p")
else
  train_to=$last
  score_from=$first
fi
echo "== training $first..$train_to"
start=$(date +%s)
"$FLOE_BIN/floe-train" --dataset "$work/data" --output "$work/models" --from "$first" --to "$train_to" \
  ${QUALITY_CONFIG:+--config "$QUALITY_CONFIG"} > "$work/train.log" 2>&1 || { cat "$work/train.log"; exit 2; }
grep -E "skipped|wrote" "$work/train.log" || true
echo "   $(( $(date +%s) - start )) s"
echo "== scoring $score_from..$last"
start=$(date +%s)
"$FLOE_BIN/floe-score" --models "$work/models" --dataset "$work/data" --output "$work/scores" --from "$score_from" --to "$last" \
  > "$work/score.log" 2>&1 || { cat "$work/score.log"; exit 2; }
grep -vE "^floe-score: scored " "$work/score.log" || true
echo "   $(( $(date +%s) - start )) s"
python3 scripts/quality/incidents.py "$work/data/labels.json" "$work/scores/incidents.csv" "$score_from" "$last"
