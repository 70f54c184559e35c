"""A stand-in for pyNN.spiNNaker in tests: the PyNN calls run.py makes, simulated with sPyNNaker's
LIF step order in float64 (V <- a - e*(a - V), a = I*R + v_rest, fire at V >= v_thresh, reset;
a spike sent at step n arrives at step n + delay). IF_curr_exp adds sPyNNaker's exponential
synapse: the step's arriving weights W add init*W to the synaptic current (init = (tau_syn/dt) *
(1 - decay)), the membrane update uses that current, then it decays by decay = exp(-dt/tau_syn).
It lets the script's sPyNNaker path (cell types, list spike times, one step of latency per layer,
initial values) run without a board. Usage:
    python3 fake_spinnaker.py run.py [args...]
"""
import math
import runpy
import sys
import types

import numpy as np

_state = {"dt": 1.0, "pops": [], "projs": [], "t": 0}


class _Cell:
    def __init__(self, kind, **params):
        self.kind, self.params = kind, params


def IF_curr_delta(**params):
    return _Cell("IF_curr_delta", **params)


def IF_curr_exp(**params):
    assert params["tau_syn_E"] == params["tau_syn_I"]
    return _Cell("IF_curr_exp", **params)


def SpikeSourceArray(spike_times):
    return _Cell("SpikeSourceArray", spike_times=spike_times)


class _Train:
    def __init__(self, times, index):
        self.times, self.annotations = times, {"source_index": index}

    def rescale(self, unit):
        assert unit == "ms"
        return types.SimpleNamespace(magnitude=np.array(self.times, dtype=float))


class Population:
    def __init__(self, size, cell, label=None):
        self.size, self.cell, self.label = size, cell, label
        self.params = {k: np.full(size, float(v)) for k, v in cell.params.items() if k != "spike_times"}
        if cell.kind == "SpikeSourceArray":
            for x in cell.params["spike_times"]:
                assert isinstance(x, list), "sPyNNaker gets a list of lists"
            self.spike_times = cell.params["spike_times"]
        self.v0 = np.zeros(size)
        self.isyn0 = np.zeros(size)
        self.segments = [[[] for _ in range(size)]]
        _state["pops"].append(self)

    def initialize(self, v=None, isyn_exc=None):
        if v is not None:
            self.v0 = np.broadcast_to(np.asarray(v, dtype=float), (self.size,)).copy()
            self.v = self.v0.copy()
        if isyn_exc is not None:
            assert self.cell.kind == "IF_curr_exp"
            self.isyn0 = np.broadcast_to(np.asarray(isyn_exc, dtype=float), (self.size,)).copy()
            self.isyn = self.isyn0.copy()

    def record(self, what):
        assert what == "spikes"

    def set(self, **kw):
        for k, val in kw.items():
            if k == "spike_times":
                for x in val:
                    assert isinstance(x, list), "sPyNNaker gets a list of lists"
                self.spike_times = val
            else:
                self.params[k] = np.broadcast_to(np.asarray(val, dtype=float), (self.size,)).copy()

    def get_data(self, what):
        seg = types.SimpleNamespace(spiketrains=[_Train(t, i) for i, t in enumerate(self.segments[-1])])
        return types.SimpleNamespace(segments=[types.SimpleNamespace(spiketrains=[]) for _ in self.segments[:-1]] + [seg])


def FromListConnector(conns, column_names):
    assert column_names == ["weight", "delay"]
    return conns


def StaticSynapse():
    return None


class Projection:
    def __init__(self, pre, post, conns, synapse, receptor_type, label=None):
        for _, _, w, _ in conns:
            assert (w > 0) == (receptor_type == "excitatory"), "current-based: excitatory > 0, inhibitory < 0"
        self.pre, self.post, self.conns = pre, post, conns
        _state["projs"].append(self)


def setup(timestep, min_delay):
    _state["dt"] = timestep


def reset():
    _state["t"] = 0
    for p in _state["pops"]:
        p.segments.append([[] for _ in range(p.size)])
        p.v = p.v0.copy()
        p.isyn = p.isyn0.copy()


def run(ms):
    dt = _state["dt"]
    steps = int(round(ms / dt))
    arrivals = {}
    for p in _state["pops"]:
        if p.cell.kind != "SpikeSourceArray" and not hasattr(p, "v"):
            p.v = p.v0.copy()
        if p.cell.kind != "SpikeSourceArray" and not hasattr(p, "isyn"):
            p.isyn = p.isyn0.copy()
    for n in range(steps):
        for p in _state["pops"]:
            if p.cell.kind == "SpikeSourceArray":
                fired = [i for i, ts in enumerate(p.spike_times) if any(int(round(t / dt)) == n for t in ts)]
            else:
                I = p.params["i_offset"].copy() if "i_offset" in p.params else np.zeros(p.size)
                W = arrivals.pop((id(p), n), np.zeros(p.size))
                if p.cell.kind == "IF_curr_exp":
                    decay = np.exp(-dt / p.params["tau_syn_E"])
                    p.isyn = p.isyn + (p.params["tau_syn_E"] / dt) * (1.0 - decay) * W
                    I += p.isyn
                    p.isyn = p.isyn * decay
                else:
                    I += W
                e = np.exp(-dt / p.params["tau_m"])
                a = I * (p.params["tau_m"] / p.params["cm"]) + p.params["v_rest"]
                p.v = a - e * (a - p.v)
                fired = [int(j) for j in np.nonzero(p.v >= p.params["v_thresh"])[0]]
                p.v[fired] = p.params["v_reset"][fired]
            for i in fired:
                p.segments[-1][i].append(n * dt)
                for q in _state["projs"]:
                    if q.pre is p:
                        for pre, post, w, d in q.conns:
                            if pre == i:
                                key = (id(q.post), n + int(round(d / dt)))
                                arrivals.setdefault(key, np.zeros(q.post.size))[post] += w
    _state["t"] += steps


def end():
    pass


if __name__ == "__main__":
    fake = types.ModuleType("pyNN.spiNNaker")
    for name in ["IF_curr_delta", "IF_curr_exp", "SpikeSourceArray", "Population", "FromListConnector", "StaticSynapse", "Projection", "setup", "reset", "run", "end"]:
        setattr(fake, name, globals()[name])
    import pyNN
    sys.modules["pyNN.spiNNaker"] = fake
    pyNN.spiNNaker = fake
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
