import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Flatten, Linear, Sequential, SpikeflowError, tf } from '@spikeflow/core';
import { readFloatNetwork } from './float-network.js';
import { encodeInput, quantizeNetwork, quantizeWeight } from './quantize.js';
import { LoihiNetwork } from '../simulator/loihi-network.js';
import { TestLif, randomFloatNetwork, randomInputs } from '../test-utils/fixtures.js';
import type { FloatNetwork } from './float-network.js';

function lin(inF: number, outF: number, w: number[], b?: number[]): Linear {
  const l = new Linear(inF, outF, { bias: b !== undefined });
  l.loadStateDict(new Map([['weight', { shape: [inF, outF], data: Float32Array.from(w) }], ...(b ? [['bias', { shape: [outF], data: Float32Array.from(b) }] as const] : [])]));
  return l;
}

describe('readFloatNetwork', () => {
  it('reads Flatten → Linear → LIF → Linear → LIF, transposing weights to [out, in]', () => {
    const model = new Sequential(new Flatten(), lin(4, 2, [1, 2, 3, 4, 5, 6, 7, 8]), new TestLif(2), lin(2, 1, [0.5, -0.5], [0.25]), new TestLif(3, false, { vThreshold: 0.5 }));
    const net = readFloatNetwork(model, [2, 2, 1]);
    expect(net.layers).toHaveLength(2);
    // spikeflow [in, out] = [[1,2],[3,4],[5,6],[7,8]] → [out, in] = [[1,3,5,7],[2,4,6,8]]
    expect(Array.from(net.layers[0].weight)).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
    expect(net.layers[1].bias && Array.from(net.layers[1].bias)).toEqual([0.25]);
    expect(net.layers[1].neuron).toEqual({ kind: 'lif', tau: 3, decayInput: false, vThreshold: 0.5, vReset: 0 });
  });

  it('folds BatchNorm1d into the Linear: the folded layer computes the same function', () => {
    const bn = new BatchNorm1d(2);
    bn.loadStateDict(
      new Map([
        ['weight', { shape: [2], data: Float32Array.from([2, 0.5]) }],
        ['bias', { shape: [2], data: Float32Array.from([0.1, -0.2]) }],
        ['running_mean', { shape: [2], data: Float32Array.from([1, -1]) }],
        ['running_var', { shape: [2], data: Float32Array.from([4, 0.25]) }],
      ]),
    );
    const linear = lin(3, 2, [1, 0, -1, 2, 0.5, 0.5], [0.3, 0.4]);
    const model = new Sequential(linear, bn, new TestLif());
    model.eval();
    const net = readFloatNetwork(model, [3]);
    const x = [0.2, -0.7, 1.5];
    const want = tf.tidy(() => Array.from(bn.forward(linear.forward(tf.tensor3d([[x]]))).dataSync()));
    const l = net.layers[0];
    const got = [0, 1].map((o) => l.bias![o] + x.reduce((a, xi, i) => a + l.weight[o * 3 + i] * xi, 0));
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 5));
  });

  it('names the layer it cannot map', () => {
    const model = new Sequential(lin(2, 2, [1, 0, 0, 1]), lin(2, 2, [1, 0, 0, 1]), new TestLif());
    expect(() => readFloatNetwork(model, [2])).toThrow(/'1' follows layer '0' without a spiking neuron/);
  });
});

const oneLayer = (w: number[], neuron: Partial<FloatNetwork['layers'][0]['neuron']> = {}, bias: number[] | null = null): FloatNetwork => ({
  inputShape: [w.length],
  layers: [
    {
      kind: 'dense',
      name: 'fc',
      inFeatures: w.length,
      outFeatures: 1,
      weight: Float32Array.from(w),
      bias: bias && Float32Array.from(bias),
      neuron: { kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0, ...neuron },
    },
  ],
});

