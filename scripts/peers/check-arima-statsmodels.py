"""Compare floe's ARIMA fits (JSON from `floe-dev export-arima-peer`) with statsmodels."""
import json
import sys
import warnings

import numpy as np
from statsmodels.tsa.arima.model import ARIMA

LLF_REL = 1e-4
COEF_ABS = 1e-3
FORECAST_REL = 1e-3


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12))) if a.size else 0.0


def main(path):
    doc = json.load(open(path))
    steps, level = doc["steps"], doc["level"]
    rows, failures = [], 0
    for s in doc["series"]:
        y = np.asarray(s["values"], float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ARIMA(y, order=tuple(s["order"]), seasonal_order=tuple(s["seasonal_order"])).fit()
        fc = res.get_forecast(steps)
        ci = fc.conf_int(alpha=1 - level)
        f = s["floe"]
        d_llf = abs(f["llf"] - res.llf) / abs(res.llf)
        # σ² is compared relatively (it is not a unit-free coefficient).
        fp, sp = np.asarray(f["params"]), np.asarray(res.params)
        if fp.shape != sp.shape:
            d_coef = float("inf")
        else:
            d_coef = float(np.max(np.abs(fp[:-1] - sp[:-1]))) if fp.size > 1 else 0.0
            d_coef = max(d_coef, abs(fp[-1] - sp[-1]) / sp[-1])
        d_fc = max(rel(f["forecast_mean"], fc.predicted_mean),
                   rel(f["forecast_lower"], ci[:, 0]), rel(f["forecast_upper"], ci[:, 1]))
        ok = d_llf <= LLF_REL and d_coef <= COEF_ABS and d_fc <= FORECAST_REL
        failures += not ok
        order = "({},{},{})".format(*s["order"])
        so = s["seasonal_order"]
        if so[3]:
            order += "({},{},{},{})".format(*so)
        rows.append((s["name"], order, len(y), f["llf"], res.llf, d_llf, d_coef, d_fc, "ok" if ok else "MISMATCH"))
        if not ok:
            print(f"{s['name']}: floe params {np.round(fp, 6).tolist()}")
            print(f"{s['name']}: statsmodels params {np.round(sp, 6).tolist()}")
    head = ("series", "order", "n", "floe llf", "statsmodels llf", "llf rel", "coef diff", "forecast rel", "")
    print("%-20s %-18s %5s %14s %16s %9s %9s %12s %s" % head)
    for r in rows:
        print("%-20s %-18s %5d %14.6f %16.6f %9.2e %9.2e %12.2e %s" % r)
    print(f"tolerances: llf {LLF_REL} relative, coefficients {COEF_ABS} (sigma2 relative), "
          f"forecast mean and {level:.0%} bounds {FORECAST_REL} relative")
    if failures:
        print(f"check-arima-statsmodels: {failures} of {len(rows)} series disagree", file=sys.stderr)
        return 1
    print(f"check-arima-statsmodels: all {len(rows)} series agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
