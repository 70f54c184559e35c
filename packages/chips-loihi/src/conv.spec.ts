import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@spikeflow/testing';
import h5wasm, { type Group as H5Group } from 'h5wasm/node';
import { AvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Sequential, tf, type Module } from '@spikeflow/core';
import { ConvSynapse, signedWrap } from './simulator/conv-synapse.js';
import { LoihiNetwork } from './simulator/loihi-network.js';
import { readFloatNetwork } from './quantize/float-network.js';
import { encodeInput, layerDrive, quantizeNetwork, toChipOrder } from './quantize/quantize.js';
import { writeNetx } from './netx/write-netx.js';
import { readNetx } from './netx/read-netx.js';
import { netxToNetwork } from './netx/netx-to-network.js';
import { toNirGraph, writeNir } from './nir/write-nir.js';
import { readNir } from './nir/read-nir.js';
import { nirToNetwork } from './nir/nir-to-network.js';
import { resourceReport } from './resources/resource-report.js';
import { LOIHI1_LIMITS, LOIHI2_LIMITS } from './resources/loihi-limits.js';
import { TestLif, makeRandom, randomInputs, setRandomWeights, testNeuronFactory } from './test-utils/fixtures.js';
import { chainEdges, expectSameSimulation, expectSameSpikes } from './test-utils/same-spikes.js';

const tmp = () => tempDir('loihi-conv-');
const NETX_DIR = process.env.SPIKEFLOW_NETX_DIR ?? fileURLToPath(new URL('../../../../shared/data/netx', import.meta.url));

/** Conv(2→3, 3×3, pad 1) → BN → LIF → AvgPool 2 → Flatten → Linear(12→4) → LIF on a [4, 4, 2] image. */
function convNet(seed: number): Module {
  const net = new Sequential(new Conv2d(2, 3, 3, { padding: 1 }), new BatchNorm2d(3), new TestLif(2), new AvgPool2d(2), new Flatten(), new Linear(12, 4), new TestLif(2));
  setRandomWeights(net, seed, 1.2);
  return net.eval();
}

describe('ConvSynapse (hand-computed, Lava fixed-point Conv)', () => {
  it('cross-correlates CHW inputs with [out, in, kH, kW] kernels, stride and padding', () => {
    // 1 channel 3×3 input, kernel [[1, 2], [3, 4]], stride 1, no padding → 2×2 output.
    const syn = new ConvSynapse(Int32Array.from([1, 2, 3, 4]), { inShape: [1, 3, 3], outShape: [1, 2, 2], kernel: [2, 2], stride: [1, 1], padding: [0, 0] });
    // s = [[1,0,2],[0,1,0],[3,0,1]]: out(0,0) = 1·1 + 2·0 + 3·0 + 4·1 = 5; (0,1) = 1·0 + 2·2 + 3·1 + 4·0 = 7;
    // (1,0) = 1·0 + 2·1 + 3·3 + 4·0 = 11; (1,1) = 1·1 + 2·0 + 3·0 + 4·1 = 5
    expect(Array.from(syn.accumulate([1, 0, 2, 0, 1, 0, 3, 0, 1]))).toEqual([5, 7, 11, 5]);
    // padding 1, stride 2 on the same input: 2×2 output, windows start at (−1, −1): out(0,0) = 4·s(0,0) = 4
    const pad = new ConvSynapse(Int32Array.from([1, 2, 3, 4]), { inShape: [1, 3, 3], outShape: [1, 2, 2], kernel: [2, 2], stride: [2, 2], padding: [1, 1] });
    // (0,1): rows −1..0, cols 1..2 → 3·s(0,1) + 4·s(0,2) = 0 + 8; (1,0): rows 1..2, cols −1..0 → 2·s(1,0) + 4·s(2,0) = 12; (1,1): 1·s(1,1) + 2·s(1,2) + 3·s(2,1) + 4·s(2,2) = 1 + 0 + 0 + 4
    expect(Array.from(pad.accumulate([1, 0, 2, 0, 1, 0, 3, 0, 1]))).toEqual([4, 8, 12, 5]);
  });
  it("wraps the accumulation to signed 24 bits as Lava's signed_clamp", () => {
    expect(signedWrap(2 ** 23, 24)).toBe(-(2 ** 23));
    expect(signedWrap(2 ** 23 - 1, 24)).toBe(2 ** 23 - 1);
    expect(signedWrap(-(2 ** 23) - 1, 24)).toBe(2 ** 23 - 1);
    const syn = new ConvSynapse(Int32Array.from([256]), { inShape: [1, 1, 1], outShape: [1, 1, 1], kernel: [1, 1], stride: [1, 1], padding: [0, 0] });
    expect(syn.accumulate([2 ** 15])[0]).toBe(-(2 ** 23)); // 256·2^15 = 2^23 wraps
  });
  it("rejects a weight exponent (Lava's Conv has none) and inconsistent geometry", () => {
    const g = { inShape: [1, 2, 2] as const, outShape: [1, 1, 1] as const, kernel: [2, 2] as const, stride: [1, 1] as const, padding: [0, 0] as const };
    expect(() => new ConvSynapse([1, 1, 1, 1], g, { weightExp: 1 })).toThrow(/no weight exponent/);
    expect(() => new ConvSynapse([1, 1, 1, 1], { ...g, outShape: [1, 2, 2] })).toThrow(/does not follow/);
  });
});

