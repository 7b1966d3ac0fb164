#!/usr/bin/env python3
"""Expected ingest totals of the JSON-lines fixtures (Tests/Fixtures/json), computed
independently of floe with Python's json module, by the mapping of docs/dialects.md:

Zeek conn.log JSON: one row per object with ts, id.orig_h, id.resp_h and proto (or
ip_proto); packets = orig_pkts, bytes = orig_ip_bytes, rev = resp_pkts / resp_ip_bytes.
Suricata eve.json: rows are event_type flow (flow.pkts_toserver … bytes_toclient) and
netflow (netflow.pkts / netflow.bytes, no reverse); other event types are skipped lines.
A line that is not one JSON object is a reject. Addresses are checked with ipaddress
(strict dotted quads), so a bad address is a reject too.

Usage: python3 scripts/peers/json_fixture_totals.py Tests/Fixtures/json/*.json
"""
import ipaddress
import json
import sys


def object_pairs_strict(pairs):
    return dict(pairs)


def totals(path):
    t = dict(rows=0, rejected=0, skipped=0, packets=0, bytes=0, rev_packets=0, rev_bytes=0)
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            t["skipped"] += 1
            continue
        try:
            o = json.loads(line, object_pairs_hook=object_pairs_strict)
        except json.JSONDecodeError:
            t["rejected"] += 1
            continue
        if "event_type" in o:
            kind = o["event_type"]
            if kind == "flow":
                f = o["flow"]
                pk, by, rp, rb = f["pkts_toserver"], f["bytes_toserver"], f["pkts_toclient"], f["bytes_toclient"]
            elif kind == "netflow":
                f = o["netflow"]
                pk, by, rp, rb = f["pkts"], f["bytes"], 0, 0
            else:
                t["skipped"] += 1
                continue
            src, dst = o["src_ip"], o["dest_ip"]
        else:
            src, dst = o["id.orig_h"], o["id.resp_h"]
            pk, by, rp, rb = o["orig_pkts"], o["orig_ip_bytes"], o.get("resp_pkts", 0), o.get("resp_ip_bytes", 0)
        try:
            ipaddress.ip_address(src)
            ipaddress.ip_address(dst)
        except ValueError:
            t["rejected"] += 1
            continue
        t["rows"] += 1
        t["packets"] += pk
        t["bytes"] += by
        t["rev_packets"] += rp
        t["rev_bytes"] += rb
    return t


for p in sys.argv[1:]:
    print(p.split("/")[-1], totals(p))
