"""Training and inference speed: floe (FlowNeural, release) vs JAX (CPU, jit) on the same data.

The same architecture (LSTM or GRU(5 -> hidden) -> last step -> Dense(hidden -> horizons*3)),
pinball loss on the 0.1/0.5/0.9 quantiles, Adam (lr 1e-3, no decay, no clipping), batch 64, same
epochs, on the same windows of a synthetic 5-minute traffic series (daily cycle, weekly factor,
AR(1) noise; features = scaled value, sin/cos time of day, sin/cos day of week). Each run is a
fresh process, floe and JAX alternating. Reports whole-process wall time and in-process
training time (JAX: after a first jit-compiling step), inference windows per second.
usage: neural_bench.py --floe BIN --work DIR --runs N --out results.md
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
    ap.add_argument("--cell", default="lstm")
    a = ap.parse_args()
    if a.jax_only:
        jax_run(a.work, a.samples, a.hidden, a.epochs, a.batch, a.cell)
        return
    os.makedirs(a.work, exist_ok=True)
    make_data(a.work, a.samples)
    rows = []
    for cell in ("lstm", "gru"):
        for run in range(a.runs):
            for tool in ("floe", "jax"):
                if tool == "floe":
                    cmd = [a.floe, "--x", f"{a.work}/x.f32", "--y", f"{a.work}/y.f32", "--samples", str(a.samples),
                           "--lookback", str(LOOKBACK), "--features", str(FEATURES), "--horizons", str(HORIZONS),
                           "--hidden", str(a.hidden), "--epochs", str(a.epochs), "--batch", str(a.batch), "--cell", cell]
                else:
                    cmd = [sys.executable, __file__, "--jax-only", "--work", a.work, "--samples", str(a.samples),
                           "--hidden", str(a.hidden), "--epochs", str(a.epochs), "--batch", str(a.batch), "--cell", cell]
                t0 = time.perf_counter()
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                wall = time.perf_counter() - t0
                r = json.loads(out.strip().splitlines()[-1])
                r["wall_seconds"] = wall
                r["run"] = run
                rows.append(r)
                print(json.dumps(r), flush=True)
    load = os.getloadavg()[0]
    lines = [f"\n## Neural training speed, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n",
             f"`scripts/bench/neural.sh {a.runs}`: {a.samples} windows (lookback {LOOKBACK}, {FEATURES} features, "
             f"{HORIZONS} horizons x 3 quantiles), hidden {a.hidden}, {a.epochs} epochs, batch {a.batch}, Adam lr 1e-3; "
             f"CPU seconds are the process's own (the machine is shared: wall times depend on the load); whole processes alternating floe / JAX {rows[1].get('jax', '')} (jit, CPU), load average {load:.1f} on 2 cores.\n",
             "| cell | tool | median process wall s | median train wall s | median train CPU s | CPU speed-up (JAX/floe) | inference windows per CPU s | final train loss |",
             "|---|---|---|---|---|---|---|---|"]
    for cell in ("lstm", "gru"):
        med = {}
        for tool in ("floe", "jax"):
            rs = [r for r in rows if r["tool"] == tool and r["cell"] == cell]
            med[tool] = [float(np.median([r[k] for r in rs])) for k in
                         ("wall_seconds", "train_seconds", "train_cpu_seconds", "cpu_windows_per_second", "final_loss")]
        for tool in ("floe", "jax"):
            w, t, c, ips, fl = med[tool]
            ratio = f"{med['jax'][2] / med['floe'][2]:.2f}x" if tool == "floe" else ""
            lines.append(f"| {cell} | {tool} | {w:.2f} | {t:.2f} | {c:.2f} | {ratio} | {ips:,.0f} | {fl:.4f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "a") as f:
            f.write(text)


if __name__ == "__main__":
    main()
