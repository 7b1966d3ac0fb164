#!/bin/sh
# Builds FlowIO's LZ4 block decoder (LZ4Block.swift, LZ4Library.swift) with LZ4BlocksBench.swift
# as one optimized module and times it on the blocks of an LZ4 nfcapd file, beside liblz4.
# Usage: scripts/bench/micro/lz4.sh FILE-lz4.nfcapd [repeats] [FlowIO source dir]
# The third argument lets a saved copy of older sources be measured for before/after figures.
set -e
root=$(cd "$(dirname "$0")/../../.." && pwd)
file=${1:?an LZ4 nfcapd file, e.g. /tmp/floe-bench-binary/flows-5000000-v9-lz4.nfcapd}
src=${3:-$root/Sources/FlowIO}
out=$(mktemp -d "${TMPDIR:-/tmp}/floe-lz4-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
cp "$root/scripts/bench/micro/LZ4BlocksBench.swift" "$out/main.swift"
swiftc -O -wmo -module-name LZ4Bench -o "$out/bench" "$out/main.swift" "$src/LZ4Block.swift" "$src/LZ4Library.swift"
"$out/bench" "$file" "${2:-5}"
