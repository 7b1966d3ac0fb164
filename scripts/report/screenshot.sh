#!/usr/bin/env bash
# Renders the demo report (or a given report.html) in headless Chromium to full-page
# PNGs at a laptop width (1280) and a phone width (390), for people to look at.
#   usage: scripts/report/screenshot.sh [REPORT_HTML] [OUT_DIR]
# Without REPORT_HTML the report of `floe demo` (generated flows → ingest → clean → train →
# score → report) is made first into OUT_DIR/demo (a second run reuses what is up to date).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="${2:-$root/.build/report-screenshots}"
mkdir -p "$out"
if [ $# -ge 1 ] && [ -n "$1" ]; then
  html=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  (cd "$root" && swift build --product floe >/dev/null && "$(swift build --show-bin-path)/floe" demo --output "$out/demo" >/dev/null)
  html="$out/demo/report/report.html"
fi
PY=$("$root/scripts/python-env.sh" pillow)
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  apt-get update >/dev/null && apt-get install -y chromium >/dev/null
  PY=$("$root/scripts/python-env.sh" pillow)
browser=$(command -v chromium)
fi
shoot() {  # width height file [extra flags]
  local w=$1 h=$2 png=$3; shift 3
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" \
    --window-size="$w,$h" --screenshot="$png" "file://$html" 2>/dev/null || true
  [ -s "$png" ] || { echo "screenshot failed: $png" >&2; exit 1; }
  # Full page: shoot tall, then crop the empty background below the page's end.
  "$PY" - "$png" <<'PYEOF'
import sys
from PIL import Image
path = sys.argv[1]
im = Image.open(path).convert("RGB")
w, h = im.size
bg = im.getpixel((w - 2, h - 2))
px = im.load()
bottom = h
for y in range(h - 1, 0, -1):
    if any(px[x, y] != bg for x in range(0, w, 3)):
        bottom = min(h, y + 24)
        break
im.crop((0, 0, w, bottom)).save(path)
PYEOF
  echo "$png"
}
shoot 1280 "${LAPTOP_HEIGHT:-16000}" "$out/report-1280.png"
shoot 390 "${PHONE_HEIGHT:-20000}" "$out/report-390.png"
shoot 1280 "${LAPTOP_HEIGHT:-16000}" "$out/report-1280-dark.png" --force-dark-mode --blink-settings=preferredColorScheme=0
