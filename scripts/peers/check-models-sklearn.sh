#!/usr/bin/env bash
# Peer check of floe's models: exports a host feature matrix from a generated dataset and
# compares floe's k-means (same initial centres), DBSCAN (same eps/min_samples) and
# PageRank (same weighted edge list) with scikit-learn and NetworkX. Exits 1 on mismatch.
#   usage: scripts/peers/check-models-sklearn.sh   (about a minute after a build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PY=$(scripts/python-env.sh scikit-learn networkx scipy)
swift build --product floe-dev >/dev/null
bin=$(swift build --show-bin-path)/floe-dev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/config.yaml" <<'YAML'
models:
  scaler: robust
  seed: 11
  kmeans: {max_iter: 300, tol: 1e-4}
  dbscan: {eps: auto, min_samples: 8}
  graph: {pagerank_weight: flows}
YAML
"$bin" sample-dataset --output "$work/data" --rows 60000 --days 2 --seed 11 2>/dev/null
"$bin" export-features --config "$work/config.yaml" --dataset "$work/data" --output "$work/export" --k 6 --dbscan-rows 20000
"$PY" scripts/peers/check-models-sklearn.py "$work/export"
