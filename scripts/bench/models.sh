#!/usr/bin/env bash
# Models benchmark (not CI): floe (release build, whole process via `floe-dev
# bench-clustering`) side by side with scikit-learn on the same float64 matrices, which
# floe itself builds from generated flows (floe-dev export-matrices: host profiles and
# per-flow features as training builds them, log1p columns logged, z-scored):
#   - datasets: 10 M flows over 7 days and over 90 days (scripts/bench/datasets.sh), ingested
#     and cleaned by floe;
#   - k-means (k=8, n_init 1 and 10, MAX_ITER, tol 1e-4) on the host matrix and on 1 M
#     per-flow rows (every n-th flow);
#   - DBSCAN on the first 300 k distinct rows of the per-flow matrix's first 4 columns
#     (log bytes, log packets, log duration, bytes per packet).
#   - each k-means configuration once per seed of SEEDS (both tools' random draws: floe's
#     SplitMix64 and scikit-learn's MT19937 give different restarts, and the Lloyd
#     iterations they need differ by up to 1.6× between seeds, so compare over seeds).
#   usage: scripts/bench/models.sh [RUNS=3] [MAX_ITER=100] [DBSCAN_EPS=0.15] [MIN_SAMPLES=50] [DAYS="7 90"] [SEEDS="0 1 2 3 4"]
# Each command's result (inertia, iterations, clusters) is recorded by one extra untimed
# run. Figures are appended to scripts/bench/results/models.md (and .json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=${1:-3}
max_iter=${2:-100}
eps=${3:-0.15}
min_samples=${4:-50}
days_list=${5:-7 90}
seeds=${6:-0 1 2 3 4}
work=${BENCH_DIR:-/tmp/floe-bench}
mkdir -p "$work" scripts/bench/results
out=scripts/bench/results/models.md
swift build -c release >&2
bin=$(swift build -c release --show-bin-path)
PY=$(scripts/python-env.sh scikit-learn)

{
  echo "# models benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  echo
  echo "machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
       "scikit-learn $("$PY" -c 'import sklearn; print(sklearn.__version__)') (default threads: OpenMP on all cores for k-means, one core for DBSCAN);" \
       "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
} >> "$out"

for days in $days_list; do
  gz=$(scripts/bench/datasets.sh "$days")
  flows="$work/flows-${days}d"
  if [ ! -f "$flows/.complete" ]; then
    rm -rf "$work/raw-${days}d" "$flows"
    "$bin/floe-ingest" --quiet --output "$work/raw-${days}d" "$gz"
    "$bin/floe-clean" --reference-time "$(date -u -d "2026-11-01 + $((days + 1)) days" +%Y-%m-%dT00:00:00Z)" \
      --output "$flows" "$work/raw-${days}d" >/dev/null
    rm -rf "$work/raw-${days}d"
    touch "$flows/.complete"
  fi
  mats="$work/matrices-${days}d"
  if [ ! -f "$mats/matrices.json" ]; then
    "$bin/floe-dev" export-matrices --dataset "$flows" --output "$mats" --max-rows 1000000
  fi
  "$PY" scripts/bench/models.py subset "$mats/flow.f64" 14 "$mats/dbscan.f64" 4 300000
  for set in host flow; do
    cols=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]['columns'])" "$mats/matrices.json" "$set")
    rows=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]['rows'])" "$mats/matrices.json" "$set")
    m="$mats/$set.f64"
    for n_init in 1 10; do
      for seed in $seeds; do
        f="$bin/floe-dev bench-clustering --matrix $m --columns $cols --algorithm kmeans --k 8 --n-init $n_init --max-iter $max_iter --seed $seed"
        s="$PY scripts/bench/models.py kmeans $m $cols 8 $n_init $max_iter $seed"
        {
          echo "- results, $set ${days}d n_init=$n_init seed=$seed (one untimed run each): floe $($f), scikit-learn $($s)"
          echo
        } >> "$out"
        "$PY" scripts/bench/runner.py --title "k-means, $set features of 10 M flows over $days days ($rows x $cols), k=8, n_init=$n_init, max_iter=$max_iter, tol=1e-4, seed $seed" \
          --rows "$rows" --bytes "$(stat -c %s "$m")" --runs "$runs" --ref floe --out "$out" \
          "floe=$f" "scikit-learn=$s"
      done
    done
  done
  db="$mats/dbscan.f64"
  dbrows=$(( $(stat -c %s "$db") / 32 ))
  f="$bin/floe-dev bench-clustering --matrix $db --columns 4 --algorithm dbscan --eps $eps --min-samples $min_samples"
  s="$PY scripts/bench/models.py dbscan $db 4 $eps $min_samples"
  { echo "- results, DBSCAN ${days}d (one untimed run each): floe $($f), scikit-learn $($s)"; echo; } >> "$out"
  "$PY" scripts/bench/runner.py --title "DBSCAN, first $dbrows distinct per-flow rows (4 columns) of 10 M flows over $days days, eps=$eps, min_samples=$min_samples" \
    --rows "$dbrows" --bytes "$(stat -c %s "$db")" --runs "$runs" --ref floe --out "$out" "floe=$f" "scikit-learn=$s"
done
echo "results appended to $out" >&2
