#!/usr/bin/env bash
# Peer check: floe's neural layers and losses against JAX (CPU) on the same weights and batch.
# floe computes loss and gradients (the NeuralPeerExport test writes weights, batch, dropout
# masks, loss and every gradient to JSON); JAX rebuilds the networks in jax.numpy and
# differentiates them; loss and every gradient must agree within 1e-4 relative (Float32).
# JAX lives in its own venv (scripts/.venv-jax; jax 0.10.2 is the last for Python 3.11).
#   usage: scripts/peers/check-neural-jax.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv="$root/scripts/.venv-jax"
if ! "$venv/bin/python" -c "import jax" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "jax==0.10.2" "jaxlib==0.10.2" numpy >&2
fi
PY="$venv/bin/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FLOE_NEURAL_PEER_OUT="$work/floe.json" swift test --filter NeuralPeerExportTests >"$work/test.log" 2>&1 || {
  cat "$work/test.log" >&2
  echo "check-neural-jax: the floe export test failed" >&2
  exit 1
}
exec "$PY" scripts/peers/check_neural_jax.py "$work/floe.json"
