"""Precision and recall of floe's ranked anomalies against a generator labels file.

Recall unit: one injected anomaly on one UTC day it is active (beaconing that runs for
days counts once per day). It is found when a ranked row names one of its hosts (source
or target; a pair `a -> b` names both) in a window overlapping its window on that day.
Precision: a ranked row is correct when it names a labelled host in an overlapping
window. Per kind, rows are attributed to the label they match, and unmatched rows to the
kind their detector stands for (port_scan/address_sweep/fan_out_burst -> portscan,
ddos (formerly fan_in_burst) -> ddos, exfiltration/new_heavy_edge -> exfiltration,
beaconing (formerly periodic_edge) -> beaconing; cluster and density
outliers count in the overall figure only).
usage: anomalies.py LABELS.json ANOMALIES.csv [TOP_N]"""
import csv
import datetime as dt
import json
import sys

DAY = 86_400_000
labels = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
if len(sys.argv) > 3:
    rows = rows[: int(sys.argv[3])]


def ms(text):
    return int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc).timestamp() * 1000)


detector_kind = {"port_scan": "portscan", "address_sweep": "portscan", "fan_out_burst": "portscan",
                 "fan_in_burst": "ddos", "ddos": "ddos", "new_heavy_edge": "exfiltration",
                 "exfiltration": "exfiltration", "periodic_edge": "beaconing", "beaconing": "beaconing"}
anomalies = labels["anomalies"]
for a in anomalies:
    a["hosts"] = set(a["sources"]) | set(a["targets"])
for r in rows:
    r["hosts"] = {h.strip() for h in r["entity"].split("->")}
    r["s"], r["e"] = ms(r["start"]), ms(r["end"])


def matches(r, a, lo, hi):
    return bool(r["hosts"] & a["hosts"]) and r["s"] < hi and r["e"] > lo


kinds = ["portscan", "ddos", "exfiltration", "beaconing"]
found = {k: 0 for k in kinds}
units = {k: 0 for k in kinds}
for a in anomalies:
    s, e = a["window"]["start_ms"], a["window"]["end_ms"]
    for day in range(s // DAY, (e - 1) // DAY + 1):
        lo, hi = max(s, day * DAY), min(e, (day + 1) * DAY)
        units[a["kind"]] += 1
        if any(matches(r, a, lo, hi) for r in rows):
            found[a["kind"]] += 1

tp = {k: 0 for k in kinds}
fp = {k: 0 for k in kinds}
correct = 0
for r in rows:
    hit = next((a for a in anomalies if matches(r, a, a["window"]["start_ms"], a["window"]["end_ms"])), None)
    if hit:
        correct += 1
        tp[hit["kind"]] += 1
    elif r["kind"] in detector_kind:
        fp[detector_kind[r["kind"]]] += 1

print(f"ranked anomalies: {len(rows)}; by detector: " +
      ", ".join(f"{k} {sum(1 for r in rows if r['kind'] == k)}" for k in sorted({r['kind'] for r in rows})))
print(f"{'kind':<13} {'recall':>8} {'found':>7} {'precision':>10} {'rows ok':>8} {'false':>6}")
ok = True
for k in kinds:
    recall = found[k] / units[k] if units[k] else float("nan")
    precision = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else float("nan")
    ok &= recall >= 0.9 and precision >= 0.8
    print(f"{k:<13} {recall:>8.2f} {found[k]:>3}/{units[k]:<3} {precision:>10.2f} {tp[k]:>8} {fp[k]:>6}")
overall = correct / len(rows) if rows else float("nan")
print(f"overall precision of the ranked table: {overall:.2f} ({correct}/{len(rows)})")
print("targets (recall >= 0.9, precision >= 0.8 per kind): " + ("met" if ok else "NOT met"))
