#!/usr/bin/env bash
# Binary ingest benchmark: floe-ingest (release) on pcap captures of NetFlow v9 and IPFIX
# exports and on nfcapd files of the same flows, side by side with nfdump reading its own
# files (`-o csv` and `-o null`, the plainest read nfdump 1.7.1 offers). floe-ingest runs
# twice per input: writing Arrow, and with --dry-run (decode and account, write nothing),
# which is the work `nfdump -o null` does.
#   usage: scripts/bench/binary.sh [RECORDS=5000000] [RUNS=3]     (RUNS=0: make and check data only)
#   NFDUMP_CSV=0 leaves out `nfdump -o csv` (45 s a run, about 0.1 M records/s every time), so
#   many runs of the rest fit in a minute or two: NFDUMP_CSV=0 scripts/bench/binary.sh 5000000 9
# Data (git-ignored, reused when present) goes to $BENCH_DIR (default /tmp/floe-bench-binary):
#   1. `floe generate --dialect generic-csv` writes RECORDS flows (7 days, seed 1);
#   2. scripts/bench/make_exports.py packs them into v9 and IPFIX export datagrams in two
#      pcap files (no network involved);
#   3. nfcapd 1.7.1 cannot read captures, so the v9 capture's datagrams are replayed once
#      over loopback (127.0.0.1 only, rate-limited, a bounded loop over the file) into an
#      nfcapd listening on 127.0.0.1; the script stops if nfcapd stored fewer flows than sent.
#      nfdump then rewrites that file LZ4-compressed for a second nfcapd input.
# LZ4: floe-ingest decodes LZ4 blocks with its own decoder; the LZ4 input is also read with
# FLOE_LZ4_DECODER=liblz4 (liblz4.so.1 when it loads) to compare the two.
# Timings: alternating whole-process runs, medians of wall time and CPU (user+sys), peak RSS;
# appended to scripts/bench/results/binary.md (and .json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
records=${1:-5000000}
runs=${2:-3}
work=${BENCH_DIR:-/tmp/floe-bench-binary}
port=${NFCAPD_PORT:-29989}
rate=${REPLAY_RATE:-10000}
mkdir -p "$work" scripts/bench/results
out=scripts/bench/results/binary.md
for t in nfdump nfcapd python3; do
  command -v $t >/dev/null || { echo "needs $t (apt-get install -y nfdump python3)" >&2; exit 1; }
done

swift build -c release --product floe >&2
swift build -c release --product floe-ingest >&2
bin=$(swift build -c release --show-bin-path)

csv="$work/flows-$records.csv"
v9="$work/flows-$records-v9.pcap"
ipfix="$work/flows-$records-ipfix.pcap"
nfc="$work/flows-$records-v9.nfcapd"
nfc_lz4="$work/flows-$records-v9-lz4.nfcapd"

if [ ! -f "$csv" ]; then
  "$bin/floe" generate --rows "$records" --days 7 --seed 1 --dialect generic-csv --output "$csv.part"
  mv "$csv.part" "$csv"; mv "$csv.part.labels.json" "$csv.labels.json" 2>/dev/null || true
fi
if [ ! -f "$v9" ] || [ ! -f "$ipfix" ]; then
  python3 scripts/bench/make_exports.py "$csv" --v9 "$v9.part" --ipfix "$ipfix.part" >&2
  mv "$v9.part" "$v9"; mv "$ipfix.part" "$ipfix"
fi

# Flows stored in an nfcapd file, from nfdump's own stat record.
nf_flows() { nfdump -r "$1" -I | awk '/^Flows:/ {print $2; exit}'; }

