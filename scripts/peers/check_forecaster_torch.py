"""PyTorch peer of floe's LSTM and GRU forecasters (issue 19, "as good as the frameworks").

Data: the simulated 5-minute traffic series of scripts/bench/neural_bench.py (daily cycle,
weekly factor, AR(1) noise; inputs = scaled value, sin/cos time of day, sin/cos day of week;
lookback 48, 6 horizons). The first --train windows train; the held-out windows start after
a gap of lookback + horizons buckets (no held-out target is inside a training window) and
run to the end (--test windows): a chronological split, as floe's back-test.
Model: lstm|gru(5 -> hidden) -> last step -> dense(hidden -> 6 x 3 quantiles), pinball loss
on 0.1/0.5/0.9, floe-train's forecaster settings (AdamW lr 3e-3, decay 1e-4 on weights,
clipping at 1, batch 64), the same epochs on both sides, no early stopping. Seed policy: floe
draws its initial weights from seed 1 (`floe-neural-bench --initial` writes them) and PyTorch
starts from the same weights; each shuffles with its own generator seeded 1.
Check: floe's held-out pinball loss must be at most (1 + tolerance) x PyTorch's (default 5 %);
exit 1 otherwise.
usage: check_forecaster_torch.py --floe BIN --work DIR [--train 6000 --test 1500 --epochs 8]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import neural_bench  # noqa: E402  (the benchmark's series, so both use the same data)
import torch_nets  # noqa: E402

LOOKBACK, FEATURES, HORIZONS = neural_bench.LOOKBACK, neural_bench.FEATURES, neural_bench.HORIZONS


def split(work, train, test):
    total = train + LOOKBACK + HORIZONS + test
    neural_bench.make_data(work, total)
    x = np.fromfile(f"{work}/x.f32", "<f4").reshape(total, LOOKBACK, FEATURES)
    y = np.fromfile(f"{work}/y.f32", "<f4").reshape(total, HORIZONS)
    first = train + LOOKBACK + HORIZONS
    for name, a in (("train-x", x[:train]), ("train-y", y[:train]), ("test-x", x[first:]), ("test-y", y[first:])):
        a.astype("<f4").tofile(f"{work}/{name}.f32")
    return x[:train], y[:train], x[first:], y[first:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--floe", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--train", type=int, default=6000)
    ap.add_argument("--test", type=int, default=1500)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--tolerance", type=float, default=0.05)
    ap.add_argument("--cells", default="lstm,gru")
    a = ap.parse_args()
    torch_nets.threads(1)  # quality, not speed: see torch_nets.threads
    os.makedirs(a.work, exist_ok=True)
    x, y, tx, ty = split(a.work, a.train, a.test)
    settings = {"lr": 3e-3, "decay": 1e-4, "clip": 1.0}
    print(f"series: {a.train} training windows, {len(ty)} held-out windows (lookback {LOOKBACK}, {FEATURES} features, "
          f"{HORIZONS} horizons x 3 quantiles); hidden {a.hidden}, {a.epochs} epochs, batch {a.batch}, AdamW lr 3e-3 decay 1e-4, clip 1")
    print(f"{'cell':5s} {'floe held-out':>14s} {'PyTorch held-out':>17s} {'floe/PyTorch':>13s} {'floe fit s':>11s} {'PyTorch fit s':>14s}")
    failures = []
    for cell in a.cells.split(","):
        init = f"{a.work}/{cell}-initial.json"
        cmd = [a.floe, "--x", f"{a.work}/train-x.f32", "--y", f"{a.work}/train-y.f32", "--samples", str(a.train),
               "--lookback", str(LOOKBACK), "--features", str(FEATURES), "--horizons", str(HORIZONS), "--hidden", str(a.hidden),
               "--epochs", str(a.epochs), "--batch", str(a.batch), "--cell", cell, "--seed", "1",
               "--lr", str(settings["lr"]), "--decay", str(settings["decay"]), "--clip", str(settings["clip"]),
               "--test-x", f"{a.work}/test-x.f32", "--test-y", f"{a.work}/test-y.f32", "--test-samples", str(len(ty)), "--initial", init]
        floe = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        params = [(p["name"], np.asarray(p["values"], np.float32).reshape(p["shape"])) for p in json.load(open(init))["parameters"]]
        model = torch_nets.Forecaster(cell, FEATURES, a.hidden, HORIZONS * 3)
        torch_nets.load_floe(model, params)
        started = time.perf_counter()
        torch_nets.train_epochs(model, torch_nets.pinball, torch.from_numpy(x.copy()), torch.from_numpy(y.copy()), a.epochs, a.batch,
                                lr=settings["lr"], weight_decay=settings["decay"], clip=settings["clip"], seed=1)
        fit = time.perf_counter() - started
        with torch.no_grad():
            peer = float(torch_nets.pinball(model(torch.from_numpy(tx.copy())), torch.from_numpy(ty.copy())))
        ratio = floe["held_out_loss"] / peer
        print(f"{cell:5s} {floe['held_out_loss']:14.5f} {peer:17.5f} {ratio:13.4f} {floe['train_seconds']:11.1f} {fit:14.1f}")
        if ratio > 1 + a.tolerance:
            failures.append(cell)
    print(f"torch {torch.__version__}, 1 thread; tolerance: floe's held-out loss at most {1 + a.tolerance:.2f} x PyTorch's")
    if failures:
        print("check-forecaster-torch: FAIL:", ", ".join(failures))
        sys.exit(1)
    print("check-forecaster-torch: ok")


if __name__ == "__main__":
    main()
