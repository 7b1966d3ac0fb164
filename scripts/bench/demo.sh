#!/usr/bin/env bash
# The first command a newcomer runs, from a fresh clone: `git clone` of this tree (its
# committed HEAD, or REV), then README's `swift run floe demo` split in its two steps so
# each is timed: `swift build --product floe` (debug, what `swift run floe` builds), then
# `.build/debug/floe demo` in an empty folder. Each step runs under /usr/bin/time; the
# script prints wall clock, CPU (user + sys of the step and its children) and the load
# average before and after each step, and the total wall clock.
#   usage: scripts/bench/demo.sh [REV=HEAD]
# The clone and the demo's output go to $BENCH_DIR (default /tmp/floe-bench-demo; removed
# and recreated on each run). Swift packages come from SwiftPM's local cache when they are
# there (no download; a first run on a new machine also fetches them, which is then timed).
# Nothing is written to scripts/bench/results: copy the printed table into demo.md with
# the date and a note on what else ran on the machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rev=${1:-HEAD}
work=${BENCH_DIR:-/tmp/floe-bench-demo}
rm -rf "$work"
mkdir -p "$work"
git clone --quiet "$root" "$work/clone"
git -C "$work/clone" checkout --quiet "$(git -C "$root" rev-parse "$rev")"
commit=$(git -C "$work/clone" rev-parse --short HEAD)

load() { cut -d' ' -f1 /proc/loadavg; }
# step NAME DIR COMMAND...: runs COMMAND in DIR under /usr/bin/time, its output to
# $work/NAME.log; sets wall, cpu, load_before, load_after.
step() {
  local name=$1 dir=$2
  shift 2
  load_before=$(load)
  if ! (cd "$dir" && /usr/bin/time -f '%e %U %S' -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1); then
    echo "demo.sh: $name failed; its output is in $work/$name.log" >&2
    tail -20 "$work/$name.log" >&2
    exit 1
  fi
  load_after=$(load)
  read -r wall user sys <"$work/$name.time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
}

echo "fresh clone of $commit in $work/clone; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| step | load before → after | wall s | CPU s (user + sys) |"
echo "|---|---|---:|---:|"
step build "$work/clone" swift build --product floe
build_wall=$wall
echo "| \`swift build --product floe\` (debug) | $load_before → $load_after | $wall | $cpu |"
mkdir -p "$work/run"
step demo "$work/run" "$work/clone/.build/debug/floe" demo
echo "| \`floe demo\` | $load_before → $load_after | $wall | $cpu |"
echo "| **total** | | $(awk -v a="$build_wall" -v b="$wall" 'BEGIN { printf "%.1f", a + b }') | |"
echo
echo "demo stages (wall, from floe run's summary):"
grep -E '^ran ' "$work/demo.log" | sed 's/^/  /'
