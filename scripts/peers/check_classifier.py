"""Peer check of floe's host classifier (issue 19 item 4).

Reads the samples `floe-dev export-classifier` wrote (sequences.f32, samples.csv, meta.json)
and floe's own classifier-eval.json, then on the same training / validation / held-out
samples:
  * scikit-learn RandomForestClassifier on the flattened sequences (train + validation),
  * the same temporal CNN (causal dilated Conv1d stack, ReLU, dropout, last step, Linear)
    in PyTorch (CPU, 1 thread) or, without PyTorch, in JAX: same epochs, batch size,
    AdamW settings, gradient clipping at 1, class weights and early stopping on the
    validation days (patience), seeded;
and prints the held-out macro F1 of each beside floe's. Exit 1 when the CNN's macro F1 and
floe's differ by more than --tolerance (default 0.02).

usage: check_classifier.py EXPORT_DIR FLOE_EVAL_JSON [--tolerance 0.02] [--trees 300]
"""
import argparse
import csv
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score


def load(folder):
    meta = json.load(open(f"{folder}/meta.json"))
    parts, classes = [], []
    with open(f"{folder}/samples.csv") as f:
        for row in csv.DictReader(f):
            parts.append(row["part"])
            classes.append(int(row["class"]))
    x = np.fromfile(f"{folder}/sequences.f32", dtype="<f4").reshape(len(parts), meta["windows"], meta["channels"])
    return meta, np.array(parts), np.array(classes, dtype=np.int64), x


def macro(y, p, k):
    f1 = f1_score(y, p, average="macro")
    labels = sorted(set(y) | set(p))
    anomalies = [c for c in labels if c != 0]
    fa = f1_score(y, p, labels=anomalies, average="macro") if anomalies else float("nan")
    return f1, fa


def torch_cnn(meta, x, y, parts, k):
    import torch
    import torch_nets  # the same network from torch.nn layers, shared with the benchmark
    torch_nets.threads(1)  # quality, not speed: see torch_nets.threads
    torch.manual_seed(meta["seed"])
    model = torch_nets.TemporalCNN(meta["channels"], meta["conv_channels"], meta["kernel"], meta["dilations"], k, meta["dropout"])
    params = list(model.parameters())
    opt = torch_nets.adamw(model, meta["learning_rate"], meta["weight_decay"])
    w = torch.tensor(meta["class_weight_values"] or [1.0] * k, dtype=torch.float32)

    def logits(xb, train):
        model.train(train)
        return model(xb)

    def loss_of(out, yb):
        ce = torch.nn.functional.cross_entropy(out, yb, reduction="none")
        return (w[yb] * ce).sum() / len(yb)

    xt = torch.tensor(x[parts == "train"]); yt = torch.tensor(y[parts == "train"])
    xv = torch.tensor(x[parts == "validation"]); yv = torch.tensor(y[parts == "validation"])
    best, best_state, best_epoch = float("inf"), None, 0
    g = torch.Generator().manual_seed(meta["seed"])
    for epoch in range(1, meta["epochs"] + 1):
        order = torch.randperm(len(yt), generator=g)
        for s in range(0, len(yt), meta["batch_size"]):
            idx = order[s:s + meta["batch_size"]]
            opt.zero_grad()
            l = loss_of(logits(xt[idx], True), yt[idx])
            l.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
        if len(yv) == 0:
            best_epoch = epoch
            continue
        with torch.no_grad():
            v = float(loss_of(logits(xv, False), yv))
        if v < best:
            best, best_epoch = v, epoch
            best_state = [p.detach().clone() for p in params]
        elif meta["patience"] > 0 and epoch - best_epoch >= meta["patience"]:
            break
    if best_state is not None:
        with torch.no_grad():
            for p, b in zip(params, best_state):
                p.copy_(b)
    with torch.no_grad():
        out = logits(torch.tensor(x[parts == "held_out"]), False)
    return out.argmax(1).numpy(), f"PyTorch {torch.__version__}", best_epoch


