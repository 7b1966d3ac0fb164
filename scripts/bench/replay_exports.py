"""Sends the UDP payloads of a pcap written by make_exports.py to a collector on loopback,
rate-limited, once (a bounded loop over the file). Used to make nfcapd write an nfcapd file
of the same flows, since nfcapd 1.7.1 cannot read captures.

Usage: python replay_exports.py CAPTURE.pcap PORT [--rate DATAGRAMS_PER_S]
Only 127.0.0.1 is ever addressed. Prints the datagrams sent.
"""
import argparse
import socket
import struct
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("port", type=int)
    ap.add_argument("--rate", type=float, default=10000.0)
    a = ap.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    target = ("127.0.0.1", a.port)
    sent = 0
    begin = time.perf_counter()
    with open(a.pcap, "rb", buffering=8 << 20) as f:
        head = f.read(24)
        if struct.unpack_from("<I", head)[0] != 0xA1B2C3D4 or struct.unpack_from("<I", head, 20)[0] != 1:
            sys.exit(f"{a.pcap}: not a little-endian Ethernet pcap from make_exports.py")
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            caplen = struct.unpack_from("<I", rec, 8)[0]
            frame = f.read(caplen)
            if len(frame) < caplen or frame[12:14] != b"\x08\x00":
                sys.exit(f"{a.pcap}: truncated or non-IPv4 frame after {sent} datagrams")
            ihl = (frame[14] & 0x0F) * 4
            sock.sendto(frame[14 + ihl + 8:], target)
            sent += 1
            # pace: never ahead of the schedule of `rate` datagrams per second
            ahead = sent / a.rate - (time.perf_counter() - begin)
            if ahead > 0.001:
                time.sleep(ahead)
    print(sent)


if __name__ == "__main__":
    main()
