// sPyNNaker's exponential synapse in fixed point: decay_s1615, the u0.32 decay/init factors, and
// the simulator's IF_curr_exp populations against float64 CUBA-LIF recurrences.
import { describe, expect, it } from 'vitest';
import { cubaParameters } from '../network/cuba-parameters.js';
import { mapModel } from '../network/map-model.js';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { simulateReference } from '../reference/reference-simulator.js';
import { cubaMlp } from '../test-utils/cuba-network.js';
import { randomCurrentSamples } from '../test-utils/current-samples.js';
import { lcg } from '../test-utils/lcg.js';
import { raster } from '../test-utils/networks.js';
import { expSynapseU032 } from './exp-synapse-u032.js';
import { quantizeNetwork } from './fixed-point-network.js';
import { FixedPointSimulator } from './fixed-point-simulator.js';
import { decayS1615, toS1615, U032_ONE } from './s1615.js';

/** `(x·d) >> 32` on 64-bit integers, the C expression itself. */
const decayBig = (x: number, d: number): number => Number((BigInt(x) * BigInt(d)) >> 32n);

describe('decayS1615', () => {
  it('hand cases: halving, flooring negatives, the extremes', () => {
    expect(decayS1615(32768, 2 ** 31)).toBe(16384);
    expect(decayS1615(3, 2 ** 31)).toBe(1); // 1.5 → 1
    expect(decayS1615(-3, 2 ** 31)).toBe(-2); // −1.5 → −2: an arithmetic shift floors
    // (2^31 − 1)·(2^32 − 1)/2^32 = 2^31 − 1 − 0.49999… → 2^31 − 2.
    expect(decayS1615(2 ** 31 - 1, U032_ONE - 1)).toBe(2 ** 31 - 2);
    // −2^31·(1 − 2^−32) = −2^31 + 0.5 floors back to −2^31.
    expect(decayS1615(-(2 ** 31), U032_ONE - 1)).toBe(-(2 ** 31));
    expect(decayS1615(12345, 0)).toBe(0);
  });

  it('equals the 64-bit product shifted right by 32 on random inputs', () => {
    const rnd = lcg(3);
    for (let k = 0; k < 2000; k++) {
      const x = Math.floor((rnd() * 2 - 1) * 2 ** 31);
      const d = Math.floor(rnd() * U032_ONE);
      expect(decayS1615(x, d)).toBe(decayBig(x, d));
    }
  });
});

describe('expSynapseU032', () => {
  it('τ_syn = 2 ms, dt = 1: ts/τ = 0.5 exactly; decay = rint(e^−0.5·2^32); init = 2·(2^32 − 1 − decay)', () => {
    // e^−0.5·2^32 = 2605029347.49 → 2605029347; 1.0ulr − decay = 1689937948; τ/ts = 2 → init 3379875896.
    const f = expSynapseU032(toS1615(2), 1);
    expect(f).toEqual({ decay: 2605029347, init: 3379875896 });
    expect(f.init / U032_ONE).toBeCloseTo(2 * (1 - Math.exp(-0.5)), 8);
  });

  it('τ_syn = 1/ln 2 ms (CUBA τ_syn = 2 steps): τ held as 47274/2^15, so decay is 0.5000007, not 0.5', () => {
    // τ = 1.442695·2^15 = 47274.2 → 47274; ts/τ = trunc(2^30/47274) = 22713 → 0.693146…;
    // e^−0.693146·2^32 = 2147486716; init = (47274·(2^32 − 1 − 2147486716)) >> 15 = 3098144436.
    const f = expSynapseU032(toS1615(1 / Math.LN2), 1);
    expect(toS1615(1 / Math.LN2)).toBe(47274);
    expect(f).toEqual({ decay: 2147486716, init: 3098144436 });
    expect(Math.abs(f.decay / U032_ONE - 0.5)).toBeLessThan(1e-6);
    expect(Math.abs(f.init / U032_ONE - 0.5 / Math.LN2)).toBeLessThan(1e-5);
  });
});

/** One CUBA-LIF neuron fed by `pre` spike sources with weights `w`. */
function oneNeuron(w: number[], T: number, tauSyn: number, tauMem: number, vThreshold: number, vReset = 0): SpinnakerNetwork {
  const params = cubaParameters({ tauSyn, tauMem, vThreshold, vReset }, 1);
  return {
    dtMs: 1,
    timeSteps: T,
    input: { kind: 'spikes', size: w.length },
    populations: [{ name: 'layer1', size: 1, cellType: 'IF_curr_exp', params, vInit: vReset, origin: 'test' }],
    projections: [{ name: 'input-layer1', pre: 'input', post: 'layer1', weights: Float32Array.from(w), preSize: w.length, postSize: 1, delaySteps: 1 }],
  };
}

