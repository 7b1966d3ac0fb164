#!/bin/sh
# Builds FlowCore as its own optimized module and the micro benchmark against it, then runs it.
# Usage: scripts/bench/micro/run.sh [repeats] [FlowCore source dir]   (from anywhere)
# The second argument lets a saved copy of older sources be measured for before/after figures.
set -e
root=$(cd "$(dirname "$0")/../../.." && pwd)
src=${2:-$root/Sources/FlowCore}
out=$(mktemp -d "${TMPDIR:-/tmp}/floe-micro-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
swiftc -O -wmo -parse-as-library -module-name FlowCore -emit-module -emit-module-path "$out/FlowCore.swiftmodule" \
    -emit-library -static -o "$out/libFlowCore.a" "$src"/*.swift
swiftc -O -wmo -I "$out" -L "$out" -lFlowCore -o "$out/bench" "$root/scripts/bench/micro/FlowCoreBench.swift"
for i in $(seq "${1:-1}"); do "$out/bench"; done