if [ ! -f "$nfc" ]; then
  dir="$work/nfcapd-collect"
  rm -rf "$dir"; mkdir -p "$dir"
  nfcapd -b 127.0.0.1 -p "$port" -w "$dir" -t 3600 -B 4194304 >"$work/nfcapd.log" 2>&1 &
  nfcapd_pid=$!
  sleep 1
  python3 scripts/bench/replay_exports.py "$v9" "$port" --rate "$rate" >&2
  sleep 2
  kill -TERM "$nfcapd_pid"; wait "$nfcapd_pid" 2>/dev/null || true
  files=("$dir"/nfcapd.2*)
  if [ "${#files[@]}" -eq 1 ]; then cp "${files[0]}" "$nfc.part"; else nfdump -R "$dir" -w "$nfc.part"; fi
  got=$(nf_flows "$nfc.part")
  if [ "$got" != "$records" ]; then
    echo "nfcapd stored $got flows of $records sent (datagrams lost?): lower REPLAY_RATE (now $rate/s)" >&2
    exit 1
  fi
  mv "$nfc.part" "$nfc"
  rm -rf "$dir"
fi
if [ ! -f "$nfc_lz4" ]; then
  nfdump -r "$nfc" -y -w "$nfc_lz4.part"
  mv "$nfc_lz4.part" "$nfc_lz4"
fi

# floe must read every record of every input (rows_written == records), or timings mean little.
for input in "$v9" "$ipfix" "$nfc" "$nfc_lz4"; do
  rm -rf "$work/check"
  "$bin/floe-ingest" --quiet --output "$work/check" "$input"
  written=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["rows_written"])' "$work/check/manifest.json")
  if [ "$written" != "$records" ]; then
    echo "floe-ingest wrote $written rows of $records from $input; see $work/check/manifest.json" >&2
    exit 1
  fi
done
rm -rf "$work/check"
if [ "$runs" -eq 0 ]; then echo "data ready in $work" >&2; exit 0; fi

{
  echo "## binary ingest benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "machine: $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); " \
       "load average before: $(cut -d' ' -f1-3 /proc/loadavg); floe $(git rev-parse --short HEAD); " \
       "$(nfdump -V 2>&1 | head -n1)"
  echo
  echo "Inputs: $records flows from \`floe generate --seed 1 --days 7\`, exported by" \
       "scripts/bench/make_exports.py as v9 and IPFIX datagrams (≤ 1400 bytes); the nfcapd file is" \
       "nfcapd collecting the v9 datagrams replayed over loopback; the LZ4 one is \`nfdump -y -w\` of it." \
       "floe-ingest writes Arrow files to a fresh folder each run; \`floe-ingest --dry-run\` reads," \
       "decodes into columns and accounts for every record (fingerprint, export loss, rejects) but" \
       "writes nothing, the same work as \`nfdump -q -o null\`."
  echo
} >> "$out"

floe_out="$work/out-floe"
for input in "$v9" "$ipfix" "$nfc" "$nfc_lz4"; do
  size=$(stat -c %s "$input")
  cmds=("floe-ingest=$bin/floe-ingest --quiet --output $floe_out $input"
        "floe-ingest --dry-run=$bin/floe-ingest --dry-run --quiet $input")
  case "$input" in
    *-lz4.nfcapd)
      # The LZ4 blocks by liblz4 instead of floe's own decoder (when liblz4 is installed).
      cmds+=("floe-ingest --dry-run, liblz4=FLOE_LZ4_DECODER=liblz4 $bin/floe-ingest --dry-run --quiet $input") ;;
  esac
  case "$input" in
    *.nfcapd)
      if [ "${NFDUMP_CSV:-1}" != 0 ]; then cmds+=("nfdump -o csv=nfdump -r $input -o csv > /dev/null"); fi
      cmds+=("nfdump -q -o null=nfdump -r $input -q -o null > /dev/null") ;;
  esac
  python3 scripts/bench/binary_runner.py --title "$(basename "$input")" --records "$records" \
    --bytes "$size" --runs "$runs" --ref floe-ingest --clean "$floe_out" --out "$out" "${cmds[@]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
echo >> "$out"
rm -rf "$floe_out"
echo "results appended to $out" >&2
