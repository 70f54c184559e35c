// CUBA-LIF test networks: the small 20 → 10 → 4 classifier with CubaLIFNode layers (trained by
// small-network's BPTT loop) and a direct-input MLP with a bias in its off-chip layer.
import { Linear, Sequential, type Module } from '@spikeflow/core';
import { CubaLIFNode, atan } from '@spikeflow/neurons';
import { lcg } from './lcg.js';
import { trainSmallNetwork } from './small-network.js';

/** Layer k's CUBA-LIF neuron: τ_syn = 2, τ_mem = 4 in the hidden layer; τ_syn = 3, τ_mem = 2, V_reset = −0.2 at the output. */
export function cubaNeuron(layer: number): CubaLIFNode {
  return layer === 0 ? new CubaLIFNode({ tauSyn: 2, tauMem: 4, surrogate: atan() }) : new CubaLIFNode({ tauSyn: 3, tauMem: 2, vReset: -0.2, surrogate: atan() });
}

/** The 20 → 10 → 4 CUBA-LIF classifier trained for `steps` Adam steps on small-network's patterns. */
export function trainCubaNetwork(steps = 30): Module {
  return trainSmallNetwork(steps, cubaNeuron);
}

/** `in → hidden → out` with CUBA-LIF layers (`neuron`, default {@link cubaNeuron}); weights uniform in [−0.8, 1.2]·scale/√fan-in (skewed positive so both layers fire); a bias in the first layer only. */
export function cubaMlp(inF: number, hidden: number, out: number, seed: number, scale = 2, neuron: (layer: number) => CubaLIFNode = cubaNeuron): Module {
  const rnd = lcg(seed);
  const layer = (a: number, b: number, bias: boolean): Linear => {
    const l = new Linear(a, b, { bias });
    const entries: Array<[string, { shape: number[]; data: Float32Array }]> = [
      ['weight', { shape: [a, b], data: Float32Array.from({ length: a * b }, () => ((rnd() * 2 - 0.8) * scale) / Math.sqrt(a)) }],
    ];
    if (bias) entries.push(['bias', { shape: [b], data: Float32Array.from({ length: b }, () => rnd() * 0.2 - 0.05) }]);
    l.loadStateDict(new Map(entries));
    return l;
  };
  return new Sequential(layer(inF, hidden, true), neuron(0), layer(hidden, out, false), neuron(1)).eval();
}
