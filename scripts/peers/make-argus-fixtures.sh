#!/usr/bin/env bash
# Regenerates the argus text fixtures under data/tools/text/ from a real loopback capture
# (needs root for tcpdump on lo). Bounded loops only; loopback only.
#   usage: scripts/peers/make-argus-fixtures.sh [OUTDIR]
# Tools (Debian 12): argus-server (argus 3.0.8), argus-client (ra), tcpdump, python3, curl,
# iputils-ping, netcat-openbsd.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/data/tools/text}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# 1. Local traffic: HTTP over 127.0.0.1 and ::1, a refused TCP port range (nc -z), UDP,
#    ICMP and ICMPv6 echo.
timeout 30 tcpdump -i lo -s 256 -U -w "$work/traffic.pcap" 2>/dev/null &
tcpdump_pid=$!
sleep 1
timeout 25 python3 -m http.server 18380 --bind 127.0.0.1 >/dev/null 2>&1 & http4=$!
timeout 25 python3 -m http.server 18381 --bind ::1 >/dev/null 2>&1 & http6=$!
sleep 1
for i in 1 2 3 4; do
  timeout 5 curl -s -o /dev/null http://127.0.0.1:18380/ || true
  timeout 5 curl -s -o /dev/null "http://[::1]:18381/" || true
done
timeout 10 nc -z -w 1 127.0.0.1 18400-18410 || true
timeout 10 nc -z -w 1 ::1 18420-18424 || true
for p in $(seq 18500 18504); do echo "x$p" > /dev/udp/127.0.0.2/$p || true; done
timeout 10 ping -c 3 -i 0.2 127.0.0.1 >/dev/null || true
timeout 10 ping -6 -c 3 -i 0.2 ::1 >/dev/null 2>&1 || true
sleep 1
kill $http4 $http6 2>/dev/null || true
kill -INT $tcpdump_pid; wait $tcpdump_pid 2>/dev/null || true

# 2. argus turns the capture into flow records; ra prints them as CSV with a header line.
timeout 60 argus -r "$work/traffic.pcap" -w "$work/traffic.argus"
fields="stime ltime proto saddr sport dir daddr dport spkts dpkts sbytes dbytes state"
# With management records (argus writes `man` records at the start and end of the stream;
# ra prints them unless filtered).
timeout 60 ra -r "$work/traffic.argus" -n -u -c , -s $fields > "$out/argus-ra.csv"
# Flows only (the filter `not man` drops management records).
timeout 60 ra -r "$work/traffic.argus" -n -u -c , -s $fields - not man > "$out/argus-ra-flows.csv"
ls -l "$out"
