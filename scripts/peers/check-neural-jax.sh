#!/usr/bin/env bash
# Peer check: floe's neural layers and losses against JAX (CPU) on the same weights and batch.
# floe computes loss and gradients (`floe-dev export-neural-peer` writes weights, batch,
# dropout masks, loss and every gradient to JSON); JAX rebuilds the networks in jax.numpy and
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
swift build --product floe-dev >/dev/null
"$(swift build --show-bin-path)/floe-dev" export-neural-peer --output "$work/floe.json" || {
  echo "check-neural-jax: the floe export failed" >&2
  exit 1
}
exec "$PY" scripts/peers/check_neural_jax.py "$work/floe.json"
