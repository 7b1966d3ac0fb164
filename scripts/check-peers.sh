#!/usr/bin/env bash
# Runs every peer check: pyarrow and DuckDB read floe's files (scripts/check-arrow-pyarrow.sh,
# scripts/peers/check-ingest.sh), tshark and nfdump decode the same captures and nfcapd
# files (check-binary.sh), scikit-learn, NetworkX and statsmodels fit the same data as
# floe's models (check-models-*.sh, check-arima-*.sh), JAX the neural gradients
# (check-neural-jax.sh), JAX and scikit-learn the host classifier's macro F1
# (check-classifier.sh, about a minute with a warm venv), pyarrow/DuckDB/polars (and Spark when java is present) the Parquet
# lake (check-parquet.sh), and a single-node Slurm runs the backfill pipeline
# (scripts/cluster/check-slurm.sh). The PyTorch peers (scripts/peers/check-torch.sh, 5.5 GB
# of wheels) are skipped: run them by hand. Each creates what it needs (Python
# virtual environment, Debian packages). Reports all, then fails once.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build >/dev/null 2>&1 || { swift build 2>&1 | tail -30; exit 1; }
export FLOE_BIN=$(swift build --show-bin-path)
passed=0
failed=0
failures=()
for check in scripts/check-arrow-pyarrow.sh scripts/peers/check-*.sh scripts/cluster/check-slurm.sh; do
  [ -x "$check" ] || continue
  # Not CI: installs PyTorch's PyPI wheel (about 5.5 GB of CUDA libraries); run it by hand.
  [ "$check" = scripts/peers/check-torch.sh ] && { echo "== $check: skipped (run by hand, not CI)"; continue; }
  echo "== $check"
  start=$(date +%s)
  if "$check"; then
    passed=$((passed + 1))
    echo "-- ok ($(( $(date +%s) - start )) s)"
  else
    failed=$((failed + 1))
    failures+=("$check")
    echo "-- FAILED ($(( $(date +%s) - start )) s)"
  fi
done
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "peers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
