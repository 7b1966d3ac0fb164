#!/usr/bin/env python3
"""Compares floe's decoded records (JSON lines made from floe-ingest's Arrow output by
arrow_to_jsonl.py) with a peer decoder, field by field, record by record (both decode in
wire order).

  compare_binary.py tshark FLOE.jsonl TSHARK.json      (tshark -T json --no-duplicate-keys)
  compare_binary.py nfdump FLOE.jsonl NFDUMP.csv       (nfdump -r FILE -o csv, 1.7.1 dialect)

Known peer defects (see FIELD-NOTES): nfdump 1.7.1 prints v9 times from uptime-wrapped
exporters 2^32 ms late and gets some IPFIX SysUpTime times wrong; its CSV has whole seconds.
tshark shows v9/IPFIX times relative to SysUptime / systemInitTime; the absolute time is
computed here with RFC 3954 §5.1 / RFC 7011 (IE 160) arithmetic, modulo 2^32 for v5/v9.
Exit status 1 when any field disagrees.
"""
import csv, datetime, json, sys

def flows_of(layer, out, hdr):
    if isinstance(layer, dict):
        for k, v in layer.items():
            if (k.startswith("Flow ") or k.startswith("pdu")) and isinstance(v, dict):
                out.append((dict(hdr), v))
            elif isinstance(v, (dict, list)):
                flows_of(v, out, hdr)
    elif isinstance(layer, list):
        for x in layer:
            flows_of(x, out, hdr)

def flat(d):
    r = {}
    for k, v in d.items():
        if k.endswith("_tree") and isinstance(v, dict):
            r.update(flat(v))
        elif not isinstance(v, dict):
            r[k] = v
    return r

def first(v):
    return v[0] if isinstance(v, list) else v

def second(v):
    return v[1] if isinstance(v, list) and len(v) > 1 else None

def ms(sec_text):
    return int(round(float(sec_text) * 1000))

