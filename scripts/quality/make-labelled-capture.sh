#!/usr/bin/env bash
# Makes the real labelled capture under data/capture/ (committed): a few minutes of benign
# loopback traffic with real attacks among it, exported by softflowd into an nfcapd file.
# Loopback only (127.0.0.0/8; replies of spoofed 127.x sources stay on lo), every loop
# bounded, every tool under `timeout`. Needs root (raw sockets) and Debian's nmap, hping3,
# softflowd, nfdump, tcpdump, curl, netcat-openbsd, python3.
#
# Hosts (all on lo):
#   127.0.0.10  web server (HTTP :8080, 4 MiB file), 127.0.0.11 DNS-like UDP responder :5353
#   127.0.0.12  a long SSH-like TCP session :2222 (small messages every 2 s)
#   127.0.0.50..57  benign clients (downloads, queries, the session)
#   127.0.0.66  scanner: nmap -sS over ports 1-2000 of 127.0.0.10        → port_scan
#   127.0.0.77  sweeper: nmap -sS of port 22 over 127.0.0.0/24           → address_sweep
#   127.0.0.20  flood victim: SYNs to :80 from 300 sources 127.1.0.1..   → ddos
#   127.0.0.40 → 127.0.0.30:9000  a 400 MB upload                        → exfiltration
# The labels (data/capture/labels.json) are written from what this script runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/data/capture"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
for t in nmap hping3 softflowd nfcapd tcpdump curl nc; do
  command -v $t >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nmap hping3 softflowd nfdump tcpdump curl netcat-openbsd >/dev/null
done
mkdir -p "$out"

timeout 400 tcpdump -i lo -s 128 -w "$work/traffic.pcap" 'net 127.0.0.0/8' >/dev/null 2>&1 &
tcpdump_pid=$!; pids+=($tcpdump_pid)
sleep 2

# Benign services.
mkdir -p "$work/www"; head -c 4194304 /dev/urandom > "$work/www/file.bin"
(cd "$work/www" && timeout 300 python3 -m http.server 8080 --bind 127.0.0.10 >/dev/null 2>&1) & pids+=($!)
timeout 300 python3 - <<'PY' >/dev/null 2>&1 &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.11", 5353))
while True:
    data, peer = s.recvfrom(512); s.sendto(data + b"\x00" * 48, peer)
PY
pids+=($!)
timeout 300 nc -l -k 127.0.0.12 2222 >/dev/null 2>&1 & pids+=($!)
timeout 300 nc -l -k 127.0.0.30 9000 >/dev/null 2>&1 & pids+=($!)
sleep 1

# Benign clients for the whole capture: downloads, queries, one long session.
(for i in $(seq 1 60); do
   timeout 10 curl -s --interface 127.0.0.5$((i % 4)) -o /dev/null http://127.0.0.10:8080/file.bin || true; sleep 2
 done) & pids+=($!)
timeout 200 python3 - <<'PY' >/dev/null 2>&1 &
import socket, time
for i in range(600):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((f"127.0.0.5{4 + i % 3}", 0)); s.settimeout(0.5)
    s.sendto(b"q%05d" % i + b"\x00" * 30, ("127.0.0.11", 5353))
    try: s.recvfrom(512)
    except OSError: pass
    s.close(); time.sleep(0.25)
PY
pids+=($!)
(for i in $(seq 1 80); do echo "keepalive $i"; sleep 2; done | timeout 200 nc -s 127.0.0.57 127.0.0.12 2222 >/dev/null 2>&1 || true) & pids+=($!)
sleep 20

# Attacks, one after another, with benign traffic going on.
timeout 120 nmap -n -Pn -sS -T4 -e lo -S 127.0.0.66 -p 1-2000 127.0.0.10 >/dev/null 2>&1 || true
sleep 10
timeout 120 nmap -n -Pn -sS -T4 -e lo -S 127.0.0.77 -p 22 127.0.0.0/24 >/dev/null 2>&1 || true
sleep 10
for n in $(seq 1 300); do
  timeout 5 hping3 -q -S -p 80 -a 127.1.$((n / 250)).$((n % 250 + 1)) -c 40 -i u500 127.0.0.20 >/dev/null 2>&1 || true
done
sleep 10
head -c 419430400 /dev/zero | timeout 120 nc -q 1 -s 127.0.0.40 127.0.0.30 9000 >/dev/null 2>&1 || true
sleep 30

kill -INT $tcpdump_pid; wait $tcpdump_pid 2>/dev/null || true

# softflowd exports the capture (flow times from the packets) to nfcapd. softflowd -r sends
# as fast as it reads, so nfcapd gets a large socket buffer (-B) or loopback drops datagrams;
# the export datagrams are also captured, and the two flow counts must agree.
mkdir -p "$work/nfcapd"
nfcapd -b 127.0.0.1 -p 29977 -B 33554432 -w "$work/nfcapd" -t 3600 >/dev/null 2>&1 & nfcapd_pid=$!; pids+=($nfcapd_pid)
timeout 200 tcpdump -i lo -B 65536 -s 0 -w "$work/export.pcap" udp port 29977 >/dev/null 2>&1 & cap=$!; pids+=($cap)
sleep 2
timeout 120 softflowd -r "$work/traffic.pcap" -n 127.0.0.1:29977 -v 9 -c none -d -a >/dev/null 2>&1 || true
sleep 3
kill -INT $cap; wait $cap 2>/dev/null || true
kill -TERM $nfcapd_pid; wait $nfcapd_pid 2>/dev/null || true
cp "$(ls "$work"/nfcapd/nfcapd.2* | head -n1)" "$out/capture.nfcapd"
cp "$work/export.pcap" "$out/capture-export-v9.pcap"
stored=$(nfdump -r "$out/capture.nfcapd" -I | awk '/^Flows:/ {print $2}')
sent=$(tcpdump -r "$work/export.pcap" -nn -v 2>/dev/null | grep -c "UDP, length" || true)
echo "flows stored by nfcapd: $stored; export datagrams captured: $sent"
dropped=$(nfdump -r "$out/capture.nfcapd" -I | awk '/^Sequence failures:/ {print $3}')
echo "nfcapd sequence failures: ${dropped:-0}"
