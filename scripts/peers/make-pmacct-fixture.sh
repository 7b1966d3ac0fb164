#!/usr/bin/env bash
# Regenerates data/tools/text/pmacct-print.csv with pmacctd's print plugin reading a
# loopback capture (needs root for tcpdump on lo). Bounded loops only; loopback only.
#   usage: scripts/peers/make-pmacct-fixture.sh [OUTDIR]
# Tools (Debian 12): pmacct (pmacctd 1.7.7), tcpdump, python3, curl, netcat-openbsd.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/data/tools/text}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout 30 tcpdump -i lo -s 256 -U -w "$work/traffic.pcap" 'ip or ip6' 2>/dev/null &
cap=$!
sleep 1
timeout 25 python3 -m http.server 18980 --bind 127.0.0.1 >/dev/null 2>&1 & http=$!
timeout 25 python3 -m http.server 18981 --bind ::1 >/dev/null 2>&1 & http6=$!
sleep 1
for i in 1 2 3; do
  timeout 5 curl -s -o /dev/null http://127.0.0.1:18980/ || true
  timeout 5 curl -s -o /dev/null "http://[::1]:18981/" || true
done
timeout 10 nc -z -w 1 127.0.0.1 18990-18994 || true
for p in $(seq 18995 18997); do echo "x$p" > /dev/udp/127.0.0.2/$p || true; done
sleep 1
kill $http $http6 2>/dev/null || true
kill -INT $cap; wait $cap 2>/dev/null || true
# The print plugin writes one CSV whose columns follow `aggregate` (+ PACKETS, BYTES).
cat > "$work/pmacctd.conf" <<CONF
daemonize: false
pcap_savefile: $work/traffic.pcap
aggregate: src_host, dst_host, src_port, dst_port, proto, timestamp_start, timestamp_end
plugins: print
print_output: csv
print_output_file: $work/print.csv
print_refresh_time: 1
print_history: 1m
CONF
timeout 20 pmacctd -f "$work/pmacctd.conf" >/dev/null 2>&1 || true
cp "$work/print.csv" "$out/pmacct-print.csv"
wc -l "$out/pmacct-print.csv"
