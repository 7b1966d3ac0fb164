"""floe's networks (docs/neural.md) built from PyTorch's own layers, for the PyTorch peer
checks (scripts/peers/check-torch.sh) and the speed benchmark (scripts/bench/neural.sh).

  * `Forecaster`: torch.nn.LSTM or GRU (batch first) -> last step -> Linear, floe's
    `lstm|gru -> lastStep -> dense` forecaster;
  * `TemporalCNN`: causal dilated Conv1d stack with ReLU -> dropout -> last step -> Linear,
    floe's `TemporalCNN.layers` (the host classifier);
  * `pinball`: floe's `PinballLoss` (mean over rows, targets and levels);
  * `load_floe`: copies floe's parameters (names and layouts of docs/neural.md) into them;
  * `adamw`: torch.optim.AdamW with decay on weights only, as floe's `Parameter.decays`.
Every function sets nothing global except where it says so (`threads`).
"""
import numpy as np
import torch

LEVELS = (0.1, 0.5, 0.9)


def threads(n=2):
    """Fixes PyTorch's intra- and inter-op threads. 2 (the machine's cores) is the speed
    benchmark's fair setting; the quality checks use 1: the thread count does not change
    what is learned, and on a loaded machine PyTorch's 2 OpenMP threads wait on each other
    at every small operation (measured: 30x slower per batch at load average 20)."""
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set in this process
        pass


class Forecaster(torch.nn.Module):
    def __init__(self, cell, features, hidden, outputs):
        super().__init__()
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.cell = cell
        self.rnn = rnn(features, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, outputs)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


class CausalConv(torch.nn.Module):
    """floe's conv1d: y[t] = b + sum_k W[k] x[t - (K-1-k) d], zeros before the start."""

    def __init__(self, inputs, outputs, kernel, dilation):
        super().__init__()
        self.pad = (kernel - 1) * dilation
        self.conv = torch.nn.Conv1d(inputs, outputs, kernel, dilation=dilation)

    def forward(self, h):  # [batch, channels, time]
        return self.conv(torch.nn.functional.pad(h, (self.pad, 0)))


class TemporalCNN(torch.nn.Module):
    def __init__(self, inputs, channels, kernel, dilations, classes, dropout):
        super().__init__()
        layers, width = [], inputs
        for d in dilations:
            layers += [CausalConv(width, channels, kernel, d), torch.nn.ReLU()]
            width = channels
        self.body = torch.nn.Sequential(*layers)
        self.drop = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(width, classes)

    def forward(self, x):  # [batch, time, channels] as floe
        h = self.body(x.transpose(1, 2))[:, :, -1]
        return self.head(self.drop(h))


def pinball(pred, y, levels=LEVELS):
    tau = torch.tensor(levels, dtype=pred.dtype)
    e = y.unsqueeze(-1) - pred.reshape(y.shape + (len(levels),))
    return torch.maximum(tau * e, (tau - 1) * e).mean()


def load_floe(model, params):
    """Copies floe's parameters (a list of (name, numpy array) in network order) into a
    `Forecaster` or `TemporalCNN`. floe's LSTM has one bias: it goes to bias_ih, bias_hh = 0."""
    values = [np.asarray(v, np.float32) for _, v in params]
    with torch.no_grad():
        if isinstance(model, Forecaster):
            r = model.rnn
            r.weight_ih_l0.copy_(torch.from_numpy(values[0]))
            r.weight_hh_l0.copy_(torch.from_numpy(values[1]))
            if model.cell == "lstm":
                r.bias_ih_l0.copy_(torch.from_numpy(values[2]))
                r.bias_hh_l0.zero_()
                rest = values[3:]
            else:
                r.bias_ih_l0.copy_(torch.from_numpy(values[2]))
                r.bias_hh_l0.copy_(torch.from_numpy(values[3]))
                rest = values[4:]
            model.head.weight.copy_(torch.from_numpy(rest[0]))
            model.head.bias.copy_(torch.from_numpy(rest[1]))
            return
        convs = [m for m in model.body if isinstance(m, CausalConv)]
        for i, c in enumerate(convs):  # floe [K, out, in] -> torch [out, in, K]
            c.conv.weight.copy_(torch.from_numpy(values[2 * i].transpose(1, 2, 0).copy()))
            c.conv.bias.copy_(torch.from_numpy(values[2 * i + 1]))
        model.head.weight.copy_(torch.from_numpy(values[-2]))
        model.head.bias.copy_(torch.from_numpy(values[-1]))


def adamw(model, lr, weight_decay):
    """AdamW with decay on weight matrices only (floe decays weights, not biases)."""
    decay = [p for n, p in model.named_parameters() if "weight" in n]
    rest = [p for n, p in model.named_parameters() if "weight" not in n]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-8)


def train_epochs(model, loss_of, x, y, epochs, batch, lr, weight_decay, clip, seed, drop_last=False):
    """Mini-batch training: a seeded shuffle each epoch, AdamW, optional clipping of the
    global gradient norm. Returns the mean training loss of every epoch."""
    opt = adamw(model, lr, weight_decay)
    g = torch.Generator().manual_seed(seed)
    n = len(y)
    losses = []
    model.train()
    for _ in range(epochs):
        order = torch.randperm(n, generator=g)
        total, batches = 0.0, 0
        stop = n - batch + 1 if drop_last else n
        for s in range(0, stop, batch):
            idx = order[s:s + batch]
            opt.zero_grad(set_to_none=True)
            value = loss_of(model(x[idx]), y[idx])
            value.backward()
            if clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            total += float(value.detach())
            batches += 1
        losses.append(total / max(batches, 1))
    model.eval()
    return losses
