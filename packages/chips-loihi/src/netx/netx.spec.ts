import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import h5wasm, { type Group as H5Group } from 'h5wasm/node';
import { readNetx } from './read-netx.js';
import { writeNetx } from './write-netx.js';
import { netxToNetwork, optimizeWeightBits } from './netx-to-network.js';
import { quantizeNetwork, encodeInput } from '../quantize/quantize.js';
import { LoihiNetwork } from '../simulator/loihi-network.js';
import { LoihiLif } from '../simulator/loihi-lif.js';
import { makeRandom, randomFloatNetwork, randomInputs } from '../test-utils/fixtures.js';
import { historyDrive } from '../test-utils/history-drive.js';
import { expectSameSimulation } from '../test-utils/same-spikes.js';
import type { NetxFile, NetxLayer } from './netx-file.js';

const NETX_DIR = process.env.SPIKEFLOW_NETX_DIR ?? fileURLToPath(new URL('../../../../../shared/data/netx', import.meta.url));
const haveShared = existsSync(path.join(NETX_DIR, 'mnist_trained_mnist_network.net'));
if (!haveShared) console.warn(`skipping the real lava-dl netx file tests: ${NETX_DIR} has no .net files`);
const tmp = () => tempDir('loihi-netx-');

/** Raw HDF5 type facts of every dataset under /layer/0 (class, size, rank), for layout comparison. */
async function layout(file: string): Promise<Map<string, string>> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'r');
  const out = new Map<string, string>();
  const walk = (g: H5Group, p: string) => {
    for (const k of g.keys()) {
      const e = g.get(k);
      if (e instanceof h5wasm.Group) walk(e, `${p}/${k}`);
      else if (e instanceof h5wasm.Dataset) {
        const m = e.metadata;
        out.set(`${p}/${k}`, `class=${m.type} size=${m.vlen ? 'vlen' : m.size} rank=${(m.shape ?? []).length} signed=${m.signed}`);
      }
    }
  };
  walk(f.get('layer/0') as H5Group, '');
  f.close();
  return out;
}

