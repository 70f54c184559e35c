"""W1 peer: Fashion-MNIST 784-512-10 LIF MLP (tau 2, ATan), T=8, batch 128, Adam, in PyTorch CPU eager.

Written as SpikingJelly users write it: the image repeated over T (direct encoding), Linear layers
on [T*B, ...] (SeqToANNContainer), LIF loops over unbind(0); MSE between firing rate and one-hot.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/w1_lif_mlp.py --steps 30 --repeats 3
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/w1_lif_mlp.py --epoch   # accuracy after 1 epoch

Prints one JSON line.
"""
import torch

from _common import MultiStep, SeqToANN, lif_multi_step, train_workload_main


def build():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        SeqToANN(torch.nn.Flatten(), torch.nn.Linear(784, 512, bias=False)),
        MultiStep(lif_multi_step),
        SeqToANN(torch.nn.Linear(512, 10, bias=False)),
        MultiStep(lif_multi_step),
    )


def direct(x, T):
    return x.unsqueeze(0).repeat(T, 1, 1, 1)


if __name__ == "__main__":
    train_workload_main("W1", build, direct, T=8, batch=128, steps=30)
