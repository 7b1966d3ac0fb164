#!/usr/bin/env bash
# Peer check for the binary decoders: floe's records from the committed captures and nfcapd
# files (data/tools/binary/) are compared field by field with Wireshark's dissector
# (tshark -T json) and with nfdump's own CSV. Installs the peers with apt-get if missing.
# floe's side is the real floe-ingest output (Arrow files + manifest.json) of all fixtures
# in one run, read back with pyarrow (scripts/peers/arrow_to_jsonl.py, in the project venv
# from scripts/python-env.sh); the manifest must show every input ingested and balanced.
#
# Where peers are known to be wrong (FIELD-NOTES, and found here):
#  - tshark shows a flowStartSysUpTime of 0 as an absolute 1970 time; compare_binary.py
#    reads it as the wire value 0 (RFC 7011: relative to systemInitTimeMilliseconds).
#  - nfdump 1.7.1 prints v9 times of uptime-wrapped exporters 2^32 ms late and some IPFIX
#    SysUpTime times wrong; its CSV has whole seconds. The nfcapd fixtures come from
#    softflowd with -a (no wrap) so its seconds are comparable; the wrap case (the v9
#    capture, replayed without -a) is checked against tshark, which does it right.
#  - softflowd numbers IPFIX messages by flows sent *including* the message and without the
#    options record, not by data records sent before it (RFC 7011 §3.1), so floe reports
#    sequence resets/gaps for its captures; tshark flags the same messages.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
fx=data/tools/binary
if ! command -v tshark >/dev/null || ! command -v nfdump >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq tshark nfdump >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
PY=$(scripts/python-env.sh)
swift build --product floe-ingest >/dev/null 2>&1 || { swift build --product floe-ingest 2>&1 | tail -20; exit 1; }
ingest="$(swift build --show-bin-path)/floe-ingest"
fixtures=("$fx"/softflowd-*.pcap "$fx"/nfcapd-*.nfcapd)
"$ingest" --quiet --output "$out/ingest" "${fixtures[@]}" || { echo "floe-ingest failed on the fixtures"; exit 1; }
dump() { # input output
  "$PY" scripts/peers/arrow_to_jsonl.py "$out/ingest" "$1" "$2" || { echo "floe-ingest output of $1 unusable"; exit 1; }
}
fail=0
for entry in softflowd-v5:29991 softflowd-v9:29992 softflowd-ipfix:29993 softflowd-ipfix-biflow:29994; do
  name=${entry%%:*}; port=${entry##*:}
  echo "== $name.pcap vs tshark"
  dump "$fx/$name.pcap" "$out/$name.jsonl"
  tshark -r "$fx/$name.pcap" -d udp.port==$port,cflow -T json --no-duplicate-keys 2>/dev/null > "$out/$name.tshark.json"
  "$PY" scripts/peers/compare_binary.py tshark "$out/$name.jsonl" "$out/$name.tshark.json" || fail=1
done
for c in none lz4 lzo bz2; do
  echo "== nfcapd-$c.nfcapd vs nfdump -o csv"
  dump "$fx/nfcapd-$c.nfcapd" "$out/nf-$c.jsonl"
  TZ=UTC nfdump -r "$fx/nfcapd-$c.nfcapd" -o csv > "$out/nf-$c.csv"
  "$PY" scripts/peers/compare_binary.py nfdump "$out/nf-$c.jsonl" "$out/nf-$c.csv" || fail=1
done
[ $fail = 0 ] && echo "binary peer check: OK" || { echo "binary peer check: FAILED"; exit 1; }
