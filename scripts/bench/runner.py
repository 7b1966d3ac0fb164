"""Runs whole-process commands side by side, alternating (A B C A B C …), and reports
median wall seconds, rows/s, MB/s and peak resident memory of each, plus each command's
ratio to the reference (floe). Figures go to stdout and to a results file.

Usage: python runner.py --rows N --bytes B --runs K --out FILE --ref NAME \
          [--prepare NAME=SHELL_COMMAND ...] NAME=SHELL_COMMAND [NAME=SHELL_COMMAND ...]

A `--prepare` command runs, untimed, before every timed run of that tool (removing the
previous run's output: deleting gigabytes of files is not the work being measured).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd, prepare=None):
    """Runs `cmd` in a shell; returns (wall seconds, CPU seconds of the shell and its
    children, peak RSS in bytes of the largest one, exit code). `prepare` runs first,
    untimed. Dirty pages left by the previous command are written back first, untimed:
    floe fsyncs its outputs and the peers do not, so without this a command would pay for
    the writeback of the one before it."""
    if prepare:
        subprocess.run(["/bin/sh", "-c", prepare], check=False)
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(["/bin/sh", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read stderr before waiting: a command that writes more than a pipe holds would block.
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  command failed ({code}): {cmd}\n{err[-2000:]}", file=sys.stderr)
    # ru_maxrss is KiB on Linux: the largest child process of the shell.
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, code


def write_results(out, lines, result):
    """Prints the Markdown table and appends it to `out`, and the JSON record to `out`.json."""
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out, "a") as f:
        f.write(text + "\n")
    with open(out + ".json", "a") as f:
        f.write(json.dumps(result) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--bytes", type=int, required=True, help="input size for MB/s")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--title", default="benchmark")
    ap.add_argument("--prepare", action="append", default=[], help="NAME=SHELL run untimed before each run")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    cmds = [c.split("=", 1) for c in a.commands]
    prepares = dict(p.split("=", 1) for p in a.prepare)
    times = {n: [] for n, _ in cmds}
    mems = {n: [] for n, _ in cmds}
    cpus = {n: [] for n, _ in cmds}
    failed = set()
    for r in range(a.runs):
        for name, cmd in cmds:
            t, c, m, code = run_once(cmd, prepares.get(name))
            if code != 0:
                failed.add(name)
            times[name].append(t)
            cpus[name].append(c)
            mems[name].append(m)
            print(f"  run {r + 1} {name}: {t:.2f} s, {c:.2f} CPU s, {m / 2**20:.0f} MiB", file=sys.stderr)
    ref = statistics.median(times[a.ref])
    ref_cpu = statistics.median(cpus[a.ref])
    lines = [f"## {a.title}", "",
             f"{a.rows:,} rows, {a.bytes / 1e6:.0f} MB input, {a.runs} alternating runs, median; "
             f"load average after the runs {' '.join(open('/proc/loadavg').read().split()[:3])}", "",
             "| tool | seconds | rows/s | MB/s | peak MiB | time / floe | CPU s (user+sys) | CPU / floe |",
             "|---|---|---|---|---|---|---|---|"]
    result = {"title": a.title, "rows": a.rows, "bytes": a.bytes, "runs": a.runs, "tools": {}}
    for name, cmd in cmds:
        med = statistics.median(times[name])
        peak = max(mems[name])
        flag = " (FAILED)" if name in failed else ""
        cpu = statistics.median(cpus[name])
        lines.append(f"| {name}{flag} | {med:.2f} | {a.rows / med:,.0f} | {a.bytes / med / 1e6:.0f} | "
                     f"{peak / 2**20:.0f} | {med / ref:.2f}× | {cpu:.2f} | {cpu / ref_cpu:.2f}× |")
        result["tools"][name] = {"command": cmd, "seconds": times[name], "median": med, "cpu_seconds": cpus[name],
                                 "peak_rss_bytes": peak, "ratio_to_ref": med / ref, "failed": name in failed}
    write_results(a.out, lines, result)

if __name__ == "__main__":
    main()
