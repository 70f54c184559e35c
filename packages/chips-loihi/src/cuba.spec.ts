// CUBA-LIF (current-based LIF, @spikeflow/neurons' CubaLIFNode) on the Loihi paths: reading the
// model, quantisation (du from τ_syn, dv from τ_mem, the current bound), the bit-accurate
// simulation, netx and NIR.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { Flatten, Linear, Sequential, tf, type Module } from '@spikeflow/core';
import { readFloatNetwork, type FloatNetwork, type FloatNeuron } from './quantize/float-network.js';
import { encodeInput, quantizeNetwork, MAX_SAFE_DRIVE } from './quantize/quantize.js';
import { LoihiNetwork } from './simulator/loihi-network.js';
import { evaluateFloat, evaluateOnChip } from './evaluate/chip-accuracy.js';
import { writeNetx } from './netx/write-netx.js';
import { readNetx } from './netx/read-netx.js';
import { netxToNetwork } from './netx/netx-to-network.js';
import { toNirGraph, writeNir } from './nir/write-nir.js';
import { readNir } from './nir/read-nir.js';
import { nirToNetwork } from './nir/nir-to-network.js';
import { NIR_DT, type NirGraph } from './nir/nir-graph.js';
import { TestCubaLif, TestLif, makeRandom, randomInputs, testNeuronFactory } from './test-utils/fixtures.js';
import { chainEdges, expectSameSimulation, expectSameSpikes } from './test-utils/same-spikes.js';

const tmp = () => tempDir('loihi-cuba-');

const cuba = (tauSyn: number, tauMem: number, extra: Partial<FloatNeuron> = {}): FloatNeuron => ({
  kind: 'cuba',
  tau: tauMem,
  tauSyn,
  decayInput: false,
  vThreshold: 1,
  vReset: 0,
  ...extra,
});

const oneLayer = (w: number[], neuron: FloatNeuron): FloatNetwork => ({
  inputShape: [w.length],
  layers: [{ kind: 'dense', name: 'fc', inFeatures: w.length, outFeatures: 1, weight: Float32Array.from(w), bias: null, neuron }],
});

function linear(inF: number, outF: number, rnd: () => number, scale: number, bias: boolean): Linear {
  const l = new Linear(inF, outF, { bias });
  const entries: Array<[string, { shape: number[]; data: Float32Array }]> = [
    ['weight', { shape: [inF, outF], data: Float32Array.from({ length: inF * outF }, () => (rnd() * 2 - 1) * scale) }],
  ];
  if (bias) entries.push(['bias', { shape: [outF], data: Float32Array.from({ length: outF }, () => rnd() * 0.2 - 0.1) }]);
  l.loadStateDict(new Map(entries));
  return l;
}

/** Linear(in → h) → CUBA → Linear(h → out) → CUBA, weights uniform in ±scale/√in. */
function cubaMlp(widths: [number, number, number], seed: number, bias = false): Module {
  const rnd = makeRandom(seed);
  const [a, b, c] = widths;
  return new Sequential(
    linear(a, b, rnd, 3 / Math.sqrt(a), bias),
    new TestCubaLif(2, 4),
    linear(b, c, rnd, 3 / Math.sqrt(b), bias),
    new TestCubaLif(3, 2, { vThreshold: 0.8 }),
  ).eval();
}

