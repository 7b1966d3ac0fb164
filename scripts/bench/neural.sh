#!/usr/bin/env bash
# Neural training/inference benchmark (not CI): floe's FlowNeural (release, the
# floe-neural-bench dev tool) vs JAX (CPU, jit) on the same windows, same architecture,
# epochs and batch; whole processes alternating. Appends to scripts/bench/results/neural.md.
#   usage: scripts/bench/neural.sh [RUNS=3] [SAMPLES=8000] [EPOCHS=5]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
swift build -c release --product floe-neural-bench >&2
bin=$(swift build -c release --show-bin-path)/floe-neural-bench
venv="$root/scripts/.venv-jax"
if ! "$venv/bin/python" -c "import jax" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "jax==0.10.2" "jaxlib==0.10.2" numpy >&2
fi
work=${BENCH_DIR:-/tmp/floe-bench-neural}
mkdir -p "$work" scripts/bench/results
exec "$venv/bin/python" scripts/bench/neural_bench.py --floe "$bin" --work "$work" --runs "${1:-3}" \
  --samples "${2:-8000}" --epochs "${3:-5}" --out scripts/bench/results/neural.md
