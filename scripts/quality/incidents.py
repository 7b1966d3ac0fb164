"""Incident quality against a generator labels file (scripts/quality/incidents.sh).

Injected: every labelled anomaly and coverage gap whose window overlaps the scored days.
An incident is *about* an injected anomaly when its principal host (first of `hosts`) is
one of the anomaly's sources or targets and their windows overlap (a coverage gap: an
`exporter_outage` incident overlapping it). Targets (issue 17):
  - every injected anomaly is exactly one incident, of the right kind;
  - all of them rank in the top N incidents, N = injected + 2;
  - at most one benign incident (about no injected anomaly) per scored day reaches
    severity >= 50, on average.
usage: incidents.py LABELS.json INCIDENTS.csv FIRST_SCORED_DAY LAST_SCORED_DAY (YYYY-MM-DD)"""
import csv
import datetime as dt
import json
import sys

DAY = 86_400_000
labels = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))


def day_ms(text):
    return int(dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc).timestamp() * 1000)


def ms(text):
    return int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc).timestamp() * 1000)


lo, hi = day_ms(sys.argv[3]), day_ms(sys.argv[4]) + DAY
scored_days = (hi - lo) // DAY
right_kind = {"portscan": {"port_scan", "address_sweep"}, "ddos": {"ddos"}, "exfiltration": {"exfiltration"},
              "beaconing": {"beaconing"}, "brute_force": {"brute_force"}, "new_service": {"new_service"},
              "coverage_gap": {"exporter_outage"}}
injected = []
for a in labels["anomalies"]:
    s, e = a["window"]["start_ms"], a["window"]["end_ms"]
    if s < hi and e > lo:
        injected.append({"kind": a["kind"], "hosts": set(a["sources"]) | set(a["targets"]), "s": s, "e": e,
                         "name": f"{a['kind']} {a['sources'][0]}"})
for g in labels.get("coverage_gaps", []):
    s, e = g["start_ms"], g["end_ms"]
    if s < hi and e > lo:
        injected.append({"kind": "coverage_gap", "hosts": set(), "s": s, "e": e, "name": f"coverage gap {g['start']}"})
for r in rows:
    r["s"], r["e"] = ms(r["start"]), ms(r["end"])
    r["principal"] = r["hosts"].split(" ")[0] if r["hosts"] else ""
    r["sev"], r["rk"] = int(r["severity"]), int(r["rank"])


def about(r, a):
    if not (r["s"] < a["e"] and r["e"] > a["s"]):
        return False
    if a["kind"] == "coverage_gap":
        return r["kind"] == "exporter_outage"
    return r["principal"] in a["hosts"]


n = len(injected) + 2
ok = True
print(f"scored days {sys.argv[3]}..{sys.argv[4]} ({scored_days}); {len(rows)} incidents; {len(injected)} injected; top N = {n}")
for a in injected:
    mine = [r for r in rows if about(r, a)]
    named = [r for r in mine if r["kind"] in right_kind[a["kind"]]]
    good = len(mine) == 1 and len(named) == 1 and named[0]["rk"] <= n
    ok &= good
    where = ", ".join(f"#{r['rk']} {r['kind']} sev {r['sev']}" for r in mine) or "none"
    print(f"  {'ok  ' if good else 'FAIL'} {a['name']:<32} incidents: {where}")
benign = [r for r in rows if not any(about(r, a) for a in injected)]
loud = [r for r in benign if r["sev"] >= 50]
rate = len(loud) / scored_days if scored_days else float("nan")
ok &= rate <= 1.0
first_benign = min((r["rk"] for r in benign), default=None)
print(f"benign incidents: {len(benign)}; severity >= 50: {len(loud)} = {rate:.2f} per scored day; best-ranked benign: #{first_benign}")
for r in sorted(loud, key=lambda r: r["rk"])[:8]:
    print(f"    #{r['rk']} {r['kind']} sev {r['sev']} {r['principal']}: {r['summary'][:100]}")
print("targets (each injected = one incident of its kind in the top N; <= 1 benign >= 50 a day): " + ("met" if ok else "NOT met"))
sys.exit(0 if ok else 1)