describe('reading and quantising CUBA-LIF layers', () => {
  it('readFloatNetwork recognises a CUBA neuron by its tauSyn/tauMem', () => {
    const net = readFloatNetwork(cubaMlp([6, 4, 2], 1), [6]);
    expect(net.layers.map((l) => l.neuron)).toEqual([cuba(2, 4), cuba(3, 2, { vThreshold: 0.8 })]);
  });

  it('hand case: τ_syn = 2, τ_mem = 4 → iDecay 2048 (du 2047), dv 1024; the current bound counts τ_syn', () => {
    // gain: weight range 254/0.5 = 508; threshold 131071; current 131071/(Σ|W| = 0.75 · 4096/2048 = 2) = 87380.7.
    const q = quantizeNetwork(oneLayer([0.5, -0.25], cuba(2, 4)), { inputBits: 1 });
    const l = q.spec.layers[0];
    expect(Array.from(l.weights)).toEqual([254, -128]);
    expect(l.neuron).toEqual({ du: 2047, dv: 1024, vth: 508, biasMant: 0, biasExp: 6 });
    expect(q.layers[0]).toMatchObject({ gain: 508, limitedBy: 'weight-range', du: 2047, dv: 1024 });
    expect(q.layers[0].driveBound).toBeCloseTo(MAX_SAFE_DRIVE / (508 * 2), 9);
    expect(q.messages).toEqual([]);
  });

  it('hand case on the chip: the current carries over steps exactly as the float CUBA equations say', () => {
    const q = quantizeNetwork(oneLayer([0.5, -0.25], cuba(2, 4)), { inputBits: 1 });
    // a = 254 per step, u/64: 254, 381, 444.5, 476.25; v/64 = 0.75·v/64 + u/64 against vth = 508:
    // 254 | 190.5 + 381 = 571.5 > 508 spike, v = 0 | 444.5 | 333.4 + 476.3 = 809.6 spike.
    // Float (×1/508): I = 0.5, 0.75, 0.875, 0.9375; H = 0.5, 1.125 (spike), 0.875, 1.59375 (spike).
    const sim = new LoihiNetwork(q.spec);
    const spikes: number[] = [];
    sim.neurons[0].reset();
    for (let t = 0; t < 4; t++) spikes.push(sim.neurons[0].step(sim.synapses[0].accumulate([1, 0]))[0]);
    expect(spikes).toEqual([0, 1, 0, 1]);
    expect(sim.neurons[0].u[0]).toBe(30480); // trunc(14224) ... = 476.25·64
    expect(new LoihiNetwork(q.spec).run([1, 0], 4, { lavaTiming: false }).counts[0][0]).toBe(2);
    // The LIF mapping (du = 4095) of the same weights clears the current each step:
    // v/64 = 254, 444.5, 587.4 (spike), 254 — one spike, as float LIF (H = 0.5, 0.875, 1.16, 0.5).
    const lif = quantizeNetwork(oneLayer([0.5, -0.25], { kind: 'lif', tau: 4, decayInput: false, vThreshold: 1, vReset: 0 }), { inputBits: 1 });
    expect(new LoihiNetwork(lif.spec).run([1, 0], 4, { lavaTiming: false }).counts[0][0]).toBe(1);
  });

  it('τ_syn = 1 maps exactly like LIF without decay_input (iDecay 4096, du 4095)', () => {
    const a = quantizeNetwork(oneLayer([0.3, 0.6], cuba(1, 4)), { inputBits: 4 });
    const b = quantizeNetwork(oneLayer([0.3, 0.6], { kind: 'lif', tau: 4, decayInput: false, vThreshold: 1, vReset: 0 }), { inputBits: 4 });
    expect(a.spec).toEqual(b.spec);
  });

  it('the gain keeps the accumulated current from wrapping; a larger fixed gain wraps', () => {
    // τ_syn = 4 → iDecay 1024, accumulation 4. 8-bit input (P = 255), Σ|W| = 4:
    // gain = 131071/(4·4) = 8191.94 (current), weights 2·round(8191.94/255/2) = 32, a = 4·32·255 = 32640.
    const net = oneLayer([1, 1, 1, 1], cuba(4, 8));
    const q = quantizeNetwork(net, { inputBits: 8 });
    expect(q.layers[0].limitedBy).toBe('current');
    expect(q.layers[0].gain).toBeCloseTo(131071 / 16, 6);
    expect(Array.from(q.spec.layers[0].weights)).toEqual([32, 32, 32, 32]);
    expect(q.spec.layers[0].neuron.du).toBe(1023);
    const x = encodeInput(q, [1, 1, 1, 1]);
    // Steady state u = 64·32640·4 = 8355840 < 2^23: no wrap however long the input lasts.
    expect(new LoihiNetwork(q.spec).run(x, 60, { lavaTiming: false }).wraps).toBe(0);
    // The LIF bound (no accumulation) would allow gain 32767.75: weights 128, and the current wraps.
    const big = quantizeNetwork(net, { inputBits: 8, gains: [131071 / 4] });
    expect(big.messages.join()).toMatch(/exceeds the current bound/);
    expect(new LoihiNetwork(big.spec).run(x, 60, { lavaTiming: false }).wraps).toBeGreaterThan(0);
  });

  it('decays the chip cannot hold are refused as unrepresentable, naming the layer', () => {
    const refuse = (n: FloatNeuron, message: RegExp) => expectSpikeflowError(() => quantizeNetwork(oneLayer([0.5], n), { inputBits: 1 }), 'unrepresentable', message);
    refuse(cuba(Infinity, 4), /layer 0 \('fc'\): tauSyn Infinity gives a current decay 0\/4096/);
    refuse(cuba(2, 1), /layer 0 \('fc'\): tauMem 1 gives a voltage decay 4096\/4096/);
    // τ_mem = ∞ (no leak) is fine: dv = 0. A τ that 4096 does not divide is rounded with a message.
    const q = quantizeNetwork(oneLayer([0.5], cuba(3, Infinity)), { inputBits: 1 });
    expect(q.spec.layers[0].neuron).toMatchObject({ du: 1364, dv: 0 }); // round(4096/3) = 1365
    expect(q.messages.join()).toMatch(/1\/tauSyn = 0\.333.* is rounded to 1365\/4096/);
  });
});

