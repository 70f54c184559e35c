import { describe, expect, it } from 'vitest';
import { Sequential, createSpikeflow, directEncoder, manualSeed, spikingLayers, tf } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { models } from '../plugin.js';

const sf = createSpikeflow({ plugins: [neurons(), models()] });
const ctx = { inputShape: [6, 4], numClasses: 3, neuron: { id: 'lif' }, staticInput: false };

describe('lif-mlp output: membrane', () => {
  it('ends in a non-firing read-out whose output is the leaky integral of the last Linear, V[t] = V[t-1] + (X[t] - V[t-1]) / tau', () => {
    manualSeed(3);
    const net = sf.model('lif-mlp', { hidden: [16], output: 'membrane', outputTau: 3 }, ctx) as Sequential;
    // The same weights (same seed, same construction order) as the spiking-output network.
    manualSeed(3);
    const spiking = sf.model('lif-mlp', { hidden: [16] }, ctx);
    expect(net.namedParameters().map(([n, v]) => [n, Array.from(v.dataSync())])).toEqual(spiking.namedParameters().map(([n, v]) => [n, Array.from(v.dataSync())]));
    expect(spikingLayers(net).map(([n]) => n)).toEqual(['lif1']);
    const T = 5;
    const x = tf.randomUniform([2, 6, 4], -1, 2, 'float32', 7);
    const seq = directEncoder().encode(x, { timeSteps: T, sampleIndices: [], epoch: 0, seed: 0 });
    net.resetState();
    const out = net.forward(seq);
    expect(out.shape).toEqual([T, 2, 3]);
    // Reference: the currents the read-out receives (everything before it), integrated in float64.
    net.resetState();
    let h = seq;
    for (const [name, m] of net.namedChildren()) if (name !== 'readout') h = m.forward(h);
    const currents = h.arraySync() as number[][][];
    const got = out.arraySync() as number[][][];
    const v = [
      [0, 0, 0],
      [0, 0, 0],
    ];
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < 2; b++) {
        for (let c = 0; c < 3; c++) {
          v[b]![c] = v[b]![c]! + (currents[t]![b]![c]! - v[b]![c]!) / 3;
          expect(got[t]![b]![c]).toBeCloseTo(v[b]![c]!, 5);
        }
      }
    }
    // Real-valued: not a spike train.
    expect(new Set(Array.from(out.dataSync())).size).toBeGreaterThan(2);
  });

  it('refuses an output tau of 1 or less, naming the option', () => {
    expect(() => sf.model('lif-mlp', { output: 'membrane', outputTau: 1 }, ctx)).toThrowError(/outputTau/);
    expect(() => sf.model('lif-mlp', { output: 'voltage' }, ctx)).toThrowError(/output/);
  });
});
