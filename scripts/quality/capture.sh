#!/usr/bin/env bash
# Incidents on the real labelled capture (data/capture, made by make-labelled-capture.sh):
# ingests the nfcapd file, cleans it, trains on the capture itself (one day: every
# history-based model is skipped, so this is the history-free case) and scores it, then
# prints the incidents beside the labels: which attack is found, at which rank, with which
# kind, and whether anything benign ranks above it.
#   usage: scripts/quality/capture.sh
#   FLOE_BIN=folder of the floe binaries (default: release build if present, else debug)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -z "${FLOE_BIN:-}" ]; then
  if [ -x .build/release/floe-score ]; then FLOE_BIN=.build/release; else FLOE_BIN=.build/debug; fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$FLOE_BIN/floe-ingest" --quiet --output "$work/raw" data/capture/capture.nfcapd
"$FLOE_BIN/floe-clean" --output "$work/flows" "$work/raw"
"$FLOE_BIN/floe-train" --dataset "$work/flows" --output "$work/models"
"$FLOE_BIN/floe-score" --models "$work/models" --dataset "$work/flows" --output "$work/scores"
python3 - data/capture/labels.json "$work/scores/incidents.csv" <<'PY'
import csv, json, sys
labels = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
print(f"{len(rows)} incidents")
for r in rows:
    print(f"  {r['rank']:>3} {r['kind']:<14} sev {r['severity']:>3}  {r['hosts'].split(' ')[0]:<12} {r['summary'][:110]}")
attackers = {a["principal"] for a in labels["attacks"]}
worst_found = 0
for a in labels["attacks"]:
    hit = next((r for r in rows if r["hosts"].split(" ")[0] == a["principal"]), None)
    if hit is None:
        print(f"MISSED  {a['kind']:<14} {a['principal']}")
        continue
    ok = "right kind" if hit["kind"] == a["kind"] else f"named {hit['kind']}"
    worst_found = max(worst_found, int(hit["rank"]))
    print(f"found   {a['kind']:<14} {a['principal']:<12} rank {hit['rank']}, {ok}")
benign_above = [r for r in rows if int(r["rank"]) < worst_found and r["hosts"].split(" ")[0] not in attackers]
print(f"benign incidents above the last attack found: {len(benign_above)}")
PY