describe('quantizeNetwork (hand-computed)', () => {
  it('weights become even integers in [−256, 254]: 2·round(gW/2), halves away from zero', () => {
    expect(quantizeWeight(0.5, 254)).toBe(128);
    expect(quantizeWeight(1, 254)).toBe(254);
    expect(quantizeWeight(-1.2, 254)).toBe(-256);
    expect(quantizeWeight(0.003, 254)).toBe(0);
    expect(quantizeWeight(-0.25, 508)).toBe(-128); // −63.5 → −64
    expect(quantizeWeight(0.25, 508)).toBe(128);
    expect(Object.is(quantizeWeight(-0.001, 254), 0)).toBe(true);
  });

  it('layer 0 with 1-bit input: gain = 254/max|W|, vth = gain·V_th·τ, du = 4095, dv = 4096/τ', () => {
    // max|W| = 0.5 → gain 508 (weight-range bound; threshold bound 131071/2 is larger), W → [254, −128].
    // Drive bound without calibration: Σ|W|·1 = 0.75 → current bound 131071/0.75 ≫ 508.
    const q = quantizeNetwork(oneLayer([0.5, -0.25]), { inputBits: 1 });
    const l = q.spec.layers[0];
    expect(Array.from(l.weights)).toEqual([254, -128]);
    expect(l.neuron).toEqual({ du: 4095, dv: 2048, vth: 1016, biasMant: 0, biasExp: 6 });
    expect(q.layers[0]).toMatchObject({ gain: 508, limitedBy: 'weight-range' });
    expect(q.inputScale).toBe(1);
  });

  it('decay_input = false: vth = gain·V_th; IF: dv = 0', () => {
    const q = quantizeNetwork(oneLayer([0.5], { decayInput: false, vThreshold: 2 }), { inputBits: 1 });
    expect(q.spec.layers[0].neuron.vth).toBe(1016);
    const qi = quantizeNetwork(oneLayer([0.5], { kind: 'if', tau: Infinity, decayInput: false }), { inputBits: 1 });
    expect(qi.spec.layers[0].neuron).toMatchObject({ dv: 0, vth: 508 });
  });

  it('the threshold register bounds the gain: a 17-bit mantissa', () => {
    // tiny weights want gain 254/0.001 = 254000, but vth = 2·gain must stay ≤ 131071 → gain 65535.5
    const q = quantizeNetwork(oneLayer([0.001]), { inputBits: 1 });
    expect(q.layers[0].limitedBy).toBe('threshold');
    expect(q.spec.layers[0].neuron.vth).toBe(131071);
    expect(q.spec.layers[0].weights[0]).toBe(66); // 2·round(65.5355/2) = 66
  });

  it('the 24-bit current bounds the gain: gain·max drive < 2^17', () => {
    // 8-bit input (P = 255): drive bound Σ|W| = 4 → gain ≤ 131071/4 = 32767.75 < weight bound 254·255
    const q = quantizeNetwork(oneLayer([1, 1, 1, 1]), { inputBits: 8 });
    expect(q.layers[0].limitedBy).toBe('current');
    expect(q.layers[0].gain).toBeCloseTo(32767.75, 6);
    // weights: 2·round(32767.75/255/2) = 2·round(64.25) = 128
    expect(Array.from(q.spec.layers[0].weights)).toEqual([128, 128, 128, 128]);
    const x = encodeInput(q, [1, 1, 1, 1]);
    expect(Array.from(x)).toEqual([255, 255, 255, 255]);
    // worst case: a = 4·128·255 = 130560 ≤ 2^17 − 1: no wrap
    const r = new LoihiNetwork(q.spec).run(x, 4, { lavaTiming: false });
    expect(r.wraps).toBe(0);
  });

  it('biases map to bias mantissas gain·b with exponent 6', () => {
    const q = quantizeNetwork(oneLayer([0.5], {}, [0.1]), { inputBits: 1 });
    expect(q.spec.layers[0].neuron.biasMant).toEqual(Int32Array.from([51])); // 508·0.1 = 50.8
  });

  it('refuses reset semantics Loihi lacks, naming the layer, unless allowed', () => {
    expect(() => quantizeNetwork(oneLayer([0.5], { vReset: null }))).toThrow(/layer 0 \('fc'\) uses a soft reset/);
    try {
      quantizeNetwork(oneLayer([0.5], { vReset: -1 }));
      expect.unreachable();
    } catch (e) {
      expect(SpikeflowError.is(e, 'unrepresentable')).toBe(true);
    }
    const q = quantizeNetwork(oneLayer([0.5], { vReset: null }), { allowResetMismatch: true });
    expect(q.messages[0]).toMatch(/resets the voltage to 0/);
  });

  it('calibration picks the input bits with the smallest first-layer error and never wraps on it', () => {
    const net = randomFloatNetwork([40, 16, 5], 11, { scale: 6 });
    const cal = randomInputs(32, 40, 5);
    const q = quantizeNetwork(net, { calibration: cal });
    expect(q.inputBits).toBeGreaterThanOrEqual(1);
    expect(q.inputBits).toBeLessThanOrEqual(8);
    const sim = new LoihiNetwork(q.spec);
    for (let s = 0; s < 32; s++) expect(sim.run(encodeInput(q, cal.subarray(s * 40, (s + 1) * 40)), 6).wraps).toBe(0);
  });

  it('fixed gains reproduce a mapping exactly, and gains past a register fail naming the layer', () => {
    const net = randomFloatNetwork([20, 8, 3], 4, { bias: true });
    const q = quantizeNetwork(net, { inputBits: 4 });
    const again = quantizeNetwork(net, { inputBits: 4, gains: q.layers.map((l) => l.gain) });
    expect(again.spec).toEqual(q.spec);
    expect(again.layers.map((l) => l.limitedBy)).toEqual(['fixed', 'fixed']);
    // vth = gain·V_th·τ must stay ≤ 131071: gain 70000 gives 140000.
    expect(() => quantizeNetwork(net, { inputBits: 4, gains: [q.layers[0].gain, 70000] })).toThrow(/layer 1 \('fc1'\) (vth|biasMant)/);
  });

  it('rejects calibration inputs outside [0, inputMax]', () => {
    expect(() => quantizeNetwork(oneLayer([0.5, 0.5]), { calibration: Float32Array.from([0.5, -0.1]) })).toThrow(/outside \[0, 1\]/);
  });
});