describe('float CUBA network vs the bit-accurate chip', () => {
  it('spike counts agree with the float model (same timing), and classifications mostly agree', () => {
    const model = cubaMlp([24, 16, 5], 5, true);
    const n = 40;
    const rnd = makeRandom(77);
    const xs = Float32Array.from({ length: n * 24 }, () => rnd());
    const q = quantizeNetwork(readFloatNetwork(model, [24]), { calibration: xs, inputBits: 6 });
    const T = 10;
    const floatCounts = tf.tidy(() => Array.from(tf.sum(model.forward(tf.tile(tf.tensor(xs, [1, n, 24]), [T, 1, 1])), 0).dataSync()));
    expect(floatCounts.reduce((a, b) => a + b, 0)).toBeGreaterThan(n); // the comparison is not vacuous
    const sim = new LoihiNetwork(q.spec);
    let close = 0;
    let exact = 0;
    for (let s = 0; s < n; s++) {
      const r = sim.run(encodeInput(q, xs.subarray(s * 24, (s + 1) * 24)), T, { lavaTiming: false });
      expect(r.wraps).toBe(0);
      for (let o = 0; o < 5; o++) {
        const d = Math.abs(r.counts[1][o] - floatCounts[s * 5 + o]);
        if (d === 0) exact++;
        if (d <= 1) close++;
      }
    }
    expect(close / (n * 5)).toBeGreaterThan(0.9);
    expect(exact / (n * 5)).toBeGreaterThan(0.6);
    // evaluateOnChip / evaluateFloat on labels taken from the float model: the chip's accuracy is
    // its agreement with float (the "drop" the CLI reports), with Lava's timing.
    const y = Int32Array.from({ length: n }, (_, s) => {
      const c = floatCounts.slice(s * 5, s * 5 + 5);
      return c.indexOf(Math.max(...c));
    });
    const data = { x: xs, y, sampleShape: [24] };
    expect(evaluateFloat(model, data, T).accuracy).toBe(1);
    expect(evaluateOnChip(q, data, T).accuracy).toBeGreaterThan(0.8);
  });
});

