"""Turns a generic-csv flow log (from `floe generate --dialect generic-csv`) into pcap
captures of NetFlow v9 and IPFIX export datagrams, without any network: each flow becomes
one data record, packed into UDP datagrams of at most --mtu-payload bytes behind an
Ethernet + IPv4 + UDP header, as a router at 10.0.255.1 would export them to a collector.

Usage: python make_exports.py FLOWS.csv --v9 OUT-v9.pcap --ipfix OUT-ipfix.pcap
                              [--mtu-payload 1400] [--template-every 64]

Records (one template for IPv4 flows, one for IPv6, per format):
- v9 (source id 1): addresses, ports, protocol, TCP flags, ToS, IN_PKTS (8), IN_BYTES (8),
  INPUT/OUTPUT_SNMP (4), SRC/DST_AS (4), FIRST/LAST_SWITCHED (SysUptime ms), DIRECTION.
  Export times are whole seconds (v9 headers have no milliseconds), so times are exact.
- IPFIX (domain 1): the same fields with flowStart/EndMilliseconds (IE 152/153) and
  packet/octetDeltaCount (IE 2/1).
Reverse counters (rev_packets/rev_bytes) are not exported: both formats carry one direction.
A datagram's records are consecutive rows of the CSV of one address family; templates are
sent in the first datagram and then in every --template-every-th datagram, as routers do.
Prints one JSON line: rows, datagrams and bytes written per format.
"""
import argparse
import json
import socket
import struct
import sys

ROUTER_IP = bytes([10, 0, 255, 1])
COLLECTOR_IP = bytes([10, 0, 0, 250])
V9_PORT, IPFIX_PORT = 2055, 4739

# (field type, length) in wire order; IPv4 and IPv6 variants differ in the address fields.
COMMON_TAIL = [(7, 2), (11, 2), (4, 1), (6, 1), (5, 1), (2, 8), (1, 8),
               (10, 4), (14, 4), (16, 4), (17, 4)]
V9_TIMES = [(22, 4), (21, 4), (61, 1)]            # FIRST_SWITCHED, LAST_SWITCHED, DIRECTION
IPFIX_TIMES = [(152, 8), (153, 8), (61, 1)]       # flowStart/EndMilliseconds, flowDirection
ADDR4 = [(8, 4), (12, 4)]
ADDR6 = [(27, 16), (28, 16)]

# Record layouts after the addresses: sport dport proto flags tos pkts bytes in out sas das
TAIL_FMT = "!HHBBBQQIIII"
V9_TIME_FMT = "!IIB"
IPFIX_TIME_FMT = "!QQB"


def day_ms_cache():
    cache = {}

    def day_ms(date):
        v = cache.get(date)
        if v is None:
            y, m, d = int(date[0:4]), int(date[5:7]), int(date[8:10])
            # days from civil (Howard Hinnant's algorithm)
            y -= m <= 2
            era = y // 400
            yoe = y - era * 400
            doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
            doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
            v = (era * 146097 + doe - 719468) * 86_400_000
            cache[date] = v
        return v
    return day_ms


def parse_time(s, day_ms):
    # 2026-11-01T12:34:56.789Z
    return day_ms(s[0:10]) + int(s[11:13]) * 3_600_000 + int(s[14:16]) * 60_000 + \
        int(s[17:19]) * 1000 + int(s[20:23])


def ip_checksum(header):
    s = sum(struct.unpack("!10H", header))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class PcapWriter:
    def __init__(self, path, dst_port):
        self.f = open(path, "wb", buffering=8 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.dst_port = dst_port
        self.ip_id = 0
        self.packets = 0
        self.bytes = 24

    def write(self, export_ms, payload):
        udp_len = 8 + len(payload)
        ip_len = 20 + udp_len
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, self.ip_id, 0x4000, 64, 17, 0,
                                   ROUTER_IP, COLLECTOR_IP))
        struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
        eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
        udp = struct.pack("!HHHH", 50000, self.dst_port, udp_len, 0)
        frame = eth + bytes(ip) + udp + payload
        sec, ms = divmod(export_ms, 1000)
        self.f.write(struct.pack("<IIII", sec, ms * 1000, len(frame), len(frame)))
        self.f.write(frame)
        self.packets += 1
        self.bytes += 16 + len(frame)

    def close(self):
        self.f.close()


def v9_template_flowset():
    body = b""
    for tid, addr in ((256, ADDR4), (257, ADDR6)):
        fields = addr + COMMON_TAIL + V9_TIMES
        body += struct.pack("!HH", tid, len(fields)) + b"".join(struct.pack("!HH", t, l) for t, l in fields)
    return struct.pack("!HH", 0, 4 + len(body)) + body, 2


def ipfix_template_set():
    body = b""
    for tid, addr in ((256, ADDR4), (257, ADDR6)):
        fields = addr + COMMON_TAIL + IPFIX_TIMES
        body += struct.pack("!HH", tid, len(fields)) + b"".join(struct.pack("!HH", t, l) for t, l in fields)
    return struct.pack("!HH", 2, 4 + len(body)) + body, 2