describe.skipIf(!haveShared)('reading real lava-dl netx files', () => {
  it('tiny.net: input → conv → conv with LOIHI neurons, conv fields and (out, in, kH, kW, 1) weights', async () => {
    const net = await readNetx(path.join(NETX_DIR, 'tiny.net'));
    expect(net.layers.map((l) => l.type)).toEqual(['input', 'conv', 'conv']);
    expect(net.layers.map((l) => l.shape)).toEqual([
      [3, 16, 16],
      [24, 6, 6],
      [36, 1, 1],
    ]);
    expect(net.layers[1].weight?.shape).toEqual([24, 3, 5, 5, 1]);
    expect(net.layers[1].fields.stride).toEqual([2, 2]);
    expect(net.layers[1].fields.groups).toBe(1);
    expect(net.layers[1].neuron?.type).toBe('LOIHI');
    expect(net.layers[1].neuron?.vThMant).toBe(25);
    expect(() => netxToNetwork(net)).toThrow(/layer 0 has type 'input'/);
  });

  it('mnist network: three dense CUBA layers with integer-valued weights, mapped as netx does', async () => {
    const net = await readNetx(path.join(NETX_DIR, 'mnist_trained_mnist_network.net'));
    expect(net.layers.map((l) => [l.type, ...l.shape])).toEqual([
      ['dense', 128],
      ['dense', 64],
      ['dense', 10],
    ]);
    expect(net.layers[0].weight?.shape).toEqual([128, 784]);
    expect(net.layers[0].weight?.data.every((x) => Number.isInteger(x) && x >= -256 && x <= 254)).toBe(true);
    expect(net.layers[0].neuron).toMatchObject({ type: 'CUBA', iDecay: 410, vDecay: 410, vThMant: 64, refDelay: 1 });
    const spec = netxToNetwork(net);
    expect(spec.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([
      [784, 128],
      [128, 64],
      [64, 10],
    ]);
    expect(spec.layers[0].neuron).toMatchObject({ du: 409, dv: 410, vth: 64, biasExp: 6 });
    // The simulator runs the real network: binary input spikes through all three layers.
    const sim = new LoihiNetwork(spec);
    const input = Array.from({ length: 784 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const r = sim.run(input, 16);
    expect(r.counts[0].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(r.wraps).toBe(0);
  });

  it('pilotnet: conv stack, flatten and dense layers are all listed in order', async () => {
    const net = await readNetx(path.join(NETX_DIR, 'gts_pilotnet_lif_network.net'));
    expect(net.layers[0].type).toBe('input');
    expect(net.layers.filter((l) => l.type === 'conv')).toHaveLength(5);
    expect(net.layers.filter((l) => l.type === 'flatten')).toHaveLength(1);
    expect(net.layers.filter((l) => l.type === 'dense')).toHaveLength(4);
  });

  it('our writer uses the same datasets, HDF5 classes, sizes and ranks as a lava-dl dense layer', async () => {
    const q = quantizeNetwork(randomFloatNetwork([20, 6, 3], 5));
    const file = path.join(tmp(), 'net.net');
    await writeNetx(file, q);
    const real = await layout(path.join(NETX_DIR, 'mnist_trained_mnist_network.net'));
    const ours = await layout(file);
    real.delete('/neuron/gradedSpike'); // h5py's bool enum; we write int8 (netx does not read it)
    ours.delete('/neuron/gradedSpike');
    expect(ours).toEqual(real);
  });
});

describe('netx export round trip', () => {
  it('export → read back with h5wasm → identical parameters and identical simulation', async () => {
    const q = quantizeNetwork(randomFloatNetwork([30, 12, 4], 7, { bias: true, scale: 8 }), { inputBits: 6 });
    const file = path.join(tmp(), 'mlp.net');
    await writeNetx(file, q, { timeSteps: 8 });
    const back = await readNetx(file);
    expect(back.attrs).toMatchObject({ producer: 'spikeflow', input_message_bits: 6, time_steps: 8 });
    expect(back.layers.map((l) => l.type)).toEqual(['dense', 'dense']);
    back.layers.forEach((l, i) => {
      const src = q.spec.layers[i];
      expect(l.shape).toEqual([src.outFeatures]);
      expect(l.weight?.shape).toEqual([src.outFeatures, src.inFeatures]);
      expect(Array.from(l.weight!.data)).toEqual(Array.from(src.weights));
      expect(Array.from(l.bias!.data)).toEqual(Array.from(src.neuron.biasMant as Int32Array));
      expect(l.neuron).toMatchObject({ type: 'CUBA', iDecay: src.neuron.du + 1, vDecay: src.neuron.dv, vThMant: src.neuron.vth });
    });
    // netx re-derives weight bits and exponent; the effective weights must be unchanged.
    const spec = netxToNetwork(back);
    spec.layers.forEach((l, i) => {
      const eff = Array.from(l.weights, (w) => w * 2 ** l.weightExp);
      expect(eff).toEqual(Array.from(q.spec.layers[i].weights));
    });
    // Output spikes exist, so the comparison means something.
    expect(expectSameSimulation(q, spec, randomInputs(5, 30, 3), 8)).toBeGreaterThan(0);
  });

  it('1-bit input is stored as netx unary input (input_message_bits 0), as Loihi 1 needs', async () => {
    const q = quantizeNetwork(randomFloatNetwork([6, 3], 2), { inputBits: 1 });
    const file = path.join(tmp(), 'bin.net');
    await writeNetx(file, q);
    const back = await readNetx(file);
    expect(back.attrs.input_message_bits).toBe(0);
    const spec = netxToNetwork(back);
    expect(spec.inputMessageBits).toBe(0);
    expect(() => new LoihiNetwork(spec).run([1, 0, 1, 1, 0, 2], 2)).toThrow(/binary spike/);
  });

  it('writes atomically: a failed export leaves no file behind', async () => {
    const q = quantizeNetwork(randomFloatNetwork([5, 3], 1));
    const bad = { ...q, spec: { ...q.spec, layers: [{ ...q.spec.layers[0], neuron: { ...q.spec.layers[0].neuron, biasExp: 3 } }] } };
    const dir = tmp();
    await expect(writeNetx(path.join(dir, 'x.net'), bad)).rejects.toThrow(/bias exponent at 6/);
    expect(existsSync(path.join(dir, 'x.net'))).toBe(false);
  });

  it('typed errors for a missing, a non-HDF5 and a truncated file', async () => {
    const dir = tmp();
    await expectSpikeflowError(readNetx(path.join(dir, 'none.net')), 'dataset-missing');
    writeFileSync(path.join(dir, 'text.net'), 'hello, not hdf5');
    await expectSpikeflowError(readNetx(path.join(dir, 'text.net')), 'format-unknown');
    const good = path.join(dir, 'good.net');
    await writeNetx(good, quantizeNetwork(randomFloatNetwork([50, 20], 2)));
    writeFileSync(path.join(dir, 'cut.net'), readFileSync(good).subarray(0, 600));
    await expectSpikeflowError(readNetx(path.join(dir, 'cut.net')), 'file-truncated');
  });
});

describe("netx's optimize_weight_bits (hand cases)", () => {
  it('full-range mixed even weights: no shift, 8 bits, exponent 0', () => {
    const o = optimizeWeightBits([254, -256, 2, 0]);
    expect(o).toMatchObject({ signMode: 'mixed', numWeightBits: 8, weightExp: 0 });
    expect(Array.from(o.weights)).toEqual([254, -256, 2, 0]);
  });
  it('small mixed weights are shifted up and the exponent shifts the sum back', () => {
    // max 100: scale = min(127/100, 128/50) = 1.27 → floor(log2) = 0, +1 signed → 1; all even → n = 1 − 1 = 0.
    const o = optimizeWeightBits([100, -50, 4]);
    expect(o).toMatchObject({ signMode: 'mixed', weightExp: -1, numWeightBits: 7 });
    expect(Array.from(o.weights)).toEqual([200, -100, 8]);
  });
  it('excitatory and inhibitory matrices', () => {
    expect(optimizeWeightBits([3, 5, 255])).toMatchObject({ signMode: 'excitatory', weightExp: 0, numWeightBits: 8 });
    // −256/−128 = 2 → scale_bits 1; multiples of 64 → n = 6; bits = 8 − 1 − 6 = 1
    expect(optimizeWeightBits([-64, -128])).toMatchObject({ signMode: 'inhibitory', weightExp: -1, numWeightBits: 1 });
    expect(Array.from(optimizeWeightBits([-64, -128]).weights)).toEqual([-128, -256]);
  });
  it('clips out-of-range mixed weights to [−256, 254] and truncates fractions as astype(int)', () => {
    expect(Array.from(optimizeWeightBits([300, -1.7]).weights)).toEqual([254, -1]);
  });
});

describe('netx import: the default lif-mlp export (784-512-10)', () => {
  it('imports and simulates spike for spike like the exported network', async () => {
    // The CLI's default lif-mlp: 784 → 512 → 10 LIF, no bias, 8-bit graded input.
    const q = quantizeNetwork(randomFloatNetwork([784, 512, 10], 21, { scale: 6 }));
    const file = path.join(tmp(), 'lif-mlp.net');
    await writeNetx(file, q, { timeSteps: 8 });
    const spec = netxToNetwork(await readNetx(file));
    expect(spec.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([
      [784, 512],
      [512, 10],
    ]);
    expect(expectSameSimulation(q, spec, randomInputs(3, 784, 8), 8)).toBeGreaterThan(0);
  });
});

/** A one-dense-layer netx file as plain values (what readNetx returns). */
function denseFile(weight: number[], weightShape: number[], shape: number[], extra: Partial<NetxLayer> = {}): NetxFile {
  const neuron = { type: 'CUBA', iDecay: 4096, vDecay: 0, vThMant: 10, refDelay: 1 };
  return {
    attrs: {},
    layers: [{ index: 0, type: 'dense', shape, weight: { data: Float64Array.from(weight), shape: weightShape, dtype: 'float32' }, neuron, fields: {}, ...extra }],
  };
}

describe('netx import: shapes, NaN and sign mode', () => {
  it('refuses a weight whose stored shape disagrees with the layer (a transposed (in, out) matrix)', () => {
    // 4 neurons, 6 inputs, stored as (6, 4): its 24 values would split into 4 rows of 6 unchecked.
    expectSpikeflowError(
      () => netxToNetwork(denseFile(new Array(24).fill(2), [6, 4], [4])),
      'shape-mismatch',
      /weight of shape \(6, 4\) does not fit a layer of 4 neurons; expected \(4, inFeatures\)/,
    );
    expect(netxToNetwork(denseFile(new Array(24).fill(2), [4, 6], [4])).layers[0].inFeatures).toBe(6);
  });

  it('refuses inFeatures/outFeatures fields that contradict the weight', () => {
    const f = denseFile(new Array(24).fill(2), [4, 6], [4]);
    const bad: NetxFile = { ...f, layers: [{ ...f.layers[0], fields: { inFeatures: 8, outFeatures: 4 } }] };
    expectSpikeflowError(() => netxToNetwork(bad), 'shape-mismatch', /inFeatures is 8 but the weight gives 6/);
  });

  it('a NaN weight is named as NaN, not as an all-zero matrix', () => {
    expectSpikeflowError(() => netxToNetwork(denseFile([0, Number.NaN, 0, 0], [2, 2], [2])), 'unrepresentable', /layer 0: weight \[0, 1\] is NaN/);
    expectSpikeflowError(() => optimizeWeightBits([1, Number.NaN]), 'unrepresentable', /NaN/);
  });

  it("all-non-positive weights with zeros: Lava's Dense re-derives 'inhibitory' and clips −256 to −255", () => {
    // netx calls this matrix mixed (its max 0 is not < 0); Lava's determine_sign_mode says
    // inhibitory (max ≤ 0), whose 8-bit magnitude range is [0, 255]: −256 is stored as −255.
    const spec = netxToNetwork(denseFile([-256, 0, -2, -8], [2, 2], [2]));
    expect(spec.layers[0].signMode).toBe('inhibitory');
    expect(Array.from(new LoihiNetwork(spec).synapses[0].weights)).toEqual([-255, 0, -2, -8]);
  });
});

describe('netx import: synaptic delays (lava-dl builds a DelayDense for a dense `delay`)', () => {
  it('per-neuron and per-synapse delays from the file are simulated as Lava delays them', async () => {
    const q = quantizeNetwork(randomFloatNetwork([30, 12, 4], 9, { scale: 8 }), { inputBits: 6 });
    const file = path.join(tmp(), 'delay.net');
    await writeNetx(file, q);
    const rnd = makeRandom(4);
    const perNeuron = Float32Array.from({ length: 12 }, () => Math.floor(rnd() * 4)); // layer 0: one delay per output
    const perSynapse = Float32Array.from({ length: 4 * 12 }, () => Math.floor(rnd() * 3)); // layer 1: (out, in)
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'a');
    (f.get('layer/0') as H5Group).create_dataset({ name: 'delay', data: perNeuron, shape: [12], dtype: '<f' });
    (f.get('layer/1') as H5Group).create_dataset({ name: 'delay', data: perSynapse, shape: [4, 12], dtype: '<f' });
    f.close();
    const spec = netxToNetwork(await readNetx(file));
    const d0 = spec.layers[0].kind === 'dense' ? spec.layers[0].delays : undefined;
    expect(d0 && Array.from(d0.subarray(30, 60))).toEqual(new Array(30).fill(perNeuron[1]));

    // Reference: every layer from its input history, neurons stepped one by one.
    const sim = new LoihiNetwork(spec);
    const steps = 6;
    const total = steps + 2 + Math.max(...perNeuron) + Math.max(...perSynapse);
    const reference = (input: number[]): number[][] => {
      const lifs = spec.layers.map((l) => new LoihiLif(l.outFeatures, l.neuron));
      const histories: number[][][] = [[], []];
      const counts = spec.layers.map((l) => new Array<number>(l.outFeatures).fill(0));
      for (let t = 0; t < total; t++) {
        histories[0].push(t < steps ? input : new Array<number>(30).fill(0));
        spec.layers.forEach((l, k) => {
          const delays = l.kind === 'dense' && l.delays ? l.delays : new Int32Array(l.weights.length);
          const drive = Int32Array.from(historyDrive(sim.synapses[k].weights, delays, l.outFeatures, l.inFeatures, l.weightExp, histories[k], t));
          const s = Array.from(lifs[k].step(drive));
          s.forEach((x, o) => (counts[k][o] += x));
          if (k + 1 < spec.layers.length) histories[k + 1].push(s);
        });
      }
      return counts;
    };
    const undelayed = new LoihiNetwork({ ...spec, layers: spec.layers.map((l) => ({ ...l, delays: undefined })) });
    const xs = randomInputs(4, 30, 6);
    let differs = false;
    let spikes = 0;
    for (let s = 0; s < 4; s++) {
      const p = encodeInput(q, xs.subarray(s * 30, (s + 1) * 30));
      const want = reference(Array.from(p));
      const got = sim.run(p, steps);
      expect(got.steps).toBe(total);
      expect(got.counts.map((c) => Array.from(c))).toEqual(want);
      spikes += want[1].reduce((a, b) => a + b, 0);
      if (JSON.stringify(undelayed.run(p, steps).counts.map((c) => Array.from(c))) !== JSON.stringify(want)) differs = true;
    }
    expect(spikes).toBeGreaterThan(0);
    expect(differs).toBe(true); // dropping the delays would change the spikes
  });

  it('a scalar delay and a per-input delay expand as netx expands them', () => {
    const scalar = netxToNetwork(denseFile([2, 4, 6, 8, 10, 12], [2, 3], [2], { delay: { data: Float64Array.from([3]), shape: [], dtype: 'int64' } }));
    expect(Array.from((scalar.layers[0] as { delays?: Int32Array }).delays ?? [])).toEqual([3, 3, 3, 3, 3, 3]);
    const perInput = netxToNetwork(denseFile([2, 4, 6, 8, 10, 12], [2, 3], [2], { delay: { data: Float64Array.from([1, 0, 2.7]), shape: [3], dtype: 'float32' } }));
    expect(Array.from((perInput.layers[0] as { delays?: Int32Array }).delays ?? [])).toEqual([1, 0, 2, 1, 0, 2]);
  });

  it('refuses delays netx would clamp, negative ones, mis-shaped ones and conv delays, naming the layer', () => {
    const withDelay = (data: number[], shape: number[]) => () =>
      netxToNetwork(denseFile([2, 4, 6, 8, 10, 12], [2, 3], [2], { delay: { data: Float64Array.from(data), shape, dtype: 'float32' } }));
    expectSpikeflowError(withDelay([63], []), 'unrepresentable', /dense layer 0: delay\[0\] = 63; synaptic delays must be in \[0, 62\]/);
    expectSpikeflowError(withDelay([-1, 0], [2]), 'unrepresentable');
    expectSpikeflowError(withDelay([Number.NaN], []), 'unrepresentable');
    expectSpikeflowError(withDelay([1, 1, 1, 1], [4]), 'shape-mismatch', /delay of shape \(4\) fits neither 2 neurons, 3 inputs/);
    const conv: NetxFile = {
      attrs: {},
      layers: [
        { index: 0, type: 'input', shape: [1, 3, 3], fields: {} },
        {
          index: 1,
          type: 'conv',
          shape: [1, 1, 1],
          weight: { data: Float64Array.from(new Array(9).fill(2)), shape: [1, 1, 3, 3, 1], dtype: 'float32' },
          delay: { data: Float64Array.from([1]), shape: [1], dtype: 'float32' },
          neuron: { type: 'CUBA', iDecay: 4096, vDecay: 0, vThMant: 10 },
          fields: {},
        },
      ],
    };
    expectSpikeflowError(() => netxToNetwork(conv), 'not-supported', /conv layer 1 has synaptic delays/);
  });
});
