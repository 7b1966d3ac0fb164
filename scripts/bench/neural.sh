#!/usr/bin/env bash
# Neural training/inference benchmark (not CI): floe's FlowNeural (release, the
# floe-neural-bench dev tool) vs PyTorch (CPU; 2 threads, and 1 thread for reference) and
# JAX (CPU, jit) on the same data, same architecture, epochs and batch; whole processes
# alternating. Cells: the LSTM and GRU forecasters on a simulated 5-minute series, and the
# temporal-CNN host classifier on the samples `floe-dev export-classifier` writes for a
# generated labelled dataset (the data of scripts/peers/check-classifier.sh). Appends to
# scripts/bench/results/neural.md (and the raw rows to neural.md.json).
#   usage: scripts/bench/neural.sh [RUNS=3] [SAMPLES=8000] [EPOCHS=5] [CLASSIFIER_EPOCHS=10]
# BENCH_TOOLS (default floe,torch,torch1,jax) and BENCH_CELLS (lstm,gru,classifier) pick
# what runs; PyTorch comes from scripts/peers/torch-env.sh (several GB, once).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tools=${BENCH_TOOLS:-floe,torch,torch1,jax}
cells=${BENCH_CELLS:-lstm,gru,classifier}
swift build -c release --product floe-neural-bench >&2
bin=$(swift build -c release --show-bin-path)/floe-neural-bench
venv="$root/scripts/.venv-jax"
if [[ $tools == *jax* ]] && ! "$venv/bin/python" -c "import jax" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "jax==0.10.2" "jaxlib==0.10.2" numpy >&2
fi
torch_python="$venv/bin/python"  # runs neural_bench.py itself (numpy) when PyTorch is not asked for
[[ $tools == *torch* ]] && torch_python=$(scripts/peers/torch-env.sh)
work=${BENCH_DIR:-/tmp/floe-bench-neural}
mkdir -p "$work" scripts/bench/results
classifier=()
if [[ $cells == *classifier* ]]; then
  # The classifier's samples, as check-classifier.sh makes them (300,000 rows, 12 days,
  # brute force and new service injected 30 times; seed 7).
  if [ ! -f "$work/classifier/meta.json" ]; then
    swift build --product floe-dev >&2
    dev=$(swift build --show-bin-path)/floe-dev
    printf 'models:\n  seed: 7\n  timeseries: {enabled: false}\n  classifier: {labels: column}\n' > "$work/classifier.yaml"
    rm -rf "$work/classifier-data"
    "$dev" sample-dataset --output "$work/classifier-data" --rows 300000 --days 12 --seed 7 \
      --inject brute_force,new_service --repeat-anomalies 30 2>/dev/null
    "$dev" export-classifier --config "$work/classifier.yaml" --dataset "$work/classifier-data" --output "$work/classifier"
  fi
  classifier=(--classifier-export "$work/classifier" --classifier-epochs "${4:-10}"
              --data-note "the samples of \`floe-dev export-classifier\` on \`floe-dev sample-dataset --rows 300000 --days 12 --seed 7 --inject brute_force,new_service --repeat-anomalies 30\` (8 windows x 12 channels per sample; train part only for training),")
fi
exec "$torch_python" scripts/bench/neural_bench.py --floe "$bin" --work "$work" --runs "${1:-3}" \
  --samples "${2:-8000}" --epochs "${3:-5}" --tools "$tools" --cells "$cells" --torch-python "$torch_python" \
  --jax-python "$venv/bin/python" "${classifier[@]}" --out scripts/bench/results/neural.md