describe('float model vs chip model', () => {
  it('a random 3-layer network agrees on most spike counts with its float reference', () => {
    // Float reference: SpikingJelly LIF (τ = 2, decay_input, hard reset 0) in plain JS.
    const net = randomFloatNetwork([30, 20, 6], 21, { scale: 4 });
    const xs = randomInputs(20, 30, 9);
    const q = quantizeNetwork(net, { calibration: xs, inputBits: 6 });
    const sim = new LoihiNetwork(q.spec);
    let agree = 0;
    let total = 0;
    for (let s = 0; s < 20; s++) {
      const x = Array.from(xs.subarray(s * 30, (s + 1) * 30));
      let input = x;
      const counts: number[][] = [];
      for (const l of net.layers) {
        const drive = Array.from({ length: l.outFeatures }, (_, o) => input.reduce((a, xi, i) => a + l.weight[o * l.inFeatures + i] * xi, 0));
        counts.push(drive.map(() => 0));
        input = drive;
      }
      // Multi-step float run.
      const v = net.layers.map((l) => new Array<number>(l.outFeatures).fill(0));
      const fc = net.layers.map((l) => new Array<number>(l.outFeatures).fill(0));
      for (let t = 0; t < 8; t++) {
        let inp = x;
        net.layers.forEach((l, k) => {
          const out: number[] = [];
          for (let o = 0; o < l.outFeatures; o++) {
            const X = inp.reduce((a, xi, i) => a + l.weight[o * l.inFeatures + i] * xi, 0);
            const H = v[k][o] + (X - v[k][o]) / 2;
            const sp = H >= 1 ? 1 : 0;
            v[k][o] = sp ? 0 : H;
            fc[k][o] += sp;
            out.push(sp);
          }
          inp = out;
        });
      }
      const chip = sim.run(encodeInput(q, x), 8).counts;
      for (let k = 0; k < fc.length; k++)
        for (let o = 0; o < fc[k].length; o++) {
          total++;
          if (Math.abs(fc[k][o] - chip[k][o]) <= 1) agree++;
        }
    }
    // Quantisation moves a few counts by more than one spike, but the bulk must agree.
    expect(agree / total).toBeGreaterThan(0.9);
  });
});
