#!/usr/bin/env bash
# Builds and runs one libFuzzer target for a bounded time.
#   usage: scripts/fuzz/run.sh export|pcap|nfcapd|csv SECONDS
# The decoder sources (FlowCore + FlowIO + FlowFormats/Binary, FlowIO for nfcapd's LZ4 blocks;
# for csv FlowCore + FlowIO + the text sources of FlowFormats, with YamsStub.swift in place of
# Yams) are compiled into one module with the harness (`import FlowCore`/`FlowIO`/`Yams` lines
# dropped; FlowIO's C shims by -I, zlib and libbz2 linked), with -sanitize=fuzzer,address. The
# corpus lives in .build-fuzz/corpus-TARGET (git-ignored), seeded from data/tools/binary
# (csv: scripts/fuzz/seeds-csv, samples of every dialect from `floe generate`).
# FUZZ_SED='s/…/…/' applies one more sed expression to the copied sources: a local fix of a
# known bug, to fuzz past it before the fix lands (say so in results.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?target: export|pcap|nfcapd|csv}
seconds=${2:-60}
case "$target" in
  export) harness=FuzzExportMessage.swift ;;
  pcap) harness=FuzzPcap.swift ;;
  nfcapd) harness=FuzzNfcapd.swift ;;
  csv) harness=FuzzCSV.swift ;;
  *) echo "unknown target $target" >&2; exit 64 ;;
esac
work="$root/.build-fuzz"
src="$work/src-$target"
rm -rf "$src"; mkdir -p "$src" "$work/corpus-$target"
if [ "$target" = csv ]; then
  formats=$(ls "$root"/Sources/FlowFormats/*.swift; echo "$root/scripts/fuzz/YamsStub.swift")
else
  formats=$(find "$root/Sources/FlowFormats/Binary" -name '*.swift')
fi
for f in "$root"/Sources/FlowCore/*.swift "$root"/Sources/FlowIO/*.swift $formats "$root/scripts/fuzz/$harness"; do
  sed -e '/^import FlowCore$/d' -e '/^import FlowIO$/d' -e '/^import Yams$/d' ${FUZZ_SED:+-e "$FUZZ_SED"} "$f" > "$src/$(basename "$f")"
done
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name FloeFuzz -package-name floe \
  -I "$root/Sources/CBzip2" -I "$root/Sources/CZlib" -I "$root/Sources/CLinuxIO" -lbz2 -lz -ldl "$src"/*.swift -o "$work/fuzz-$target"
corpus="$work/corpus-$target"
if [ -z "$(ls -A "$corpus")" ]; then
  case "$target" in
    pcap) cp "$root"/data/tools/binary/*.pcap "$corpus"/ ;;
    nfcapd) cp "$root"/data/tools/binary/*.nfcapd "$corpus"/ ;;
    csv) cp "$root"/scripts/fuzz/seeds-csv/* "$corpus"/ ;;
    export) # the export datagrams inside the captures (UDP payloads), one file each
      python3 - "$root/data/tools/binary" "$corpus" <<'PY'
import struct, sys, glob, os
src, dst = sys.argv[1], sys.argv[2]
n = 0
for f in sorted(glob.glob(os.path.join(src, "*.pcap"))):
    d = open(f, "rb").read()
    o = 24
    while o + 16 <= len(d):
        caplen = struct.unpack_from("<I", d, o + 8)[0]
        pkt = d[o + 16:o + 16 + caplen]
        o += 16 + caplen
        # DLT_EN10MB on lo: 14-byte Ethernet, IPv4 (20) or IPv6 (40), UDP (8)
        ip = 14 + (20 if pkt[12:14] == b"\x08\x00" else 40)
        open(os.path.join(dst, f"msg{n}"), "wb").write(pkt[ip + 8:])
        n += 1
PY
      ;;
  esac
fi
cd "$work"
"./fuzz-$target" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=70000 -print_final_stats=1 "$corpus" 2>&1 | tee "$work/fuzz-$target.log" | grep -E "^#[0-9]+.*(pulse|DONE|NEW)|ERROR|stat::|Done" | tail -n 12
