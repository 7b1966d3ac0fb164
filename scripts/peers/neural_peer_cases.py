"""The comparison shared by the neural gradient peer checks (check_neural_jax.py,
check_neural_torch.py): reads the cases `floe-dev export-neural-peer` wrote (architecture,
parameters, input, target, dropout masks, floe's loss and every gradient), asks a framework
for its loss and gradients on each, and compares them: relative error ||floe - peer|| / ||peer||
per tensor, and the loss, must be <= 1e-4 (Float32 on both sides). Exits 1 naming the cases
that break it.
"""
import json
import sys

import numpy as np

TOLERANCE = 1e-4


def values(t):
    """An exported tensor as a float32 numpy array of its shape."""
    return np.asarray(t["values"], dtype=np.float32).reshape(t["shape"])


def param_count(spec):
    (kind, _), = spec.items()
    return {"dense": 2, "rnn": 3, "lstm": 3, "gru": 4, "conv1d": 2, "layerNorm": 2}.get(kind, 0)


def relative(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def check(path, evaluate, framework):
    """`evaluate(case)` returns (loss, [gradient of each parameter in order], input gradient)."""
    cases = json.load(open(path))["cases"]
    worst = 0.0
    failures = []
    print(f"{'case':28s} {'tensors':>7s} {'loss rel':>10s} {'max grad rel':>13s}  worst tensor")
    for case in cases:
        loss, grads, input_grad = evaluate(case)
        loss_rel = abs(float(loss) - case["floe_loss"]) / max(abs(float(loss)), 1e-30)
        errors = [(relative(values(p["gradient"]), g), p["name"]) for p, g in zip(case["parameters"], grads)]
        errors.append((relative(values(case["input_gradient"]), input_grad), "input"))
        top = max(errors)
        print(f"{case['name']:28s} {len(errors):7d} {loss_rel:10.2e} {top[0]:13.2e}  {top[1]}")
        worst = max(worst, loss_rel, top[0])
        if loss_rel > TOLERANCE or top[0] > TOLERANCE or len(grads) != len(case["parameters"]):
            failures.append(case["name"])
    print(f"max relative error over {len(cases)} cases: {worst:.2e} (tolerance {TOLERANCE:g}); {framework}")
    if failures:
        print("FAILED:", ", ".join(failures))
        sys.exit(1)
