"""Times whole-process commands side by side, alternating (A B C A B C ...), like runner.py,
but also takes each run's CPU time (user + sys of the children, as /usr/bin/time reports
it) so that records per CPU-second ("per core") can be compared. Each command's output
folder, if given as NAME=DIR in --clean, is removed before every run (not timed).

Usage: python binary_runner.py --records N --bytes B --runs K --ref NAME --title T \
          --out FILE.md [--clean DIR ...] NAME=SHELL_COMMAND [...]
Appends a Markdown table to FILE.md and one JSON line to FILE.md.json.
"""
import argparse
import json
import shutil
import statistics
import sys

from runner import run_once, write_results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--title", default="benchmark")
    ap.add_argument("--clean", action="append", default=[], help="folder removed before each run")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    cmds = [c.split("=", 1) for c in a.commands]
    wall = {n: [] for n, _ in cmds}
    cpu = {n: [] for n, _ in cmds}
    mem = {n: [] for n, _ in cmds}
    failed = set()
    for r in range(a.runs):
        for name, cmd in cmds:
            for d in a.clean:
                shutil.rmtree(d, ignore_errors=True)
            t, c, m, code = run_once(cmd)
            if code != 0:
                failed.add(name)
            wall[name].append(t); cpu[name].append(c); mem[name].append(m)
            print(f"  run {r + 1} {name}: {t:.2f} s wall, {c:.2f} s cpu, {m / 2**20:.0f} MiB", file=sys.stderr)
    ref = statistics.median(wall[a.ref])
    lines = [f"### {a.title}", "",
             f"{a.records:,} records, {a.bytes / 1e6:.0f} MB, {a.runs} alternating runs, medians", "",
             "| tool | wall s | records/s | CPU s | records per CPU-s | peak MiB | wall / floe |",
             "|---|---|---|---|---|---|---|"]
    result = {"title": a.title, "records": a.records, "bytes": a.bytes, "runs": a.runs, "tools": {}}
    for name, cmd in cmds:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        peak = max(mem[name])
        flag = " (FAILED)" if name in failed else ""
        lines.append(f"| {name}{flag} | {w:.2f} | {a.records / w:,.0f} | {c:.2f} | {a.records / c:,.0f} | "
                     f"{peak / 2**20:.0f} | {w / ref:.2f}× |")
        result["tools"][name] = {"command": cmd, "wall_seconds": wall[name], "cpu_seconds": cpu[name],
                                 "median_wall": w, "median_cpu": c, "records_per_s": a.records / w,
                                 "records_per_cpu_s": a.records / c, "peak_rss_bytes": peak,
                                 "ratio_to_ref": w / ref, "failed": name in failed}
    write_results(a.out, lines, result)

if __name__ == "__main__":
    main()