describe('FixedPointSimulator with IF_curr_exp (CUBA-LIF)', () => {
  it('tracks the float64 CUBA recurrence: |ΔI| ≤ 2e−4, |ΔV| ≤ 1e−3 over 40 steps, and the same spikes', () => {
    // Tolerance: weights on the 2^−10 grid are exact 16-bit words; per step decay_s1615 truncates
    // by < 1 LSB (2^−15) twice, the s16.15 τ_syn moves decay by < 1e−6 and init by < 1e−5
    // relative, R and e are within an LSB — summed over the 1/(1 − α) = 2 and 1/(1 − β) = 4 step
    // memories this stays below ~2e−4 for currents ≲ 4 and ~1e−3 for V.
    const w = [0.75, -0.5, 0.375];
    const T = 40;
    const rnd = lcg(17);
    const events: Array<[number, number]> = [];
    for (let t = 0; t < T; t++) for (let i = 0; i < 3; i++) if (rnd() < 0.45) events.push([t, i]);
    const sample = { spikes: raster(T, 3, events) };
    const net = oneNeuron(w, T, 2, 4, 1.1, -0.3);
    const fixed = quantizeNetwork(net);
    const run = new FixedPointSimulator(fixed).run(sample, { record: true });
    const tr = run.traces!.get('layer1')!;
    // Float64 CUBA-LIF, written from the neuron's equations: I = αI + X, H = βV + I, fire at H ≥ θ.
    const init = 0.5 / Math.LN2; // the chip current is init·I (c_m chosen so that (1 − e)·R·init = 1)
    let I = 0;
    let V = -0.3;
    let maxDi = 0;
    let maxDv = 0;
    const floatSpikes: number[] = [];
    for (let t = 0; t < T; t++) {
      let X = 0;
      for (let i = 0; i < 3; i++) if (sample.spikes[t * 3 + i]) X += w[i];
      I = 0.5 * I + X;
      const H = 0.75 * V + I;
      if (H >= 1.1) {
        floatSpikes.push(t);
        V = -0.3;
      } else V = H;
      maxDi = Math.max(maxDi, Math.abs(tr.synaptic[t] - init * I));
      maxDv = Math.max(maxDv, Math.abs(tr.v[t] - V));
    }
    expect(maxDi).toBeLessThan(2e-4);
    expect(maxDv).toBeLessThan(1e-3);
    const fixedSpikes = Array.from(run.spikes.get('layer1')!).flatMap((s, t) => (s ? [t] : []));
    expect(floatSpikes.length).toBeGreaterThan(3);
    expect(fixedSpikes).toEqual(floatSpikes);
    expect(run.arithmeticSaturations).toBe(0);
  });

  it('keeps the current through a spike (no synaptic reset) and decays it by the u0.32 factor', () => {
    // One input of 2 at t = 0, τ_syn = 2, θ = 0.9: I = 2, 1, 0.5, …; H: 2 → fires, 0 + 1 → fires,
    // 0.5, 0.375 + 0.25 = 0.625, 0.46875 + 0.125 = 0.59375, 0.4453125 + 0.0625 = 0.5078125.
    // (θ = 1 would put step 1 exactly on the threshold, where the truncating decay decides.)
    const net = oneNeuron([2], 6, 2, 4, 0.9);
    const run = new FixedPointSimulator(quantizeNetwork(net)).run({ spikes: raster(6, 1, [[0, 0]]) }, { record: true });
    expect(Array.from(run.spikes.get('layer1')!)).toEqual([1, 1, 0, 0, 0, 0]);
    const init = 0.5 / Math.LN2;
    [2, 1, 0.5, 0.25, 0.125, 0.0625].forEach((i, t) => expect(run.traces!.get('layer1')!.synaptic[t]).toBeCloseTo(init * i, 4));
    [0, 0, 0.5, 0.625, 0.59375, 0.5078125].forEach((v, t) => expect(run.traces!.get('layer1')!.v[t]).toBeCloseTo(v, 3));
  });

  it('agrees with the float reference on a two-layer network with current input (i_offset + initial isyn)', () => {
    const model = cubaMlp(12, 8, 3, 5);
    const net = mapModel(model, { timeSteps: 30, input: 'current' });
    model.dispose();
    const { samples } = randomCurrentSamples(net, 6, 9);
    const sim = new FixedPointSimulator(quantizeNetwork(net));
    const spikes = { layer1: 0, layer2: 0 } as Record<string, number>;
    let differ = 0;
    for (const sample of samples) {
      const ref = simulateReference(net, sample);
      const fx = sim.run(sample).spikes;
      for (const name of ['layer1', 'layer2']) {
        const a = ref.get(name)!;
        const c = fx.get(name)!;
        spikes[name] += a.reduce((s, x) => s + x, 0);
        for (let k = 0; k < a.length; k++) if (a[k] !== c[k]) differ++;
      }
    }
    expect(spikes.layer1).toBeGreaterThan(100);
    expect(spikes.layer2).toBeGreaterThan(20);
    expect(differ).toBe(0);
  });
});
