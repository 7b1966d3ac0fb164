#!/usr/bin/env bash
# Models benchmark (not CI): floe (release build, whole process via `floe-dev
# bench-clustering`) side by side with scikit-learn on the same float64 matrices:
# k-means on 1M x 8 (k=8, n_init 1 and 10, max_iter 300) and DBSCAN on 300k x 4.
#   usage: scripts/bench/models.sh [RUNS=3] [DBSCAN_EPS=0.5] [MIN_SAMPLES=10]
#   DBSCAN_EPS_LARGE (default 1.0): a one-run DBSCAN with wide neighbourhoods
# Figures are appended to scripts/bench/results/models.md (and .json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=${1:-3}
eps=${2:-0.5}
min_samples=${3:-10}
work=${BENCH_DIR:-/tmp/floe-bench-models}
mkdir -p "$work" scripts/bench/results
out=scripts/bench/results/models.md
swift build -c release --product floe-dev >&2
bin=$(swift build -c release --show-bin-path)
PY=$(scripts/python-env.sh scikit-learn)
"$PY" scripts/bench/models.py make "$work"

{
  echo "# models benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  echo
  echo "machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
       "scikit-learn $("$PY" -c 'import sklearn; print(sklearn.__version__)') (default threads: OpenMP on all cores for k-means, one core for DBSCAN)"
  echo
} >> "$out"

km="$work/kmeans-1000000x8.f64"
db="$work/dbscan-300000x4.f64"
for n_init in 1 10; do
  "$PY" scripts/bench/runner.py --title "k-means 1M x 8, k=8, n_init=$n_init, max_iter=300" \
    --rows 1000000 --bytes "$(stat -c %s "$km")" --runs "$runs" --ref floe --out "$out" \
    "floe=$bin/floe-dev bench-clustering --matrix $km --columns 8 --algorithm kmeans --k 8 --n-init $n_init --max-iter 300" \
    "scikit-learn=$PY scripts/bench/models.py kmeans $km 8 8 $n_init"
done
"$PY" scripts/bench/runner.py --title "DBSCAN 300k x 4, eps=$eps, min_samples=$min_samples" \
  --rows 300000 --bytes "$(stat -c %s "$db")" --runs "$runs" --ref floe --out "$out" \
  "floe=$bin/floe-dev bench-clustering --matrix $db --columns 4 --algorithm dbscan --eps $eps --min-samples $min_samples" \
  "scikit-learn=$PY scripts/bench/models.py dbscan $db 4 $eps $min_samples"
# Wide neighbourhoods (scikit-learn stores every neighbourhood: its memory grows with
# eps; floe's does not). One run: scikit-learn takes minutes and gigabytes here.
large=${DBSCAN_EPS_LARGE:-1.0}
"$PY" scripts/bench/runner.py --title "DBSCAN 300k x 4, eps=$large, min_samples=$min_samples (wide neighbourhoods)" \
  --rows 300000 --bytes "$(stat -c %s "$db")" --runs 1 --ref floe --out "$out" \
  "floe=$bin/floe-dev bench-clustering --matrix $db --columns 4 --algorithm dbscan --eps $large --min-samples $min_samples" \
  "scikit-learn=$PY scripts/bench/models.py dbscan $db 4 $large $min_samples"
echo "results appended to $out" >&2
