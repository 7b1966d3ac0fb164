"""JAX recomputes floe's neural layers and losses on the same weights and batch.

Reads the JSON written by `floe-dev export-neural-peer` (architecture, parameters, input,
target, dropout masks, floe's loss and every gradient), builds the same network in
jax.numpy from the documented layer definitions (docs/neural.md), takes jax.grad with
respect to every parameter and the input, and compares: relative error
||floe - jax|| / ||jax|| per tensor, and the loss, must be <= 1e-4 (Float32 on both sides);
the comparison is neural_peer_cases.check, shared with the PyTorch check.
usage: check_neural_jax.py floe.json
"""
import sys

import jax
import jax.numpy as jnp
import numpy as np

from neural_peer_cases import check, param_count, values

jax.config.update("jax_platform_name", "cpu")


def arr(t):
    return jnp.asarray(values(t))


def recurrent_scan(step, x, hidden, state_count):
    batch = x.shape[0]
    init = tuple(jnp.zeros((batch, hidden), jnp.float32) for _ in range(state_count))

    def body(state, xt):
        new_state, out = step(state, xt)
        return new_state, out

    _, ys = jax.lax.scan(body, init, jnp.swapaxes(x, 0, 1))
    return jnp.swapaxes(ys, 0, 1)


def layer(spec, params, x, masks):
    (kind, args), = spec.items()
    if kind == "dense":
        w, b = params
        return x @ w.T + b
    if kind == "rnn":
        wx, wh, b = params

        def step(s, xt):
            h = jnp.tanh(xt @ wx.T + s[0] @ wh.T + b)
            return (h,), h
        return recurrent_scan(step, x, args["hidden"], 1)
    if kind == "lstm":
        wx, wh, b = params
        n = args["hidden"]

        def step(s, xt):
            h, c = s
            z = xt @ wx.T + h @ wh.T + b
            i, f, g, o = (jax.nn.sigmoid(z[:, :n]), jax.nn.sigmoid(z[:, n:2 * n]),
                          jnp.tanh(z[:, 2 * n:3 * n]), jax.nn.sigmoid(z[:, 3 * n:]))
            c = f * c + i * g
            h = o * jnp.tanh(c)
            return (h, c), h
        return recurrent_scan(step, x, n, 2)
    if kind == "gru":
        wx, wh, bx, bh = params
        n = args["hidden"]

        def step(s, xt):
            h = s[0]
            gx = xt @ wx.T + bx
            gh = h @ wh.T + bh
            r = jax.nn.sigmoid(gx[:, :n] + gh[:, :n])
            u = jax.nn.sigmoid(gx[:, n:2 * n] + gh[:, n:2 * n])
            cand = jnp.tanh(gx[:, 2 * n:] + r * gh[:, 2 * n:])
            h = (1 - u) * cand + u * h
            return (h,), h
        return recurrent_scan(step, x, n, 1)
    if kind == "conv1d":
        w, b = params  # [kernel, outputs, inputs]
        k, d = args["kernel"], args["dilation"]
        steps = x.shape[1]
        xp = jnp.pad(x, ((0, 0), ((k - 1) * d, 0), (0, 0)))
        y = b
        for tap in range(k):
            y = y + xp[:, tap * d: tap * d + steps, :] @ w[tap].T
        return y
    if kind == "layerNorm":
        g, b = params
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return g * (x - mean) / jnp.sqrt(var + 1e-5) + b
    if kind == "dropout":
        return x * masks.pop(0)
    if kind == "relu":
        return jnp.maximum(x, 0)
    if kind == "tanh":
        return jnp.tanh(x)
    if kind == "averagePool":
        return x.mean(axis=1)
    if kind == "maxPool":
        return x.max(axis=1)
    if kind == "lastStep":
        return x[:, -1, :]
    raise SystemExit(f"unknown layer {kind}")


def loss_fn(spec, pred, target):
    kind = spec["kind"]
    if kind == "mse":
        return jnp.mean((pred - target) ** 2)
    if kind == "pinball":
        tau = jnp.asarray(spec["levels"], jnp.float32)
        q = pred.reshape(target.shape + (len(spec["levels"]),))
        e = target[..., None] - q
        return jnp.mean(jnp.maximum(tau * e, (tau - 1) * e))
    if kind == "cross_entropy":
        labels = target.astype(jnp.int32)
        logp = jax.nn.log_softmax(pred, axis=-1)
        return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))
    raise SystemExit(f"unknown loss {kind}")


def main(path):
    def evaluate(case):
        arch = case["architecture"]
        params = [arr(p["value"]) for p in case["parameters"]]
        x, target = arr(case["input"]), arr(case["target"])
        masks0 = [arr(m) for m in case["dropout_masks"]]

        def total(params, x):
            masks = list(masks0)
            h, k = x, 0
            for spec in arch:
                n = param_count(spec)
                h = layer(spec, params[k:k + n], h, masks)
                k += n
            return loss_fn(case["loss"], h, target)

        value, (gp, gx) = jax.value_and_grad(total, argnums=(0, 1))(params, x)
        return float(value), [np.asarray(g) for g in gp], np.asarray(gx)

    check(path, evaluate, f"jax {jax.__version__}")


if __name__ == "__main__":
    main(sys.argv[1])