def parse_abs(text):  # 'Nov 29, 2026 13:54:23.152000000 UTC'
    t = " ".join(text.replace(" UTC", "").split())
    main, frac = t.rsplit(".", 1)
    dt = datetime.datetime.strptime(main, "%b %d, %Y %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp()) * 1000 + int(frac[:3])

def tshark_records(path):
    packets = json.load(open(path))
    recs = []
    sys_init = {}
    for p in packets:
        layers = p["_source"]["layers"]
        cf = layers.get("cflow")
        if cf is None:
            continue
        for c in (cf if isinstance(cf, list) else [cf]):
            ip = layers.get("ip", {}).get("ip.src") or layers.get("ipv6", {}).get("ipv6.src")
            h = flat({k: v for k, v in c.items() if not isinstance(v, dict) or k.endswith("_tree")})
            version = int(h["cflow.version"])
            found = []
            flows_of(c, found, {})
            for _, f in found:
                f = flat(f)
                if "cflow.sys_init_time" in f:
                    sys_init[(ip, h.get("cflow.od_id"))] = parse_abs(f["cflow.sys_init_time"])
                    continue
                if "cflow.srcaddr" not in f and "cflow.srcaddrv6" not in f:
                    continue  # options record
                r = {"exporter": ip}
                r["src_addr"] = first(f.get("cflow.srcaddr") or f.get("cflow.srcaddrv6"))
                r["dst_addr"] = first(f.get("cflow.dstaddr") or f.get("cflow.dstaddrv6"))
                r["proto"] = int(first(f["cflow.protocol"]))
                r["packets"] = int(first(f["cflow.packets"]))
                r["bytes"] = int(first(f["cflow.octets"]))
                if "cflow.srcport" in f: r["src_port"] = int(first(f["cflow.srcport"]))
                if "cflow.dstport" in f: r["dst_port"] = int(first(f["cflow.dstport"]))
                for key in ("cflow.icmp_type_code_ipv4", "cflow.icmp_type_code_ipv6"):
                    if key in f and "dst_port" not in r: r["dst_port"] = int(first(f[key]), 16)
                if "cflow.tcpflags" in f: r["tcp_flags"] = int(first(f["cflow.tcpflags"]), 16)
                if "cflow.tos" in f: r["tos"] = int(first(f["cflow.tos"]), 16)
                if "cflow.inputint" in f: r["input_interface"] = int(first(f["cflow.inputint"]))
                if "cflow.outputint" in f: r["output_interface"] = int(first(f["cflow.outputint"]))
                if "cflow.direction" in f: r["flow_direction"] = int(first(f["cflow.direction"]))
                if "cflow.srcas" in f: r["src_as"] = int(first(f["cflow.srcas"]))
                if "cflow.dstas" in f: r["dst_as"] = int(first(f["cflow.dstas"]))
                # RFC 5103 reverse counters: tshark lists them after the forward ones.
                if second(f.get("cflow.packets")) is not None: r["rev_packets"] = int(second(f["cflow.packets"]))
                if second(f.get("cflow.octets")) is not None: r["rev_bytes"] = int(second(f["cflow.octets"]))
                if "cflow.timestart" not in f and first(f.get("cflow.abstimestart", "")).startswith("Jan  1, 1970 00:00:00.000"):
                    # tshark quirk: a flowStartSysUpTime of 0 (the flow began at system init,
                    # legal per RFC 7011) is shown as an absolute time of 0 (1970) with no
                    # relative start; the wire value is 0.
                    f["cflow.timestart"] = "0"
                if "cflow.timestart" not in f:
                    print("  tshark record without relative times:", {k: v for k, v in f.items() if "time" in k})
                    continue
                ts, te = ms(first(f["cflow.timestart"])), ms(first(f["cflow.timeend"]))
                if version in (5, 9):
                    up = ms(h["cflow.sysuptime"])
                    export = int(h["cflow.unix_secs"]) * 1000 + (int(h.get("cflow.unix_nsecs", "0")) // 1_000_000)
                    r["start"] = export - ((up - ts) % 2**32)
                    r["end"] = export - ((up - te) % 2**32)
                else:
                    base = sys_init.get((ip, h.get("cflow.od_id")))
                    if base is None:
                        continue
                    r["start"], r["end"] = base + ts, base + te
                recs.append(r)
    return recs

def nfdump_records(path):
    recs = []
    with open(path) as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for row in rows[1:]:
        if len(row) < len(head) or row[0] == "Summary":
            break
        d = dict(zip(head, row))
        def t(s):
            return int(datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp())
        r = {"src_addr": d["sa"], "dst_addr": d["da"], "src_port": int(d["sp"]), "dst_port": int(d["dp"]),
             "packets": int(d["ipkt"]), "bytes": int(d["ibyt"]), "input_interface": int(d["in"]),
             "output_interface": int(d["out"]), "src_as": int(d["sas"]), "dst_as": int(d["das"]),
             "tos": int(d["stos"]), "exporter": d["ra"], "start_s": t(d["ts"]), "end_s": t(d["te"]),
             "flow_direction": int(d["dir"]), "rev_packets": int(d["opkt"]), "rev_bytes": int(d["obyt"])}
        recs.append(r)
    return recs

def compare(peer, ours, theirs):
    bad = 0
    agree = {}
    if len(ours) != len(theirs):
        print(f"  record count: floe {len(ours)} vs {peer} {len(theirs)}")
        bad += 1
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if peer == "nfdump":
            a = dict(a)
            # nfdump's CSV has whole seconds (local TZ is forced to UTC by the caller).
            a["start_s"], a["end_s"] = a["start"] // 1000, a["end"] // 1000
        for k, v in b.items():
            if k in ("tcp_flags",) and peer == "nfdump":
                continue
            got = a.get(k)
            if peer == "nfdump" and got is None and v == 0:
                got = 0  # nfdump prints 0 for fields the exporter did not send
            if got != v:
                if bad < 20:
                    print(f"  record {i}: {k}: floe {got!r} vs {peer} {v!r}")
                bad += 1
            else:
                agree[k] = agree.get(k, 0) + 1
    print(f"  {peer}: {min(len(ours), len(theirs))} records, fields agreeing: " + ", ".join(f"{k}={n}" for k, n in sorted(agree.items())))
    return bad

def main():
    peer, floe_path, peer_path = sys.argv[1:4]
    ours = [json.loads(l) for l in open(floe_path) if l.strip()]
    theirs = tshark_records(peer_path) if peer == "tshark" else nfdump_records(peer_path)
    bad = compare(peer, ours, theirs)
    print(f"  {'OK' if bad == 0 else f'{bad} DISAGREEMENTS'}")
    sys.exit(1 if bad else 0)

main()