describe('CUBA-LIF under Lava timing', () => {
  it('without biases the output counts equal same-step timing: the decaying current of the tail steps never reaches the output', () => {
    // Lava delays each layer by a step and runs T + L steps; a hidden layer's current still
    // decays (and may fire) after its input window, but those spikes arrive after the output's window.
    const model = cubaMlp([16, 12, 4], 8);
    const q = quantizeNetwork(readFloatNetwork(model, [16]), { inputBits: 4 });
    const sim = new LoihiNetwork(q.spec);
    const xs = randomInputs(10, 16, 3);
    let spikes = 0;
    for (let s = 0; s < 10; s++) {
      const p = encodeInput(q, xs.subarray(s * 16, (s + 1) * 16));
      const lava = sim.run(p, 8).counts[1];
      spikes += lava.reduce((a, b) => a + b, 0);
      expect(Array.from(lava)).toEqual(Array.from(sim.run(p, 8, { lavaTiming: false }).counts[1]));
    }
    expect(spikes).toBeGreaterThan(5);
  });
});

describe('netx export of CUBA-LIF layers', () => {
  it('writes iDecay = 4096/τ_syn and vDecay = 4096/τ_mem; read back, netx builds the same simulation', async () => {
    const model = cubaMlp([20, 10, 4], 3, true);
    const rnd = makeRandom(5);
    const xs = Float32Array.from({ length: 8 * 20 }, () => rnd());
    const q = quantizeNetwork(readFloatNetwork(model, [20]), { calibration: xs, inputBits: 5 });
    const file = path.join(tmp(), 'cuba.net');
    await writeNetx(file, q, { timeSteps: 8 });
    const back = await readNetx(file);
    expect(back.layers.map((l) => l.neuron)).toMatchObject([
      { type: 'CUBA', iDecay: 2048, vDecay: 1024 }, // τ_syn 2, τ_mem 4
      { type: 'CUBA', iDecay: 1365, vDecay: 2048 }, // τ_syn 3 (4096/3 rounded), τ_mem 2
    ]);
    const spec = netxToNetwork(back);
    expect(spec.layers.map((l) => [l.neuron.du, l.neuron.dv, l.neuron.vth])).toEqual(q.spec.layers.map((l) => [l.neuron.du, l.neuron.dv, l.neuron.vth]));
    expect(expectSameSimulation(q, spec, xs, 8)).toBeGreaterThan(0);
  });
});

