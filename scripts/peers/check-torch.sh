#!/usr/bin/env bash
# PyTorch peer checks of FlowNeural (issue 19, docs/neural.md "Checks"). NOT part of CI
# (.ci/run, scripts/check-peers.sh skip it): PyTorch's PyPI wheel brings about 5.5 GB of
# CUDA libraries (scripts/peers/torch-env.sh makes scripts/.venv-torch once, several
# minutes), and CI must stay under 15 minutes; the JAX gradient check
# (check-neural-jax.sh) is CI's framework check. Three checks, all reported, then one exit:
#   1. gradients: `floe-dev export-neural-peer`'s cases (every layer and loss, the forecaster
#      and TCN shapes) rebuilt from torch.nn layers; loss and every gradient within 1e-4
#      relative (check_neural_torch.py);
#   2. forecasters: LSTM and GRU trained by floe and by PyTorch from the same initial weights
#      on the same windows, same settings and epochs; floe's held-out pinball loss at most
#      1.05 x PyTorch's (check_forecaster_torch.py);
#   3. classifier: check-classifier.sh with the PyTorch CNN: floe's held-out macro F1
#      within 0.02 of PyTorch's, beside scikit-learn's RandomForest.
#   usage: scripts/peers/check-torch.sh [classifier rows days repeats]   (defaults 300000 12 30)
# FLOE_TORCH_VENV picks another venv with torch, numpy and scikit-learn.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PY=$(scripts/peers/torch-env.sh) || exit 1
bin=${FLOE_BIN:-}
if [ -z "$bin" ]; then
  for p in floe-dev floe-train floe-neural-bench; do swift build --product "$p" >/dev/null || exit 1; done
  bin=$(swift build --show-bin-path)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
echo "== 1. gradients against PyTorch"
if "$bin/floe-dev" export-neural-peer --output "$work/floe.json"; then
  (cd scripts/peers && "$PY" check_neural_torch.py "$work/floe.json") || failed+=(gradients)
else
  failed+=(gradients)
fi
echo "== 2. LSTM and GRU forecasters against PyTorch (held-out loss)"
"$PY" scripts/peers/check_forecaster_torch.py --floe "$bin/floe-neural-bench" --work "$work/forecast" || failed+=(forecasters)
echo "== 3. temporal CNN classifier against PyTorch and RandomForest (macro F1)"
FLOE_BIN="$bin" FLOE_CLASSIFIER_PEER=torch scripts/peers/check-classifier.sh "$@" || failed+=(classifier)
if [ ${#failed[@]} -gt 0 ]; then
  echo "check-torch: FAILED: ${failed[*]}"
  exit 1
fi
echo "check-torch: all three within tolerance"
