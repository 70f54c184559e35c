"""W2 peer: conv(1->32)-BN-IF-pool, conv(32->32)-BN-IF-pool, FC(1568->128)-IF, FC(128->10)-IF,
T=4, batch 64, Adam, Fashion-MNIST, in PyTorch CPU eager (SpikingJelly style: image repeated over
T, stateless layers on [T*B, ...], IF loops over unbind(0), ATan surrogate).

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/w2_conv_snn.py --steps 10 --repeats 3

Prints one JSON line.
"""
import torch

from _common import MultiStep, SeqToANN, if_multi_step, train_workload_main


def build(c=32, hidden=128):
    torch.manual_seed(0)
    nn = torch.nn
    return nn.Sequential(
        SeqToANN(nn.Conv2d(1, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)),
        MultiStep(if_multi_step),
        SeqToANN(nn.MaxPool2d(2, 2)),
        SeqToANN(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)),
        MultiStep(if_multi_step),
        SeqToANN(nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(c * 7 * 7, hidden, bias=False)),
        MultiStep(if_multi_step),
        SeqToANN(nn.Linear(hidden, 10, bias=False)),
        MultiStep(if_multi_step),
    )


def direct(x, T):
    return x.unsqueeze(1).unsqueeze(0).repeat(T, 1, 1, 1, 1)  # [T, B, 1, 28, 28]


if __name__ == "__main__":
    train_workload_main("W2", build, direct, T=4, batch=64, steps=10)
