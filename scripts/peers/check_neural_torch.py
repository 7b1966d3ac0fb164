"""PyTorch recomputes floe's neural layers and losses on the same weights and batch.

Reads the JSON written by `floe-dev export-neural-peer` (the cases of the JAX check), builds
each network from PyTorch's own layers — torch.nn.RNN / LSTM / GRU (floe's single LSTM bias
as bias_ih with bias_hh = 0), F.conv1d with left padding (floe's [K, out, in] weight as
torch's [out, in, K]), F.layer_norm, F.linear, F.mse_loss, F.cross_entropy; the pinball loss
and the pools written out — runs autograd, and compares loss and every gradient with floe's
(neural_peer_cases.check: relative error <= 1e-4, Float32).
usage: check_neural_torch.py floe.json
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F

from neural_peer_cases import check, param_count, values

torch.set_num_threads(1)  # tiny operations: one thread is the quick setting


def recurrent(kind, args, params, x):
    """torch.nn.RNN/LSTM/GRU with floe's parameters; returns (output, the torch tensors
    whose gradients are floe's parameters' gradients, a function giving them)."""
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    m = cls(x.shape[-1], args["hidden"], batch_first=True)
    with torch.no_grad():
        m.weight_ih_l0.copy_(params[0])
        m.weight_hh_l0.copy_(params[1])
        m.bias_ih_l0.copy_(params[2])
        if kind == "gru":
            m.bias_hh_l0.copy_(params[3])
        else:
            m.bias_hh_l0.zero_()  # floe's RNN and LSTM have one bias
    out, _ = m(x)
    owned = [m.weight_ih_l0, m.weight_hh_l0, m.bias_ih_l0] + ([m.bias_hh_l0] if kind == "gru" else [])
    return out, owned


def layer(spec, params, x, masks, owned):
    (kind, args), = spec.items()
    if kind == "dense":
        return F.linear(x, params[0], params[1])
    if kind in ("rnn", "lstm", "gru"):
        out, tensors = recurrent(kind, args, params, x)
        owned.extend(tensors)
        return out
    if kind == "conv1d":
        k, d = args["kernel"], args["dilation"]
        w = params[0].permute(1, 2, 0)  # [K, out, in] -> [out, in, K]
        h = F.pad(x.transpose(1, 2), ((k - 1) * d, 0))
        return F.conv1d(h, w, params[1], dilation=d).transpose(1, 2)
    if kind == "layerNorm":
        return F.layer_norm(x, (x.shape[-1],), params[0], params[1], eps=1e-5)
    if kind == "dropout":
        return x * masks.pop(0)
    if kind == "relu":
        return F.relu(x)
    if kind == "tanh":
        return torch.tanh(x)
    if kind == "averagePool":
        return x.mean(dim=1)
    if kind == "maxPool":
        return x.max(dim=1).values
    if kind == "lastStep":
        return x[:, -1, :]
    raise SystemExit(f"unknown layer {kind}")


def loss_fn(spec, pred, target):
    kind = spec["kind"]
    if kind == "mse":
        return F.mse_loss(pred, target)
    if kind == "pinball":
        tau = torch.tensor(spec["levels"], dtype=torch.float32)
        e = target.unsqueeze(-1) - pred.reshape(target.shape + (len(spec["levels"]),))
        return torch.maximum(tau * e, (tau - 1) * e).mean()
    if kind == "cross_entropy":
        return F.cross_entropy(pred, target.long())
    raise SystemExit(f"unknown loss {kind}")


def evaluate(case):
    params = [torch.tensor(values(p["value"]), requires_grad=True) for p in case["parameters"]]
    x = torch.tensor(values(case["input"]), requires_grad=True)
    target = torch.tensor(values(case["target"]))
    masks = [torch.tensor(values(m)) for m in case["dropout_masks"]]
    h, k = x, 0
    grads_from = []  # per floe parameter: the torch tensor holding its gradient
    for spec in case["architecture"]:
        n = param_count(spec)
        owned = []
        h = layer(spec, params[k:k + n], h, masks, owned)
        grads_from += owned if owned else params[k:k + n]
        k += n
    loss = loss_fn(case["loss"], h, target)
    loss.backward()
    grads = [t.grad.numpy() if t.grad is not None else np.zeros(t.shape, np.float32) for t in grads_from]
    return float(loss.detach()), grads, x.grad.numpy()


if __name__ == "__main__":
    check(sys.argv[1], evaluate, f"torch {torch.__version__}")