class Exporter:
    """Packs records of one format into datagrams: one data set per datagram (one family)."""

    def __init__(self, fmt, writer, mtu, template_every, boot_ms):
        self.fmt = fmt
        self.w = writer
        self.mtu = mtu
        self.template_every = template_every
        self.boot_ms = boot_ms
        self.templates, self.template_count = v9_template_flowset() if fmt == 9 else ipfix_template_set()
        self.pending = {4: [], 6: []}          # family -> list of record bytes
        self.pending_end = {4: 0, 6: 0}         # latest flow end in the pending records
        self.datagrams = 0
        self.sequence = 0                       # v9: datagrams; IPFIX: data records sent before
        self.rows = 0
        self.per_datagram = {4: self.capacity(4), 6: self.capacity(6)}

    def header_len(self):
        return 20 if self.fmt == 9 else 16

    def capacity(self, family):
        """Records of `family` that fit in one datagram next to the templates."""
        rec = (8 if family == 4 else 32) + struct.calcsize(TAIL_FMT) + \
            struct.calcsize(V9_TIME_FMT if self.fmt == 9 else IPFIX_TIME_FMT)
        room = self.mtu - self.header_len() - 4 - len(self.templates)
        return room // rec

    def add(self, family, start, end, tail_values):
        if self.fmt == 9:
            rec_time = struct.pack(V9_TIME_FMT, (start - self.boot_ms) & 0xFFFFFFFF,
                                   (end - self.boot_ms) & 0xFFFFFFFF, tail_values[-1])
        else:
            rec_time = struct.pack(IPFIX_TIME_FMT, start, end, tail_values[-1])
        rec = tail_values[0] + struct.pack(TAIL_FMT, *tail_values[1:-1]) + rec_time
        p = self.pending[family]
        p.append(rec)
        if end > self.pending_end[family]:
            self.pending_end[family] = end
        if len(p) >= self.per_datagram[family]:
            self.flush(family)

    def flush(self, family):
        recs = self.pending[family]
        if not recs:
            return
        # Export time: whole second after the latest flow end (v9 headers have seconds only).
        export_ms = (self.pending_end[family] // 1000 + 1) * 1000
        tid = 256 if family == 4 else 257
        data = b"".join(recs)
        pad = (-len(data)) % 4
        dataset = struct.pack("!HH", tid, 4 + len(data) + pad) + data + b"\x00" * pad
        with_templates = self.datagrams % self.template_every == 0
        body = (self.templates if with_templates else b"") + dataset
        if self.fmt == 9:
            count = len(recs) + (self.template_count if with_templates else 0)
            header = struct.pack("!HHIIII", 9, count, (export_ms - self.boot_ms) & 0xFFFFFFFF,
                                 export_ms // 1000, self.sequence, 1)
            self.sequence += 1
        else:
            header = struct.pack("!HHIII", 10, 16 + len(body), export_ms // 1000, self.sequence, 1)
            self.sequence += len(recs)
        self.w.write(export_ms, header + body)
        self.datagrams += 1
        self.rows += len(recs)
        self.pending[family] = []
        self.pending_end[family] = 0

    def finish(self):
        self.flush(4)
        self.flush(6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--v9", required=True)
    ap.add_argument("--ipfix", required=True)
    ap.add_argument("--mtu-payload", type=int, default=1400)
    ap.add_argument("--template-every", type=int, default=64)
    a = ap.parse_args()
    day_ms = day_ms_cache()
    v9w, ipw = PcapWriter(a.v9, V9_PORT), PcapWriter(a.ipfix, IPFIX_PORT)
    v9 = ipfix = None
    rows = 0
    with open(a.csv, "r", buffering=8 << 20) as f:
        header = f.readline().rstrip("\n").split(",")
        if header[:20] != ["start", "end", "src_addr", "dst_addr", "src_port", "dst_port", "protocol",
                           "tcp_flags", "packets", "bytes", "input_if", "output_if", "src_as", "dst_as",
                           "tos", "exporter", "sampling_rate", "flow_direction", "rev_packets", "rev_bytes"]:
            sys.exit(f"{a.csv}: not a floe generic-csv file (header {header[:5]}...)")
        for line in f:
            c = line.split(",", 20)
            start, end = parse_time(c[0], day_ms), parse_time(c[1], day_ms)
            if v9 is None:
                # The router booted one day before the first day of flows.
                boot = (start // 86_400_000 - 1) * 86_400_000
                v9 = Exporter(9, v9w, a.mtu_payload, a.template_every, boot)
                ipfix = Exporter(10, ipw, a.mtu_payload, a.template_every, boot)
            if ":" in c[2]:
                family, addrs = 6, socket.inet_pton(socket.AF_INET6, c[2]) + socket.inet_pton(socket.AF_INET6, c[3])
            else:
                family, addrs = 4, socket.inet_aton(c[2]) + socket.inet_aton(c[3])
            vals = (addrs, int(c[4] or 0), int(c[5] or 0), int(c[6]), int(c[7] or 0), int(c[14] or 0),
                    int(c[8]), int(c[9]), int(c[10] or 0), int(c[11] or 0), int(c[12] or 0),
                    int(c[13] or 0), int(c[17] or 0))
            v9.add(family, start, end, vals)
            ipfix.add(family, start, end, vals)
            rows += 1
    if v9 is None:
        sys.exit(f"{a.csv}: no rows")
    v9.finish(); ipfix.finish()
    v9w.close(); ipw.close()
    print(json.dumps({"rows": rows,
                      "v9": {"records": v9.rows, "datagrams": v9.datagrams, "bytes": v9w.bytes},
                      "ipfix": {"records": ipfix.rows, "datagrams": ipfix.datagrams, "bytes": ipw.bytes}}))


if __name__ == "__main__":
    main()
