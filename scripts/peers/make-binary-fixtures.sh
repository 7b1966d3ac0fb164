#!/usr/bin/env bash
# Regenerates the committed captures and nfcapd files under data/tools/binary/ from real
# exporters on loopback (needs root for tcpdump on lo). Bounded loops only; loopback only.
#   usage: scripts/peers/make-binary-fixtures.sh [OUTDIR]
# Tools (Debian): nfdump (nfcapd), softflowd, tcpdump, python3, curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/data/tools/binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in nfcapd softflowd tcpdump curl; do
  command -v $t >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nfdump softflowd tcpdump curl >/dev/null
done
mkdir -p "$out"

# 1. Local traffic: HTTP over 127.0.0.1 and ::1, a TCP port sweep, UDP, ICMP echo.
tcpdump -i lo -s 256 -U -w "$work/traffic.pcap" 'not udp portrange 29990-29999' 2>/dev/null &
tcpdump_pid=$!
sleep 1
python3 -m http.server 18080 --bind 127.0.0.1 >/dev/null 2>&1 & http4=$!
python3 -m http.server 18081 --bind ::1 >/dev/null 2>&1 & http6=$!
sleep 1
for i in 1 2 3 4 5; do
  curl -s -o /dev/null http://127.0.0.1:18080/ || true
  curl -s -o /dev/null "http://[::1]:18081/" || true
done
for p in $(seq 18100 18115); do (echo > /dev/tcp/127.0.0.1/$p) 2>/dev/null || true; done
for p in $(seq 18200 18205); do echo "x$p" > /dev/udp/127.0.0.2/$p || true; done
ping -c 3 -i 0.2 127.0.0.1 >/dev/null || true
ping -6 -c 3 -i 0.2 ::1 >/dev/null 2>&1 || true
sleep 1
kill $http4 $http6; kill -INT $tcpdump_pid; wait $tcpdump_pid 2>/dev/null || true

# 2. softflowd replays the capture as v5, v9 and IPFIX (one port each) while tcpdump captures
#    the export datagrams. v9 is replayed WITHOUT -a on purpose: its SysUptime-relative times
#    then wrap (FIRST above the header's uptime), an edge case decoders must handle.
export_capture() { # name port version extra-args...
  local name=$1 port=$2 ver=$3; shift 3
  tcpdump -i lo -s 0 -U -w "$out/$name.pcap" "udp port $port" 2>/dev/null &
  local cap=$!
  sleep 1
  softflowd -r "$work/traffic.pcap" -n 127.0.0.1:$port -v $ver -c none -d "$@" >/dev/null 2>&1 || true
  sleep 1
  kill -INT $cap; wait $cap 2>/dev/null || true
}
export_capture softflowd-v5 29991 5 -a
export_capture softflowd-v9 29992 9 -6
export_capture softflowd-ipfix 29993 10 -a -6
export_capture softflowd-ipfix-biflow 29994 10 -a -b -6

# 3. nfcapd collects v9 (with -a) into files, one per block compression.
collect() { # name port flag
  local name=$1 port=$2 flag=$3 dir="$work/nf-$1"
  mkdir -p "$dir"
  nfcapd -b 127.0.0.1 -p $port -w "$dir" -t 300 $flag >/dev/null 2>&1 &
  local pid=$!
  sleep 1
  softflowd -r "$work/traffic.pcap" -n 127.0.0.1:$port -v 9 -c none -d -a -6 >/dev/null 2>&1 || true
  sleep 1
  kill -TERM $pid; wait $pid 2>/dev/null || true
  cp "$(ls "$dir"/nfcapd.2* | head -n1)" "$out/$name.nfcapd"
}
collect nfcapd-none 29995 ""
collect nfcapd-lz4 29996 -y
collect nfcapd-lzo 29997 -z
collect nfcapd-bz2 29998 -j
ls -l "$out"
