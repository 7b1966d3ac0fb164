#!/usr/bin/env bash
# Regenerates data/tools/text/cicflowmeter-python.csv with the real Python `cicflowmeter`
# (PyPI 0.2.0) from a loopback capture (needs root for tcpdump on lo). Bounded loops only.
# cicflowmeter writes an empty CSV with scapy 2.8: scapy 2.5.0 is pinned in its own venv.
#   usage: scripts/peers/make-cicflowmeter-fixture.sh [OUTDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/data/tools/text}
venv="$root/scripts/peers/.venv-cicflowmeter"
if [ ! -x "$venv/bin/cicflowmeter" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "cicflowmeter==0.2.0" "scapy==2.5.0"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 30 tcpdump -i lo -s 0 -U -w "$work/traffic.pcap" 'ip and (tcp or udp)' 2>/dev/null &
cap=$!
sleep 1
timeout 25 python3 -m http.server 18680 --bind 127.0.0.1 >/dev/null 2>&1 & http=$!
sleep 1
for i in 1 2 3 4 5 6; do timeout 5 curl -s -o /dev/null http://127.0.0.1:18680/ || true; sleep 0.3; done
timeout 10 nc -z -w 1 127.0.0.1 18700-18706 || true
for p in $(seq 18800 18803); do echo "x$p" > /dev/udp/127.0.0.2/$p || true; done
sleep 1
kill $http 2>/dev/null || true
kill -INT $cap; wait $cap 2>/dev/null || true
timeout 120 "$venv/bin/cicflowmeter" -f "$work/traffic.pcap" -c "$out/cicflowmeter-python.csv"
wc -l "$out/cicflowmeter-python.csv"
