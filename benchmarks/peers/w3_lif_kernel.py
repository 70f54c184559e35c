"""W3 peer: multi-step LIF forward+backward on [T, 64, 16384] in PyTorch CPU eager (loop over unbind,
ATan surrogate as an autograd function), backward with a fixed upstream gradient.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/w3_lif_kernel.py --T 16 --reps 5

Prints one JSON line with the per-call times and their median.
"""
import argparse
import json
import time

import torch

from _common import lif_multi_step, tune_threads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--T", type=int, default=16)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--features", type=int, default=16384)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    env = tune_threads()
    g = torch.Generator().manual_seed(1)
    shape = (args.T, args.batch, args.features)
    x = (torch.rand(shape, generator=g) * 4 - 1).requires_grad_(True)
    dy = torch.rand(shape, generator=g) * 2 - 1
    times = []
    for r in range(args.reps + 1):
        t0 = time.perf_counter()
        x.grad = None
        s = lif_multi_step(x)
        s.backward(dy)
        checksum = x.grad.sum().item()  # forces the result, as the spikeflow side reads a sum
        ms = (time.perf_counter() - t0) * 1000
        if r > 0:  # the first call is warm-up
            times.append(ms)
    print(json.dumps({"workload": "W3", "T": args.T, "shape": list(shape), "ms": times,
                      "median_ms": sorted(times)[len(times) // 2], "spikes": float(s.sum().item()),
                      "checksum": checksum, "env": env}))


if __name__ == "__main__":
    main()