describe('NIR CubaLIF', () => {
  it('exports tau_syn = dt·τ_syn, tau_mem = dt·τ_mem, r = τ_mem, w_in = τ_syn, v_leak 0 (Euler, dt = 1e-4)', async () => {
    const model = cubaMlp([6, 4, 2], 2);
    const file = path.join(tmp(), 'cuba.nir');
    await writeNir(file, toNirGraph(readFloatNetwork(model, [6])));
    const g = await readNir(file);
    expect(g.edges).toEqual(chainEdges('fc0', 'lif0', 'fc1', 'lif1'));
    expect(g.nodes.lif0.type).toBe('CubaLIF');
    const p = g.nodes.lif0.params as Record<string, { data: Float32Array; shape: number[] }>;
    expect(p.tau_syn.shape).toEqual([4]);
    expect(p.tau_syn.data[0]).toBeCloseTo(2 * NIR_DT, 10);
    expect(p.tau_mem.data[0]).toBeCloseTo(4 * NIR_DT, 10);
    expect(p.r.data[0]).toBeCloseTo(4, 6); // 1/(1 − β), β = 0.75
    expect(p.w_in.data[0]).toBeCloseTo(2, 6); // 1/(1 − α), α = 0.5
    expect(Array.from(p.v_leak.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(p.v_reset.data)).toEqual([0, 0, 0, 0]);
    expect((g.nodes.lif1.params.v_threshold as { data: Float32Array }).data[0]).toBeCloseTo(0.8, 6);
  });

  for (const [label, shape] of [
    ['vector input', [12]],
    ['image input [H, W, C] = [2, 3, 2]', [2, 3, 2]],
  ] as const) {
    it(`export → import round trip gives identical spikes on random inputs (${label})`, async () => {
      const inF = shape.reduce((a, b) => a * b, 1);
      const rnd = makeRandom(31);
      const layers: Module[] = shape.length > 1 ? [new Flatten()] : [];
      const model = new Sequential(
        ...layers,
        linear(inF, 7, rnd, 1.2, true),
        new TestCubaLif(2.5, 3),
        linear(7, 3, rnd, 1.5, false),
        new TestCubaLif(1, 5, { vThreshold: 0.7 }),
      ).eval();
      const file = path.join(tmp(), 'rt.nir');
      await writeNir(file, toNirGraph(readFloatNetwork(model, shape)));
      const { model: imported, inputShape } = nirToNetwork(await readNir(file), testNeuronFactory);
      expect(inputShape).toEqual([...shape]);
      const neurons = imported
        .namedChildren()
        .map(([, m]) => m)
        .filter((m): m is TestCubaLif => m instanceof TestCubaLif);
      expect(neurons.map((m) => [m.tauSyn, m.tauMem].map((t) => Number(t.toFixed(5))))).toEqual([
        [2.5, 3],
        [1, 5],
      ]);
      expect(expectSameSpikes(model, imported, [8, 6, ...shape], () => rnd() * 1.5)).toBeGreaterThan(5);
    });
  }

  it('imports a CubaLIF with other w_in and r by folding (1 − α)·w_in·(1 − β)·r into the weights', () => {
    const arr = (v: number[]) => ({ data: Float32Array.from(v), shape: [v.length] });
    const graph: NirGraph = {
      version: '1.0.7',
      edges: [
        ['input', 'fc'],
        ['fc', 'cuba'],
        ['cuba', 'output'],
      ],
      nodes: {
        input: { type: 'Input', params: { shape: { data: Float64Array.from([2]), shape: [1] } } },
        fc: { type: 'Linear', params: { weight: { data: Float32Array.from([1, 2]), shape: [1, 2] } } },
        // The continuous-time model taken literally (w_in = r = 1): τ_syn = 2, τ_mem = 4 steps,
        // so each step adds (1/2)·(1/4) of the input to the voltage: the weights scale by 1/8.
        cuba: { type: 'CubaLIF', params: { tau_syn: arr([2e-4]), tau_mem: arr([4e-4]), r: arr([1]), v_leak: arr([0]), v_threshold: arr([0.5]), w_in: arr([1]) } },
        output: { type: 'Output', params: { shape: { data: Float64Array.from([1]), shape: [1] } } },
      },
    };
    const { model } = nirToNetwork(graph, testNeuronFactory);
    const [lin, neuron] = model.namedChildren().map(([, m]) => m) as [Linear, TestCubaLif];
    const w = Array.from(lin.weight.dataSync());
    expect(w[0]).toBeCloseTo(0.125, 6);
    expect(w[1]).toBeCloseTo(0.25, 6);
    expect([neuron.tauSyn, neuron.tauMem, neuron.vThreshold, neuron.vReset]).toEqual([expect.closeTo(2, 5), expect.closeTo(4, 5), 0.5, 0]);
    const bad = structuredClone(graph) as NirGraph;
    (bad.nodes.cuba.params as Record<string, unknown>).tau_syn = arr([0.5e-4]);
    expect(() => nirToNetwork(bad, testNeuronFactory)).toThrow(/tau_syn\/dt = 0\.\d+ must be at least 1/);
  });

  it('a time constant of ∞ (no decay) has no NIR CubaLIF and is refused', () => {
    const model = new Sequential(linear(3, 2, makeRandom(1), 1, false), new TestCubaLif(2, Infinity));
    expect(() => toNirGraph(readFloatNetwork(model, [3]))).toThrow(/finite time constants/);
    // A plain LIF network still exports LIF nodes.
    const lif = new Sequential(linear(3, 2, makeRandom(1), 1, false), new TestLif(2));
    expect(toNirGraph(readFloatNetwork(lif, [3])).nodes.lif0.type).toBe('LIF');
  });
});