def jax_cnn(meta, x, y, parts, k):
    import jax
    import jax.numpy as jnp
    K, dil, ch = meta["kernel"], meta["dilations"], meta["conv_channels"]
    key = jax.random.PRNGKey(meta["seed"])
    params, width = [], meta["channels"]
    for d in dil:
        key, a, b = jax.random.split(key, 3)
        bound = 1 / np.sqrt(width * K)
        params.append((jax.random.uniform(a, (K, ch, width), minval=-bound, maxval=bound),
                       jax.random.uniform(b, (ch,), minval=-bound, maxval=bound)))
        width = ch
    key, a = jax.random.split(key)
    lim = np.sqrt(6 / (width + k))
    params.append((jax.random.uniform(a, (k, width), minval=-lim, maxval=lim), jnp.zeros((k,))))
    w = jnp.array(meta["class_weight_values"] or [1.0] * k)
    rate = meta["dropout"]

    def forward(ps, xb, rng):
        h = xb
        for (W, b), d in zip(ps[:-1], dil):
            t = h.shape[1]
            hp = jnp.pad(h, ((0, 0), ((K - 1) * d, 0), (0, 0)))
            out = b
            for j in range(K):
                out = out + jnp.einsum("btc,oc->bto", hp[:, j * d: j * d + t, :], W[j])
            h = jax.nn.relu(out)
        last = h[:, -1, :]
        if rng is not None and rate > 0:
            keep = jax.random.bernoulli(rng, 1 - rate, last.shape)
            last = jnp.where(keep, last / (1 - rate), 0)
        W, b = ps[-1]
        return last @ W.T + b

    def loss_of(ps, xb, yb, rng):
        z = forward(ps, xb, rng)
        lse = jax.nn.logsumexp(z, axis=1)
        ce = lse - jnp.take_along_axis(z, yb[:, None], axis=1)[:, 0]
        return (w[yb] * ce).sum() / len(yb)

    lr, wd = meta["learning_rate"], meta["weight_decay"]

    @jax.jit
    def step(ps, m, v, t, xb, yb, rng):
        l, gr = jax.value_and_grad(loss_of)(ps, xb, yb, rng)
        norm = jnp.sqrt(sum(jnp.sum(g * g) for g in jax.tree_util.tree_leaves(gr)))
        scale = jnp.minimum(1.0, 1.0 / (norm + 1e-6))
        gr = jax.tree_util.tree_map(lambda g: g * scale, gr)
        m = jax.tree_util.tree_map(lambda a, g: 0.9 * a + 0.1 * g, m, gr)
        v = jax.tree_util.tree_map(lambda a, g: 0.999 * a + 0.001 * g * g, v, gr)

        def upd(p, mm, vv, is_weight):
            p = p * (1 - lr * wd) if is_weight else p
            return p - lr * (mm / (1 - 0.9 ** t)) / (jnp.sqrt(vv / (1 - 0.999 ** t)) + 1e-8)
        ps = [(upd(W, mW, vW, True), upd(b, mb, vb, False)) for (W, b), (mW, mb), (vW, vb) in zip(ps, m, v)]
        return ps, m, v, l

    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    xt, yt = jnp.array(x[parts == "train"]), jnp.array(y[parts == "train"])
    xv, yv = jnp.array(x[parts == "validation"]), jnp.array(y[parts == "validation"])
    rs = np.random.default_rng(meta["seed"])
    best, best_params, best_epoch, t = float("inf"), params, 0, 0
    for epoch in range(1, meta["epochs"] + 1):
        order = rs.permutation(len(yt))
        for s in range(0, len(yt), meta["batch_size"]):
            idx = order[s:s + meta["batch_size"]]
            t += 1
            key, r = jax.random.split(key)
            params, m, v, _ = step(params, m, v, t, xt[idx], yt[idx], r)
        if len(yv) == 0:
            best_params, best_epoch = params, epoch
            continue
        vl = float(loss_of(params, xv, yv, None))
        if vl < best:
            best, best_params, best_epoch = vl, params, epoch
        elif meta["patience"] > 0 and epoch - best_epoch >= meta["patience"]:
            break
    out = forward(best_params, jnp.array(x[parts == "held_out"]), None)
    return np.asarray(out.argmax(1)), f"JAX {jax.__version__}", best_epoch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("export")
    ap.add_argument("floe_eval")
    ap.add_argument("--tolerance", type=float, default=0.02)
    ap.add_argument("--trees", type=int, default=300)
    ap.add_argument("--framework", choices=["auto", "torch", "jax"], default="auto")
    a = ap.parse_args()
    meta, parts, y, x = load(a.export)
    k = len(meta["classes"])
    floe = json.load(open(a.floe_eval))
    held = parts == "held_out"
    print(f"samples: train {np.sum(parts == 'train')}, validation {np.sum(parts == 'validation')}, held out {held.sum()}; "
          f"classes {', '.join(meta['classes'])}")

    fit = (parts == "train") | (parts == "validation")
    started = time.time()
    rf = RandomForestClassifier(n_estimators=a.trees, n_jobs=2, random_state=0)
    rf.fit(x[fit].reshape(fit.sum(), -1), y[fit])
    rf_pred = rf.predict(x[held].reshape(held.sum(), -1))
    rf_f1, rf_fa = macro(y[held], rf_pred, k)
    rf_s = time.time() - started

    framework = a.framework
    if framework == "auto":
        try:
            import torch  # noqa: F401
            framework = "torch"
        except ImportError:
            framework = "jax"
    started = time.time()
    pred, name, epoch = (torch_cnn if framework == "torch" else jax_cnn)(meta, x, y, parts, k)
    cnn_s = time.time() - started
    cnn_f1, cnn_fa = macro(y[held], pred, k)

    print(f"{'model':<40} {'macro F1':>9} {'anomaly kinds':>14} {'fit s':>7}")
    print(f"{'floe temporal CNN':<40} {floe['macro_f1']:>9.4f} {floe.get('macro_f1_anomalies') or float('nan'):>14.4f} {floe['fit_seconds']:>7.1f}")
    print(f"{'same CNN in ' + name + f' (best epoch {epoch})':<40} {cnn_f1:>9.4f} {cnn_fa:>14.4f} {cnn_s:>7.1f}")
    print(f"{f'scikit-learn RandomForest ({a.trees} trees)':<40} {rf_f1:>9.4f} {rf_fa:>14.4f} {rf_s:>7.1f}")
    diff = abs(floe["macro_f1"] - cnn_f1)
    if diff > a.tolerance:
        print(f"check-classifier: FAIL: floe's macro F1 differs from the {name} CNN's by {diff:.4f} (> {a.tolerance})")
        sys.exit(1)
    print(f"check-classifier: ok: floe's macro F1 within {diff:.4f} of the {name} CNN's (tolerance {a.tolerance})")


if __name__ == "__main__":
    main()
