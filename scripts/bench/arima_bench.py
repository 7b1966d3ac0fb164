"""floe vs statsmodels ARIMA/SARIMA timing (whole processes) and series aggregation speed."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

SM_FIT = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from statsmodels.tsa.arima.model import ARIMA
doc = json.load(open(sys.argv[1]))
y = doc["values"]
res = ARIMA(y, order=tuple(doc["order"]), seasonal_order=tuple(doc["seasonal_order"])).fit()
json.dump({"llf": float(res.llf), "params": [float(v) for v in res.params]}, open(sys.argv[2], "w"))
"""

# The same stepwise search as floe's AutoARIMA (four starts, ±1 moves, AICc), run with
# statsmodels fits and floe's differencing orders.
SM_AUTO = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from statsmodels.tsa.arima.model import ARIMA
doc = json.load(open(sys.argv[1]))
y, d, D, s = doc["values"], doc["d"], doc["D"], doc["period"]
seasonal = s > 1
tried, fits = {}, {}
def ok(o):
    p, q, P, Q = o
    return min(o) >= 0 and p <= 5 and q <= 5 and P <= 2 and Q <= 2 and p + q + P + Q <= 5
def ev(o):
    if o in tried: return tried[o]
    p, q, P, Q = o
    try:
        r = ARIMA(y, order=(p, d, q), seasonal_order=(P, D, Q, s) if seasonal else (0, 0, 0, 0)).fit()
        v = r.aicc; fits[o] = r
    except Exception:
        v = float("inf")
    tried[o] = v
    return v
starts = [(2,2,1,1),(0,0,0,0),(1,0,1,0),(0,1,0,1)] if seasonal else [(2,2,0,0),(0,0,0,0),(1,0,0,0),(0,1,0,0)]
best, bv = None, float("inf")
for o in starts:
    if ok(o) and o not in tried:
        v = ev(o)
        if v < bv: best, bv = o, v
moves = [(1,0,0,0),(-1,0,0,0),(0,1,0,0),(0,-1,0,0),(1,1,0,0),(-1,-1,0,0)]
if seasonal: moves += [(0,0,1,0),(0,0,-1,0),(0,0,0,1),(0,0,0,-1),(0,0,1,1),(0,0,-1,-1)]
improved = True
while improved and len(tried) < 60:
    improved = False
    for m in moves:
        o = tuple(a + b for a, b in zip(best, m))
        if not ok(o) or o in tried: continue
        v = ev(o)
        if v < bv:
            best, bv, improved = o, v, True
            break
