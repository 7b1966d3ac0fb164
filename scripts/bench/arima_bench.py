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

# statsmodels' log-likelihood at floe's parameters (untimed): the same function, so a
# different llf means the two searches stopped at different points, not that the models differ.
SM_EVAL = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from statsmodels.tsa.arima.model import ARIMA
doc = json.load(open(sys.argv[1]))
floe = json.load(open(sys.argv[2]))
m = ARIMA(doc["values"], order=tuple(doc["order"]), seasonal_order=tuple(doc["seasonal_order"]))
print(json.dumps({"llf_at_floe_params": float(m.loglike(floe["params"]))}))
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


def traffic(n, seed):
    """An hourly traffic-volume series shaped like users' data: an office-hours day, a
    quieter weekend, a slow trend, multiplicative AR(1) noise and heavy-tailed bursts
    (flows per hour, in the tens of thousands), each day's peak scaled at random. Its
    strong daily pattern draws a SARIMA(1,0,1)(1,0,1,24) fit towards a seasonal AR root near
    one, nearly cancelled by a seasonal MA root."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    hour, day = t % 24, t // 24
    office = np.exp(-0.5 * ((hour - 13.5) / 3.5) ** 2)
    weekend = np.where(day % 7 >= 5, 0.45, 1.0)
    busy = np.exp(rng.normal(0, 0.25, n // 24 + 1))[day]  # how busy each day is
    level = 6000 + 14000 * office * weekend * busy
    noise = np.zeros(n)
    e = rng.standard_normal(n) * 0.06
    for i in range(1, n):
        noise[i] = 0.7 * noise[i - 1] + e[i]
    bursts = rng.pareto(2.5, n) * 900
    return (level * (1 + 0.0004 * t / 24) * np.exp(noise) + bursts).round()


def timed(cmd, env=None):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--floe-dev", required=True)
    ap.add_argument("--aggregation", type=int, default=1, help="0: no aggregation benchmark (floe-dev bench-aggregation)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--auto-runs", type=int, default=1, help="0: fixed orders only")
    ap.add_argument("--flows", type=int, default=10_000_000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    w = a.work
    series = {
        "arima212": dict(values=simulate(10080, [0.6, -0.2], [0.3, 0.2], [], [], 0, 1, 0, 1).tolist(),
                         order=[2, 1, 2], seasonal_order=[0, 0, 0, 0], period=0),
        "sarima": dict(values=simulate(2160, [0.5], [0.3], [0.6], [-0.3], 24, 0, 10, 2).tolist(),
                       order=[1, 0, 1], seasonal_order=[1, 0, 1, 24], period=24),
        "traffic": dict(values=traffic(2160, 3).tolist(),
                        order=[1, 0, 1], seasonal_order=[1, 0, 1, 24], period=24),
    }
    rows = []
    for name, doc in series.items():
        for auto in (False, True) if a.auto_runs > 0 else (False,):
            label = f"{name} {'auto order' if auto else 'fixed order'}"
            inp = os.path.join(w, f"{name}-{auto}.json")
            d = dict(doc, auto=auto)
            json.dump(d, open(inp, "w"))
            fout = os.path.join(w, f"{name}-{auto}.floe.json")
            n_runs = a.auto_runs if auto else a.runs
            code = SM_AUTO if auto else SM_FIT
            sout = os.path.join(w, f"{name}-{auto}.sm.json")
            floe_t, sm_t = [], []
            for run in range(n_runs):
                # Alternating: floe, statsmodels, floe, statsmodels, …
                floe_t.append(timed([a.floe_dev, "bench-arima", "--input", inp, "--output", fout]))
                if not auto:
                    sm_t.append(timed([sys.executable, "-c", code, inp, sout]))
            f = json.load(open(fout))
            sin = inp
            if auto:
                d2 = dict(d, d=f["order"][1], D=f["seasonal_order"][1])
                sin = os.path.join(w, f"{name}-auto-sm.json")
                json.dump(d2, open(sin, "w"))
            if auto:
                sm_t = [timed([sys.executable, "-c", code, sin, sout]) for _ in range(n_runs)]
            s = json.load(open(sout))
            if not auto:
                ev = subprocess.run([sys.executable, "-c", SM_EVAL, inp, fout], check=True, capture_output=True, text=True)
                s["llf_at_floe"] = json.loads(ev.stdout)["llf_at_floe_params"]
            fo = "({},{},{})".format(*f["order"]) + ("({},{},{},{})".format(*f["seasonal_order"]) if f["seasonal_order"][3] else "")
            so = ""
            if auto:
                p, q, P, Q = s["order"]
                so = f"p={p} q={q} P={P} Q={Q}, {s['candidates']} models"
            if not auto:
                so = f"statsmodels llf at floe's parameters {s['llf_at_floe']:.4f}; floe {f.get('iterations', '?')} iterations"
            rows.append((label + f" ({n_runs} run{'s' if n_runs > 1 else ''})", len(doc["values"]), statistics.median(floe_t), f["fit_seconds"], statistics.median(sm_t),
                         f["llf"], s["llf"], fo + (f", {f['candidates']} models" if auto else ""), so))
            print(rows[-1], flush=True)
    # Aggregation of generated flows (the first run generates the dataset once and times
    # the in-memory batch path on the way; later runs time the dataset files only).
    aggs = []
    for metrics in ("bytes,packets,flows,distinct_sources,distinct_destinations", "bytes,packets,flows") if a.aggregation else ():
        agg_out = os.path.join(w, "aggregation.json")
        timed([a.floe_dev, "bench-aggregation", "--dataset", os.path.join(w, "dataset"), "--rows", str(a.flows),
               "--metrics", metrics, "--output", agg_out])
        aggs.append((metrics, json.load(open(agg_out))))
    with open(a.out, "a") as out:
        out.write(f"# time-series benchmark, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} cores\n\n")
        out.write("Whole processes (median of the runs shown, fixed orders alternating floe/statsmodels): "
                  "floe = release floe-dev bench-arima running one fit (includes process start); "
                  "statsmodels = python -c with imports, ARIMA(...).fit() defaults. "
                  "Series: arima212 and sarima are simulated ARMA processes; traffic is an hourly "
                  "traffic-volume series (office-hours day, weekend, trend, AR(1) noise, Pareto bursts; "
                  "arima_bench.py traffic()). "
                  f"Load average at the end: {open('/proc/loadavg').read().split()[:3]}. "
                  "Auto order: floe's stepwise search; statsmodels runs the same stepwise search with "
                  "statsmodels ARIMA fits and floe's differencing orders.\n\n")
        out.write("| fit | n | floe process s | floe fit s | statsmodels process s | speed-up | floe llf | statsmodels llf | floe order | statsmodels order / check |\n")
        out.write("|---|---|---|---|---|---|---|---|---|---|\n")
        for r in rows:
            out.write(f"| {r[0]} | {r[1]} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.3f} | {r[4] / r[2]:.1f}× | {r[5]:.4f} | {r[6]:.4f} | {r[7]} | {r[8]} |\n")
        out.write("\n")
        if not aggs:
            return
        out.write(f"Aggregation of {a.flows:,} generated flows (7 days) from Arrow day partitions into "
                  "one-minute series, groups total, 4 directions, ports 443 and 53; one core:\n\n")
        out.write("| metrics | series | seconds | flows/s |\n|---|---|---|---|\n")
        for metrics, agg in aggs:
            out.write(f"| {metrics} | {agg['series']} | {agg['dataset_seconds']:.3f} | {agg['rows'] / agg['dataset_seconds']:,.0f} |\n")
        out.write("\n")
    print(open(a.out).read())


if __name__ == "__main__":
    main()
