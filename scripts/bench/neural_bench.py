"""Training and inference speed: floe (FlowNeural, release) vs PyTorch (CPU, 2 threads) and
JAX (CPU, jit) on the same data.

Forecasters: the same architecture (LSTM or GRU(5 -> hidden) -> last step -> Dense(hidden ->
horizons*3)), pinball loss on the 0.1/0.5/0.9 quantiles, Adam (lr 1e-3, no decay, no
clipping), batch 64, same epochs, on the same windows of a synthetic 5-minute traffic series
(daily cycle, weekly factor, AR(1) noise; features = scaled value, sin/cos time of day, sin/cos
day of week).
Classifier (with --classifier-export DIR, a `floe-dev export-classifier` folder): floe's
temporal CNN and the same network in PyTorch (scripts/peers/torch_nets.py) trained on the
export's `train` samples for the same epochs (no early stopping), AdamW with the export's
settings and class weights, clipping at 1; then every exported sample classified
--repeats times (host windows per second: median and range of the repeats).
Each run is a fresh process, the tools alternating. Reports whole-process wall time,
in-process training wall and CPU time (JAX: after a first jit-compiling step).
usage: neural_bench.py --floe BIN --work DIR --runs N [--tools floe,torch,jax]
       [--classifier-export DIR] --out results.md
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

LOOKBACK, FEATURES, HORIZONS = 48, 5, 6


def make_data(path, samples, seed=1):
    rng = np.random.default_rng(seed)
    n = samples + LOOKBACK + HORIZONS
    t = np.arange(n)
    day = (t % 288) / 288.0
    week = ((t // 288) % 7 + day) / 7.0
    ar = np.zeros(n)
    for i in range(1, n):
        ar[i] = 0.7 * ar[i - 1] + 0.12 * rng.standard_normal()
    level = np.log1p(400 * (1.6 + np.sin(2 * np.pi * (day - 0.3))) * np.where((t // 288) % 7 >= 5, 0.6, 1.0) * np.exp(ar))
    z = (level - level.mean()) / level.std()
    feats = np.stack([z, np.sin(2 * np.pi * day), np.cos(2 * np.pi * day),
                      np.sin(2 * np.pi * week), np.cos(2 * np.pi * week)], axis=1).astype(np.float32)
    x = np.stack([feats[e - LOOKBACK:e] for e in range(LOOKBACK, LOOKBACK + samples)])
    y = np.stack([z[e:e + HORIZONS] for e in range(LOOKBACK, LOOKBACK + samples)]).astype(np.float32)
    x.astype("<f4").tofile(os.path.join(path, "x.f32"))
    y.astype("<f4").tofile(os.path.join(path, "y.f32"))


def jax_run(work, samples, hidden, epochs, batch, cell):
    import jax
    import jax.numpy as jnp
    x = np.fromfile(os.path.join(work, "x.f32"), "<f4").reshape(samples, LOOKBACK, FEATURES)
    y = np.fromfile(os.path.join(work, "y.f32"), "<f4").reshape(samples, HORIZONS)
    gates = 4 if cell == "lstm" else 3
    key = jax.random.PRNGKey(1)
    k = jax.random.split(key, 6)
    b = 1 / np.sqrt(hidden)
    params = {
        "wx": jax.random.uniform(k[0], (gates * hidden, FEATURES), minval=-b, maxval=b),
        "wh": jax.random.uniform(k[1], (gates * hidden, hidden), minval=-b, maxval=b),
        "bx": jax.random.uniform(k[2], (gates * hidden,), minval=-b, maxval=b),
        "bh": jax.random.uniform(k[3], (gates * hidden,), minval=-b, maxval=b),
        "wd": jax.random.uniform(k[4], (HORIZONS * 3, hidden), minval=-b, maxval=b),
        "bd": jnp.zeros((HORIZONS * 3,)),
    }
    tau = jnp.asarray([0.1, 0.5, 0.9], jnp.float32)
    n = hidden

    def forward(p, xb):
        xs = jnp.swapaxes(xb, 0, 1) @ p["wx"].T + p["bx"]

        def lstm_step(s, zx):
            h, c = s
            z = zx + h @ p["wh"].T + p["bh"]
            i, f, g, o = (jax.nn.sigmoid(z[:, :n]), jax.nn.sigmoid(z[:, n:2 * n]),
                          jnp.tanh(z[:, 2 * n:3 * n]), jax.nn.sigmoid(z[:, 3 * n:]))
            c = f * c + i * g
            return (o * jnp.tanh(c), c), None

        def gru_step(s, zx):
            h, c = s
            gh = h @ p["wh"].T + p["bh"]
            r = jax.nn.sigmoid(zx[:, :n] + gh[:, :n])
            u = jax.nn.sigmoid(zx[:, n:2 * n] + gh[:, n:2 * n])
            cand = jnp.tanh(zx[:, 2 * n:] + r * gh[:, 2 * n:])
            return ((1 - u) * cand + u * h, c), None

        h0 = jnp.zeros((xb.shape[0], n))
        (h, _), _ = jax.lax.scan(lstm_step if cell == "lstm" else gru_step, (h0, h0), xs)
        return h @ p["wd"].T + p["bd"]

    def loss(p, xb, yb):
        q = forward(p, xb).reshape(yb.shape + (3,))
        e = yb[..., None] - q
        return jnp.mean(jnp.maximum(tau * e, (tau - 1) * e))

    @jax.jit
    def step(p, m, v, t, xb, yb):
        value, g = jax.value_and_grad(loss)(p, xb, yb)
        m = jax.tree_util.tree_map(lambda a, b: 0.9 * a + 0.1 * b, m, g)
        v = jax.tree_util.tree_map(lambda a, b: 0.999 * a + 0.001 * b * b, v, g)
        c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
        p = jax.tree_util.tree_map(lambda w, a, b: w - 1e-3 * (a / c1) / (jnp.sqrt(b / c2) + 1e-8), p, m, v)
        return p, m, v, value

    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    c0 = time.process_time()
    params, m, v, first = step(params, m, v, 1.0, x[:batch], y[:batch])  # compiles
    first.block_until_ready()
    compile_s = time.perf_counter() - t0
    start = time.perf_counter()
    cpu = time.process_time()
    t = 1
    losses = []
    for _ in range(epochs):
        order = rng.permutation(samples)
        total = 0.0
        for s in range(0, samples - batch + 1, batch):
            idx = order[s:s + batch]
            t += 1
            params, m, v, value = step(params, m, v, float(t), x[idx], y[idx])
            total += value
        losses.append(float(total) / (samples // batch))
    train_s = time.perf_counter() - start
    train_cpu = time.process_time() - cpu
    fwd = jax.jit(forward)
    fwd(params, x[:1024]).block_until_ready()
    t1 = time.perf_counter()
    c1 = time.process_time()
    outs = [fwd(params, x[s:s + 1024]) for s in range(0, samples - 1023, 1024)]
    outs[-1].block_until_ready()
    infer_s = time.perf_counter() - t1
    infer_cpu = time.process_time() - c1
    done = len(outs) * 1024
    print(json.dumps({"tool": "jax", "cell": cell, "train_seconds": train_s, "train_cpu_seconds": train_cpu, "infer_cpu_seconds": infer_cpu,
                      "cpu_windows_per_second": done / infer_cpu, "compile_seconds": compile_s,
                      "first_epoch_loss": losses[0], "final_loss": losses[-1], "windows_per_second": done / infer_s,
                      "jax": jax.__version__}))


def torch_modules(threads):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
    import torch
    import torch_nets
    torch_nets.threads(threads)
    return torch, torch_nets


def torch_tool(threads):
    """The tool's name in the results: `torch` with 2 threads (the issue's setting), `torch1` with one."""
    return "torch" if threads == 2 else f"torch{threads}"


def torch_run(work, samples, hidden, epochs, batch, cell, threads):
    torch, nets = torch_modules(threads)
    x = torch.from_numpy(np.fromfile(os.path.join(work, "x.f32"), "<f4").reshape(samples, LOOKBACK, FEATURES))
    y = torch.from_numpy(np.fromfile(os.path.join(work, "y.f32"), "<f4").reshape(samples, HORIZONS))
    torch.manual_seed(1)
    model = nets.Forecaster(cell, FEATURES, hidden, HORIZONS * 3)
    start, cpu = time.perf_counter(), time.process_time()
    losses = nets.train_epochs(model, nets.pinball, x, y, epochs, batch, lr=1e-3, weight_decay=0.0, clip=0.0, seed=1, drop_last=True)
    train_s, train_cpu = time.perf_counter() - start, time.process_time() - cpu
    with torch.no_grad():
        t1, c1 = time.perf_counter(), time.process_time()
        pred = torch.cat([model(x[s:s + 1024]) for s in range(0, samples, 1024)])
        infer_s, infer_cpu = time.perf_counter() - t1, time.process_time() - c1
        final = float(nets.pinball(pred, y))
    print(json.dumps({"tool": torch_tool(threads), "cell": cell, "train_seconds": train_s, "train_cpu_seconds": train_cpu,
                      "infer_cpu_seconds": infer_cpu, "cpu_windows_per_second": samples / infer_cpu,
                      "windows_per_second": samples / infer_s, "first_epoch_loss": losses[0], "final_loss": final,
                      "epoch_losses": losses, "version": torch.__version__}))


def torch_classifier_run(export, epochs, repeats, threads):
    torch, nets = torch_modules(threads)
    import csv
    meta = json.load(open(os.path.join(export, "meta.json")))
    with open(os.path.join(export, "samples.csv")) as f:
        rows = [(r["part"], int(r["class"])) for r in csv.DictReader(f)]
    parts = np.array([p for p, _ in rows])
    y = torch.tensor([c for _, c in rows], dtype=torch.int64)
    x = torch.from_numpy(np.fromfile(os.path.join(export, "sequences.f32"), "<f4").reshape(len(rows), meta["windows"], meta["channels"]))
    k = len(meta["classes"])
    torch.manual_seed(meta["seed"])
    model = nets.TemporalCNN(meta["channels"], meta["conv_channels"], meta["kernel"], meta["dilations"], k, meta["dropout"])
    w = torch.tensor(meta["class_weight_values"] or [1.0] * k, dtype=torch.float32)

    def loss_of(out, yb):
        return (w[yb] * torch.nn.functional.cross_entropy(out, yb, reduction="none")).sum() / len(yb)

    train = torch.from_numpy(np.flatnonzero(parts == "train"))
    start, cpu = time.perf_counter(), time.process_time()
    losses = nets.train_epochs(model, loss_of, x[train], y[train], epochs, meta["batch_size"], lr=meta["learning_rate"],
                               weight_decay=meta["weight_decay"], clip=1.0, seed=meta["seed"])
    train_s, train_cpu = time.perf_counter() - start, time.process_time() - cpu
    rates, cpu_rates = [], []
    with torch.no_grad():
        for _ in range(max(repeats, 1)):
            t, c = time.perf_counter(), time.process_time()
            logits = torch.cat([model(x[s:s + 1024]) for s in range(0, len(rows), 1024)])
            rates.append(len(rows) / (time.perf_counter() - t))
            cpu_rates.append(len(rows) / (time.process_time() - c))
    held = parts == "held_out"
    accuracy = float((logits.argmax(1).numpy()[held] == y.numpy()[held]).mean())
    print(json.dumps({"tool": torch_tool(threads), "cell": "classifier", "train_seconds": train_s, "train_cpu_seconds": train_cpu,
                      "train_samples": int(len(train)), "infer_samples": len(rows), "windows_per_second_runs": rates,
                      "cpu_windows_per_second_runs": cpu_rates, "epoch_losses": losses, "final_loss": losses[-1],
                      "held_out_accuracy": accuracy, "version": torch.__version__}))


def command(a, tool, cell):
    me = [sys.executable, os.path.abspath(__file__), "--work", a.work, "--samples", str(a.samples), "--hidden", str(a.hidden),
          "--epochs", str(a.epochs), "--batch", str(a.batch), "--cell", cell]
    if cell == "classifier":
        if tool == "floe":
            return [a.floe, "--task", "classifier", "--export", a.classifier_export, "--epochs", str(a.classifier_epochs),
                    "--repeats", str(a.repeats)]
        return [a.torch_python, os.path.abspath(__file__), "--torch-only", "--cell", "classifier", "--work", a.work,
                "--classifier-export", a.classifier_export, "--classifier-epochs", str(a.classifier_epochs), "--repeats", str(a.repeats),
                "--torch-threads", "1" if tool == "torch1" else "2"]
    if tool == "floe":
        return [a.floe, "--x", f"{a.work}/x.f32", "--y", f"{a.work}/y.f32", "--samples", str(a.samples),
                "--lookback", str(LOOKBACK), "--features", str(FEATURES), "--horizons", str(HORIZONS),
                "--hidden", str(a.hidden), "--epochs", str(a.epochs), "--batch", str(a.batch), "--cell", cell]
    if tool in ("torch", "torch1"):
        return [a.torch_python] + me[1:] + ["--torch-only", "--torch-threads", "1" if tool == "torch1" else "2"]
    return [a.jax_python] + me[1:] + ["--jax-only"]


def median(rows, key):
    values = [r[key] for r in rows if key in r]
    return float(np.median(values)) if values else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--floe")
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--samples", type=int, default=8000)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--out")
    ap.add_argument("--jax-only", action="store_true")
    ap.add_argument("--torch-only", action="store_true")
    ap.add_argument("--cell", default="lstm")
    ap.add_argument("--tools", default="floe,torch,torch1,jax")
    ap.add_argument("--cells", default="lstm,gru,classifier")
    ap.add_argument("--torch-python")
    ap.add_argument("--torch-threads", type=int, default=2)
    ap.add_argument("--jax-python")
    ap.add_argument("--classifier-export")
    ap.add_argument("--classifier-epochs", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--data-note", default="")
    a = ap.parse_args()
    if a.jax_only:
        jax_run(a.work, a.samples, a.hidden, a.epochs, a.batch, a.cell)
        return
    if a.torch_only:
        if a.cell == "classifier":
            torch_classifier_run(a.classifier_export, a.classifier_epochs, a.repeats, a.torch_threads)
        else:
            torch_run(a.work, a.samples, a.hidden, a.epochs, a.batch, a.cell, a.torch_threads)
        return
    os.makedirs(a.work, exist_ok=True)
    make_data(a.work, a.samples)
    tools = a.tools.split(",")
    cells = [c for c in a.cells.split(",") if c != "classifier" or a.classifier_export]
    rows = []
    loads = []
    for cell in cells:
        cell_tools = [t for t in tools if t != "jax"] if cell == "classifier" else tools
        for run in range(a.runs):
            # Alternate the order too: floe first on even runs, last on odd ones.
            for tool in (cell_tools if run % 2 == 0 else list(reversed(cell_tools))):
                loads.append(os.getloadavg()[0])
                t0 = time.perf_counter()
                done = subprocess.run(command(a, tool, cell), capture_output=True, text=True)
                wall = time.perf_counter() - t0
                if done.returncode != 0:
                    sys.stderr.write(done.stderr)
                    raise SystemExit(f"neural_bench: {tool} {cell} failed (exit {done.returncode})")
                r = json.loads(done.stdout.strip().splitlines()[-1])
                r["wall_seconds"] = wall
                r["run"] = run
                rows.append(r)
                print(json.dumps(r), flush=True)
    versions = {r["tool"]: r.get("version") or r.get("jax") for r in rows if r["tool"] != "floe"}
    lines = [f"\n## Neural training speed, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n",
             f"`scripts/bench/neural.sh {a.runs} {a.samples} {a.epochs}`: forecasters on {a.samples} windows (lookback {LOOKBACK}, "
             f"{FEATURES} features, {HORIZONS} horizons x 3 quantiles), hidden {a.hidden}, {a.epochs} epochs, batch {a.batch}, Adam lr 1e-3. "
             + (f"Classifier: {a.data_note} {a.classifier_epochs} epochs, inference over every exported sample x {a.repeats} repeats. "
                if a.classifier_export else "")
             + f"Tools: floe release, PyTorch {versions.get('torch') or versions.get('torch1', '-')} (CPU; `torch`: torch.set_num_threads(2), "
             "`torch1`: one thread), "
             f"JAX {versions.get('jax', '-')} (jit, CPU). Whole processes, tools alternating (order reversed every other run), "
             f"medians of {a.runs}; CPU seconds are the process's own (all threads). Load average during the runs "
             f"{min(loads):.1f}-{max(loads):.1f} on 2 cores (other engineers' builds): wall times depend on it, CPU seconds much less.\n",
             "| cell | tool | process wall s | train wall s | train CPU s | train CPU vs floe | train wall vs floe | "
             "inference windows/s (median, min-max) | per CPU s | final train loss |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for cell in cells:
        fr = [r for r in rows if r["tool"] == "floe" and r["cell"] == cell]
        for tool in tools:
            rs = [r for r in rows if r["tool"] == tool and r["cell"] == cell]
            if not rs:
                continue
            if cell == "classifier":
                runs = [v for r in rs for v in r["windows_per_second_runs"]]
                cpu_runs = [v for r in rs for v in r["cpu_windows_per_second_runs"]]
                ips = f"{np.median(runs):,.0f} ({min(runs):,.0f}-{max(runs):,.0f})"
                cips = f"{np.median(cpu_runs):,.0f}"
            else:
                ips = f"{median(rs, 'windows_per_second'):,.0f}"
                cips = f"{median(rs, 'cpu_windows_per_second'):,.0f}"
            cpu_ratio = median(rs, "train_cpu_seconds") / median(fr, "train_cpu_seconds")
            wall_ratio = median(rs, "train_seconds") / median(fr, "train_seconds")
            lines.append(f"| {cell} | {tool} | {median(rs, 'wall_seconds'):.2f} | {median(rs, 'train_seconds'):.2f} | "
                         f"{median(rs, 'train_cpu_seconds'):.2f} | {cpu_ratio:.2f}x | {wall_ratio:.2f}x | {ips} | {cips} | "
                         f"{median(rs, 'final_loss'):.4f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "a") as f:
            f.write(text)
        with open(a.out + ".json", "a") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