r = fits[best]
json.dump({"llf": float(r.llf), "order": list(best), "candidates": len(tried), "aicc": float(bv)}, open(sys.argv[2], "w"))
"""


def simulate(n, ar, ma, sar, sma, s, d, mean, seed):
    rng = np.random.default_rng(seed)
    arp = np.r_[1, -np.asarray(ar)]
    if s:
        sp = np.zeros(len(sar) * s + 1); sp[0] = 1
        for j, v in enumerate(sar): sp[(j + 1) * s] = -v
        arp = np.convolve(arp, sp)
    map_ = np.r_[1, np.asarray(ma)]
    if s:
        sq = np.zeros(len(sma) * s + 1); sq[0] = 1
        for j, v in enumerate(sma): sq[(j + 1) * s] = v
        map_ = np.convolve(map_, sq)
    burn = 1000
    e = rng.standard_normal(n + burn)
    w = np.zeros(n + burn)
    for t in range(n + burn):
        v = e[t]
        for i in range(1, len(arp)):
            if t - i >= 0: v -= arp[i] * w[t - i]
        for j in range(1, len(map_)):
            if t - j >= 0: v += map_[j] * e[t - j]
        w[t] = v
    y = w[burn:] + mean
    for _ in range(d): y = np.cumsum(y)
    return y


def timed(cmd, env=None):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xctest", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--auto-runs", type=int, default=1)
    ap.add_argument("--flows", type=int, default=10_000_000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    w = a.work
    series = {
        "arima212": dict(values=simulate(10080, [0.6, -0.2], [0.3, 0.2], [], [], 0, 1, 0, 1).tolist(),
                         order=[2, 1, 2], seasonal_order=[0, 0, 0, 0], period=0),
        "sarima": dict(values=simulate(2160, [0.5], [0.3], [0.6], [-0.3], 24, 0, 10, 2).tolist(),
                       order=[1, 0, 1], seasonal_order=[1, 0, 1, 24], period=24),
    }
    xctest = [a.xctest, "--testing-library", "swift-testing", "--filter"]
    rows = []
    for name, doc in series.items():
        for auto in (False, True):
            label = f"{name} {'auto order' if auto else 'fixed order'}"
            inp = os.path.join(w, f"{name}-{auto}.json")
            d = dict(doc, auto=auto)
            json.dump(d, open(inp, "w"))
            fout = os.path.join(w, f"{name}-{auto}.floe.json")
            env = dict(os.environ, FLOE_ARIMA_BENCH_IN=inp, FLOE_ARIMA_BENCH_OUT=fout)
            n_runs = a.auto_runs if auto else a.runs
            floe_t = [timed(xctest + ["ARIMABenchTests"], env) for _ in range(n_runs)]
            f = json.load(open(fout))
            sin = inp
            if auto:
                d2 = dict(d, d=f["order"][1], D=f["seasonal_order"][1])
                sin = os.path.join(w, f"{name}-auto-sm.json")
                json.dump(d2, open(sin, "w"))
            sout = os.path.join(w, f"{name}-{auto}.sm.json")
            code = SM_AUTO if auto else SM_FIT
            sm_t = [timed([sys.executable, "-c", code, sin, sout]) for _ in range(n_runs)]
            s = json.load(open(sout))
            fo = "({},{},{})".format(*f["order"]) + ("({},{},{},{})".format(*f["seasonal_order"]) if f["seasonal_order"][3] else "")
            so = ""
            if auto:
                p, q, P, Q = s["order"]
                so = f"p={p} q={q} P={P} Q={Q}, {s['candidates']} models"
            rows.append((label + f" ({n_runs} run{'s' if n_runs > 1 else ''})", len(doc["values"]), statistics.median(floe_t), f["fit_seconds"], statistics.median(sm_t),
                         f["llf"], s["llf"], fo + (f", {f['candidates']} models" if auto else ""), so))
            print(rows[-1], flush=True)
    # Aggregation of generated flows (the first run generates the dataset once and times
    # the in-memory batch path on the way; later runs time the dataset files only).
    aggs = []
    for metrics in ("bytes,packets,flows,distinct_sources,distinct_destinations", "bytes,packets,flows"):
        agg_out = os.path.join(w, "aggregation.json")
        env = dict(os.environ, FLOE_TS_BENCH_DATASET=os.path.join(w, "dataset"), FLOE_TS_BENCH_ROWS=str(a.flows),
                   FLOE_TS_BENCH_OUT=agg_out, FLOE_TS_BENCH_METRICS=metrics)
        timed(xctest + ["SeriesAggregationBench"], env)
        aggs.append((metrics, json.load(open(agg_out))))
    with open(a.out, "a") as out:
        out.write(f"# time-series benchmark, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} cores\n\n")
        out.write("Whole processes (median of the runs shown): floe = release test binary running one fit "
                  "(includes process start and test discovery); statsmodels = python -c with imports. "
                  "Auto order: floe's stepwise search; statsmodels runs the same stepwise search with "
                  "statsmodels ARIMA fits and floe's differencing orders.\n\n")
        out.write("| fit | n | floe process s | floe fit s | statsmodels process s | speed-up | floe llf | statsmodels llf | floe order | statsmodels order |\n")
        out.write("|---|---|---|---|---|---|---|---|---|---|\n")
        for r in rows:
            out.write(f"| {r[0]} | {r[1]} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.3f} | {r[4] / r[2]:.1f}× | {r[5]:.4f} | {r[6]:.4f} | {r[7]} | {r[8]} |\n")
        out.write("\n")
        out.write(f"Aggregation of {a.flows:,} generated flows (7 days) from Arrow day partitions into "
                  "one-minute series, groups total, 4 directions, ports 443 and 53; one core:\n\n")
        out.write("| metrics | series | seconds | flows/s |\n|---|---|---|---|\n")
        for metrics, agg in aggs:
            out.write(f"| {metrics} | {agg['series']} | {agg['dataset_seconds']:.3f} | {agg['rows'] / agg['dataset_seconds']:,.0f} |\n")
        out.write("\n")
    print(open(a.out).read())


if __name__ == "__main__":
    main()
