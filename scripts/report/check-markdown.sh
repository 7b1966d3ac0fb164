#!/usr/bin/env bash
# Converts a report.md with Python's `markdown` package (tables extension) and checks
# that it parses into the intended structure: every pipe table becomes an HTML table
# with as many cells per row as header cells, every section heading is there, every
# chart image points at an SVG file beside the report, and no raw HTML from data
# survives (no <script> outside code).
#   usage: scripts/report/check-markdown.sh [REPORT_DIR]
# Without REPORT_DIR the demo report is made first (as in screenshot.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir="${1:-}"
if [ -z "$dir" ]; then
  dir="$root/.build/report-screenshots/demo/report"
  (cd "$root" && swift build --product floe >/dev/null && "$(swift build --show-bin-path)/floe" demo --output "${dir%/report}" >/dev/null)
fi
PY=$("$root/scripts/python-env.sh" markdown)
"$PY" - "$dir" <<'PYEOF'
import sys, os, re
from html.parser import HTMLParser
import markdown

folder = sys.argv[1]
text = open(os.path.join(folder, "report.md"), encoding="utf-8").read()
html = markdown.markdown(text, extensions=["tables"])

class Walk(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = []   # per table: list of rows, each the cell count
        self.row = None
        self.headings = []
        self.images = []
        self.scripts = 0
        self.in_h2 = False
        self.in_code = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table": self.tables.append([])
        elif tag == "tr": self.row = 0
        elif tag in ("td", "th") and self.row is not None: self.row += 1
        elif tag == "h2": self.in_h2 = True; self.headings.append("")
        elif tag == "img": self.images.append(a.get("src", ""))
        elif tag == "script": self.scripts += 1
        elif tag == "code": self.in_code += 1
    def handle_endtag(self, tag):
        if tag == "tr" and self.tables:
            self.tables[-1].append(self.row); self.row = None
        elif tag == "h2": self.in_h2 = False
        elif tag == "code": self.in_code -= 1
    def handle_data(self, data):
        if self.in_h2: self.headings[-1] += data

w = Walk()
w.feed(html)
problems = []
separators = len([l for l in text.splitlines() if re.fullmatch(r"\|( -{3}:? \|)+", l)])
if len(w.tables) != separators:
    problems.append(f"{separators} pipe tables in the Markdown but {len(w.tables)} HTML tables")
for i, rows in enumerate(w.tables):
    if len(set(rows)) != 1:
        problems.append(f"table {i + 1}: rows have different cell counts {sorted(set(rows))}")
want = ["Run summary", "Traffic over time", "Who and what", "Anomalies", "Clusters", "Host graph", "Provenance"]
# With an incidents table (scores folders since incidents.csv), the Incidents section leads.
if os.path.isfile(os.path.join(folder, "..", "scores", "incidents.csv")) or w.headings[:1] == ["Incidents"]:
    want = ["Incidents"] + want
if w.headings != want:
    problems.append(f"sections {w.headings}, expected {want}")
for src in w.images:
    if "/" in src or not src.endswith(".svg") or not os.path.isfile(os.path.join(folder, src)):
        problems.append(f"image {src!r} is not an SVG file beside the report")
if w.scripts:
    problems.append(f"{w.scripts} <script> elements in the converted Markdown")
print(f"{len(w.tables)} tables, {sum(len(t) for t in w.tables)} rows, {len(w.images)} charts, sections: {', '.join(w.headings)}")
if problems:
    print("\n".join("PROBLEM: " + p for p in problems))
    sys.exit(1)
print("report.md parses into the intended tables")
PYEOF
