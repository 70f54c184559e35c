"""Shared parts of the PyTorch peers: tuned threads, Fashion-MNIST from its IDX files, and
SpikingJelly-style multi-step neurons written as a careful PyTorch user writes them (a loop over
`unbind(0)`, the ATan surrogate as a custom autograd function). Our own code, for benchmarks only."""
import gzip
import math
import os
import time

import numpy as np
import torch


def tune_threads():
    """One OpenBLAS thread (the caller sets OPENBLAS_NUM_THREADS=1 before Python starts), torch on 2 threads."""
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        raise SystemExit("run the peers with OPENBLAS_NUM_THREADS=1 (the defaults oversubscribe the 2 cores)")
    torch.set_num_threads(int(os.environ.get("SPIKEFLOW_PEER_THREADS", "2")))
    return {"torch_threads": torch.get_num_threads(), "openblas": os.environ.get("OPENBLAS_NUM_THREADS"), "torch": torch.__version__}


def _idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    x = _idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    y = _idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


class ATanSpike(torch.autograd.Function):
    """Heaviside forward (fires at x >= 0), ATan surrogate backward: (a/2) / (1 + (pi/2 a x)^2)."""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha = ctx.alpha
        return grad * ((alpha / 2) / (1 + (math.pi / 2 * alpha * x).square())), None


def lif_multi_step(x_seq, tau=2.0, v_th=1.0, v_reset=0.0, alpha=2.0):
    """SpikingJelly LIFNode, decay_input, hard reset: H = V + (X - (V - Vr))/tau; V = S Vr + (1 - S) H."""
    v = torch.full_like(x_seq[0], v_reset)
    out = []
    for x in x_seq.unbind(0):
        h = v + (x - (v - v_reset)) / tau
        s = ATanSpike.apply(h - v_th, alpha)
        v = s * v_reset + (1 - s) * h
        out.append(s)
    return torch.stack(out)


def if_multi_step(x_seq, v_th=1.0, v_reset=0.0, alpha=2.0):
    """SpikingJelly IFNode, hard reset: H = V + X; V = S Vr + (1 - S) H."""
    v = torch.full_like(x_seq[0], v_reset)
    out = []
    for x in x_seq.unbind(0):
        h = v + x
        s = ATanSpike.apply(h - v_th, alpha)
        v = s * v_reset + (1 - s) * h
        out.append(s)
    return torch.stack(out)


class MultiStep(torch.nn.Module):
    """Wrap a multi-step neuron function as a module over [T, B, ...]."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x_seq):
        return self.fn(x_seq)


class SeqToANN(torch.nn.Module):
    """SpikingJelly's SeqToANNContainer: fold T into the batch for stateless layers."""

    def __init__(self, *layers):
        super().__init__()
        self.body = torch.nn.Sequential(*layers)

    def forward(self, x_seq):
        T, B = x_seq.shape[:2]
        y = self.body(x_seq.flatten(0, 1))
        return y.view(T, B, *y.shape[1:])


def train_throughput(model, x_train, y_train, T, batch, steps, repeats, lr, make_input, warmup=3, seed=0):
    """Median samples/s of Adam training steps (MSE between firing rate and one-hot, SpikingJelly's
    Fashion-MNIST examples), batches drawn in a seeded random order."""
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    perm = torch.randperm(x_train.shape[0])
    cursor = [0]

    def step():
        idx = perm[cursor[0] * batch:(cursor[0] + 1) * batch]
        cursor[0] += 1
        x, y = make_input(x_train[idx], T), y_train[idx]
        out = model(x).mean(0)
        loss = torch.nn.functional.mse_loss(out, torch.nn.functional.one_hot(y, 10).float())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    model.train()
    for _ in range(warmup):
        step()
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * batch / (time.perf_counter() - t0))
    return sorted(rates)[len(rates) // 2], rates


def train_epoch_accuracy(model, data, T, batch, lr, make_input, seed=0, log=None):
    """Train one epoch (Adam, MSE on rates), then test accuracy; returns (accuracy, seconds)."""
    (x_train, y_train), (x_test, y_test) = data
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    perm = torch.randperm(x_train.shape[0])
    t0 = time.perf_counter()
    model.train()
    for i in range(x_train.shape[0] // batch):
        idx = perm[i * batch:(i + 1) * batch]
        out = model(make_input(x_train[idx], T)).mean(0)
        loss = torch.nn.functional.mse_loss(out, torch.nn.functional.one_hot(y_train[idx], 10).float())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - t0
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x_test.shape[0], 500):
            out = model(make_input(x_test[i:i + 500], T)).mean(0)
            correct += (out.argmax(1) == y_test[i:i + 500]).sum().item()
    return correct / x_test.shape[0], seconds


def train_workload_main(workload, build, make_input, T, batch, steps):
    """The command line shared by the W1 and W2 peers: throughput (default) or --epoch accuracy."""
    import argparse
    import json

    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--T", type=int, default=T)
    ap.add_argument("--batch", type=int, default=batch)
    ap.add_argument("--steps", type=int, default=steps)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--epoch", action="store_true", help="train one epoch and report test accuracy")
    args = ap.parse_args()
    env = tune_threads()
    train = fashion_mnist(args.data_dir, "train")
    result = {"workload": workload, "T": args.T, "batch": args.batch, "env": env}
    if args.epoch:
        acc, seconds = train_epoch_accuracy(build(), (train, fashion_mnist(args.data_dir, "test")), args.T, args.batch, args.lr, make_input)
        result.update({"test_accuracy": acc, "epoch_seconds": seconds, "samples_per_s": (60000 // args.batch) * args.batch / seconds})
    else:
        med, rates = train_throughput(build(), *train, args.T, args.batch, args.steps, args.repeats, args.lr, make_input)
        result.update({"samples_per_s": med, "runs": rates, "steps": args.steps})
    print(json.dumps(result))
