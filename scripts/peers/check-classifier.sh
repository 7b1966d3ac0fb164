#!/usr/bin/env bash
# Peer check of floe's temporal-CNN host classifier (docs/neural.md, "Host classifier"):
# generates a labelled dataset with every anomaly kind repeated, trains floe's classifier
# (floe-train, labels from the dataset's label column), exports the same samples
# (floe-dev export-classifier) and fits scikit-learn's RandomForestClassifier and the same
# CNN architecture in PyTorch (scripts/.venv-torch, see FLOE_CLASSIFIER_PEER below) or JAX
# (scripts/.venv-jax) on them. Prints the held-out macro F1 of all three; exits 1 when the
# framework CNN's and floe's differ by more than 0.02.
#   usage: scripts/peers/check-classifier.sh [rows] [days] [repeats]   (defaults 300000 12 30)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
rows=${1:-300000}
days=${2:-12}
repeats=${3:-30}
# The framework CNN: FLOE_CLASSIFIER_PEER=torch (scripts/peers/torch-env.sh's venv, made if
# missing; scripts/peers/check-torch.sh sets it), jax, or auto (default: PyTorch when its venv
# is already there, else JAX, which CI installs quickly).
peer=${FLOE_CLASSIFIER_PEER:-auto}
torch_venv="${FLOE_TORCH_VENV:-$root/scripts/.venv-torch}"
if [ "$peer" = auto ]; then
  peer=jax
  "$torch_venv/bin/python" -c "import torch" 2>/dev/null && peer=torch
fi
if [ "$peer" = torch ]; then
  venv=$(dirname "$(dirname "$(scripts/peers/torch-env.sh)")")
else
  venv=scripts/.venv-jax
  if ! "$venv/bin/python" -c "import jax" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet "jax==0.10.2" "jaxlib==0.10.2" numpy >&2
  fi
fi
"$venv/bin/python" -c "import sklearn" 2>/dev/null || "$venv/bin/pip" install --quiet scikit-learn >&2
bin=${FLOE_BIN:-}
if [ -z "$bin" ]; then
  swift build --product floe-dev >/dev/null && swift build --product floe-train >/dev/null
  bin=$(swift build --show-bin-path)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/config.yaml" <<'YAML'
models:
  seed: 7
  timeseries: {enabled: false}
  classifier: {labels: column}
YAML
"$bin/floe-dev" sample-dataset --output "$work/data" --rows "$rows" --days "$days" --seed 7 \
  --inject brute_force,new_service --repeat-anomalies "$repeats" 2>/dev/null
"$bin/floe-train" --dataset "$work/data" --output "$work/models" --config "$work/config.yaml" 2>"$work/train.log" || {
  cat "$work/train.log" >&2; exit 1; }
grep classifier "$work/train.log" >&2 || true
"$bin/floe-dev" export-classifier --config "$work/config.yaml" --dataset "$work/data" --output "$work/export"
"$venv/bin/python" scripts/peers/check_classifier.py "$work/export" "$work/models/classifier-eval.json" --framework "$peer"