describe('conv networks', () => {
  it('readFloatNetwork: conv weights to [out, in, kH, kW], BN folded, the pool folded into the Linear', () => {
    const model = convNet(3);
    const net = readFloatNetwork(model, [4, 4, 2]);
    expect(net.layers.map((l) => [l.kind, l.inFeatures, l.outFeatures])).toEqual([
      ['conv', 32, 48],
      ['dense', 48, 4],
    ]);
    const rnd = makeRandom(8);
    const x = Float32Array.from({ length: 32 }, () => rnd());
    // Conv + BN drive from tf (NHWC) against layerDrive (CHW) + folded bias.
    const conv = model.namedChildren()[0][1];
    const bn = model.namedChildren()[1][1];
    const want = tf.tidy(() => Array.from(bn.forward(conv.forward(tf.tensor(x, [1, 1, 4, 4, 2]))).dataSync())); // NHWC [4, 4, 3]
    const l0 = net.layers[0];
    const got = layerDrive(l0, l0.weight, toChipOrder([4, 4, 2], x));
    for (let c = 0; c < 3; c++) for (let i = 0; i < 16; i++) expect(got[c * 16 + i] + l0.bias![c]).toBeCloseTo(want[i * 3 + c], 4);
    // AvgPool → Flatten → Linear on a spike map (NHWC [4, 4, 3]) against the folded dense layer (CHW input).
    const spikes = Float32Array.from({ length: 48 }, () => (rnd() < 0.4 ? 1 : 0));
    const [, , , pool, flatten, linear] = model.namedChildren().map(([, m]) => m);
    const wantD = tf.tidy(() => Array.from(linear.forward(flatten.forward(pool.forward(tf.tensor(spikes, [1, 1, 4, 4, 3])))).dataSync()));
    const l1 = net.layers[1];
    const gotD = layerDrive(l1, l1.weight, toChipOrder([4, 4, 3], spikes));
    for (let o = 0; o < 4; o++) expect(gotD[o] + l1.bias![o]).toBeCloseTo(wantD[o], 4);
  });

  it('MaxPool on spikes is refused, naming the layer', () => {
    const model = new Sequential(new Conv2d(1, 2, 3), new TestLif(), new MaxPool2d(2), new Flatten(), new Linear(2, 2), new TestLif());
    expect(() => readFloatNetwork(model, [4, 4, 1])).toThrow(/layer '2' \(MaxPool2d/);
  });

  it('the bit-accurate chip model agrees with the float conv network on most spike counts', () => {
    const model = convNet(4);
    const net = readFloatNetwork(model, [4, 4, 2]);
    const rnd = makeRandom(2);
    const n = 24;
    const xs = Float32Array.from({ length: n * 32 }, () => rnd());
    const q = quantizeNetwork(net, { calibration: xs, inputBits: 6 });
    const sim = new LoihiNetwork(q.spec);
    const floatOut = tf.tidy(() => Array.from(tf.sum(model.forward(tf.tile(tf.tensor(xs, [1, n, 4, 4, 2]), [8, 1, 1, 1, 1])), 0).dataSync()));
    expect(floatOut.reduce((a, v) => a + v, 0)).toBeGreaterThan(20); // the comparison is not vacuous
    let close = 0;
    let total = 0;
    for (let s = 0; s < n; s++) {
      const counts = sim.run(encodeInput(q, xs.subarray(s * 32, (s + 1) * 32)), 8).counts[1];
      for (let o = 0; o < 4; o++) {
        total++;
        if (Math.abs(counts[o] - floatOut[s * 4 + o]) <= 1) close++;
      }
    }
    expect(close / total).toBeGreaterThan(0.85);
  });

  it('netx: input + conv + flatten + dense layers round-trip to an identical simulation', async () => {
    const q = quantizeNetwork(readFloatNetwork(convNet(7), [4, 4, 2]), { inputBits: 5 });
    const file = path.join(tmp(), 'conv.net');
    await writeNetx(file, q);
    const back = await readNetx(file);
    expect(back.layers.map((l) => [l.type, ...l.shape])).toEqual([
      ['input', 2, 4, 4],
      ['conv', 3, 4, 4],
      ['flatten', 1, 1, 48],
      ['dense', 4],
    ]);
    expect(back.layers[1].weight?.shape).toEqual([3, 2, 3, 3, 1]);
    expect(back.layers[1].fields).toMatchObject({ stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1, inChannels: 2, outChannels: 3, kernelSize: [3, 3] });
    expect(expectSameSimulation(q, netxToNetwork(back), randomInputs(4, 32, 4), 8)).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(path.join(NETX_DIR, 'tiny.net')))("netx: our conv layer has the datasets and HDF5 types of lava-dl's (tiny.net layer 1)", async () => {
    const q = quantizeNetwork(readFloatNetwork(convNet(7), [4, 4, 2]), { inputBits: 5 });
    const file = path.join(tmp(), 'conv.net');
    await writeNetx(file, q);
    await h5wasm.ready;
    const facts = (f: string, layer: string) => {
      const h = new h5wasm.File(f, 'r');
      const g = h.get(`layer/${layer}`) as H5Group;
      const out: Record<string, string> = {};
      for (const k of g.keys()) {
        const e = g.get(k);
        if (e instanceof h5wasm.Dataset) out[k] = `class=${e.metadata.type} size=${e.metadata.size} rank=${(e.metadata.shape ?? []).length}`;
      }
      h.close();
      return out;
    };
    expect(facts(file, '1')).toEqual(facts(path.join(NETX_DIR, 'tiny.net'), '1'));
  });

  it('NIR: Conv2d → LIF → AvgPool2d (as SumPool2d) → Affine exports and imports with identical spikes', async () => {
    const model = convNet(7);
    const file = path.join(tmp(), 'conv.nir');
    await writeNir(file, toNirGraph(readFloatNetwork(model, [4, 4, 2])));
    const g = await readNir(file);
    expect(g.edges).toEqual(chainEdges('conv0', 'lif0', 'pool1', 'flatten', 'fc1', 'lif1'));
    expect(g.nodes.conv0.type).toBe('Conv2d');
    const { model: imported } = nirToNetwork(g, testNeuronFactory);
    const rnd = makeRandom(12);
    // The imported pool is AvgPool2d with 2·2 folded into the Affine weights (/4 on export), so float sums may differ in the last bits; spikes must not.
    expect(expectSameSpikes(model, imported, [6, 5, 4, 4, 2], () => rnd() * 4)).toBeGreaterThan(0);
  });

  it('resources: conv kernels are shared on Loihi 2 and stored per connection on Loihi 1', () => {
    const q = quantizeNetwork(readFloatNetwork(convNet(7), [4, 4, 2]), { inputBits: 5 });
    const l2 = resourceReport(q.spec, LOIHI2_LIMITS).layers[0];
    const l1 = resourceReport(q.spec, LOIHI1_LIMITS).layers[0];
    expect(l2).toMatchObject({ compartments: 48, synapses: 48 * 18, synapticBytes: 3 * 18 });
    expect(l1).toMatchObject({ synapses: 48 * 18, synapticBytes: 48 * 18 });
  });
});
