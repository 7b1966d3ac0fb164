#!/usr/bin/env bash
# Creates (once) the PyTorch virtual environment of the PyTorch peer check and benchmark
# (scripts/.venv-torch, or FLOE_TORCH_VENV) and prints its python path. PyTorch comes from
# PyPI: its Linux wheel pulls the nvidia-* CUDA wheels, about 5.5 GB installed, even on a
# CPU-only machine (download.pytorch.org's CPU wheels are not reachable here). That is why
# nothing in CI (.ci/run, scripts/check-peers.sh) uses it.
#   usage: PY=$(scripts/peers/torch-env.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="${FLOE_TORCH_VENV:-$root/scripts/.venv-torch}"
if ! "$venv/bin/python" -c "import torch, numpy, sklearn" 2>/dev/null; then
  echo "torch-env: installing torch 2.15.0, numpy and scikit-learn into $venv (several GB, minutes)" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --upgrade pip >&2
  "$venv/bin/pip" install --quiet "torch==2.15.0" numpy scikit-learn >&2
fi
echo "$venv/bin/python"
