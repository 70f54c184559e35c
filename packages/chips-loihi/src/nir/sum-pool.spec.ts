// NIR SumPool2d: spikeflow's AvgPool2d is exported as SumPool2d followed by the Affine/Linear with
// its weights / k², and a SumPool2d is imported as AvgPool2d with k_h·k_w folded into the next
// synaptic weights.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { AvgPool2d, Conv2d, Flatten, Linear, Sequential, tf, type Module } from '@spikeflow/core';
import { readFloatNetwork } from '../quantize/float-network.js';
import { toNirGraph, writeNir } from './write-nir.js';
import { readNir } from './read-nir.js';
import { nirToNetwork } from './nir-to-network.js';
import { NIR_DT, type NirGraph, type NirNode } from './nir-graph.js';
import { TestCubaLif, TestLif, makeRandom, setRandomWeights, testNeuronFactory } from '../test-utils/fixtures.js';
import { chainEdges, expectSameSpikes, spikesOf } from '../test-utils/same-spikes.js';

const tmp = () => tempDir('loihi-pool-');
const ints = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });
const floats = (v: number[], shape = [v.length]) => ({ data: Float32Array.from(v), shape });

/** Conv(2→3, 3×3, pad 1) → neuron → AvgPool 2 → Flatten → Linear(12→4) → neuron on [4, 4, 2]. */
function pooledNet(cuba: boolean, seed: number): Module {
  const neuron = (i: number) => (cuba ? new TestCubaLif(2, 3 + i) : new TestLif(2));
  const net = new Sequential(new Conv2d(2, 3, 3, { padding: 1 }), neuron(0), new AvgPool2d(2), new Flatten(), new Linear(12, 4), neuron(1));
  setRandomWeights(net, seed, 1.2);
  return net.eval();
}

describe('NIR SumPool2d export', () => {
  it('AvgPool2d(2) → Flatten → Linear becomes SumPool2d(k = s = 2, p = 0) → Flatten → Affine with W/4', async () => {
    const model = pooledNet(false, 3);
    const file = path.join(tmp(), 'pool.nir');
    await writeNir(file, toNirGraph(readFloatNetwork(model, [4, 4, 2])));
    const g = await readNir(file);
    expect(g.edges).toEqual(chainEdges('conv0', 'lif0', 'pool1', 'flatten', 'fc1', 'lif1'));
    expect(g.nodes.pool1.type).toBe('SumPool2d');
    const p = g.nodes.pool1.params as Record<string, { data: Float64Array }>;
    expect([p.kernel_size, p.stride, p.padding].map((v) => Array.from(v.data))).toEqual([
      [2, 2],
      [2, 2],
      [0, 0],
    ]);
    expect(Array.from((g.nodes.flatten.params.input_type as { data: Float64Array }).data)).toEqual([3, 2, 2]);
    const fc = g.nodes.fc1.params.weight as { data: Float32Array; shape: number[] };
    expect(fc.shape).toEqual([4, 12]);
    // spikeflow's Linear weight is [in = 12 (pooled HWC: (y·2 + x)·3 + c), out = 4]; NIR's [out, (c·2 + y)·2 + x] / 4.
    const w = (model.namedChildren()[4][1] as Linear).weight.dataSync();
    for (let o = 0; o < 4; o++)
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < 2; y++)
          for (let x = 0; x < 2; x++) {
            expect(fc.data[o * 12 + (c * 2 + y) * 2 + x]).toBeCloseTo(w[((y * 2 + x) * 3 + c) * 4 + o] / 4, 6);
          }
  });

  for (const cuba of [false, true]) {
    it(`export → import gives identical spikes on random inputs (${cuba ? 'CUBA-LIF' : 'LIF'} neurons)`, async () => {
      const model = pooledNet(cuba, 9);
      const file = path.join(tmp(), 'rt.nir');
      await writeNir(file, toNirGraph(readFloatNetwork(model, [4, 4, 2])));
      const { model: imported, inputShape } = nirToNetwork(await readNir(file), testNeuronFactory);
      expect(inputShape).toEqual([4, 4, 2]);
      const pool = imported
        .namedChildren()
        .map(([, m]) => m)
        .find((m): m is AvgPool2d => m instanceof AvgPool2d);
      expect(pool && [pool.kernelSize, pool.stride, pool.padding]).toEqual([
        [2, 2],
        [2, 2],
        [0, 0],
      ]);
      const rnd = makeRandom(12);
      // Output spikes exist: the comparison is not vacuous.
      expect(expectSameSpikes(model, imported, [8, 6, 4, 4, 2], () => rnd() * 4)).toBeGreaterThan(5);
    });
  }
});

/** Input [1, 4, 4] → pool (k 3, s 2, p 1: 2×2 out) → Flatten → Linear [2, 4] → IF → Output. */
function pooledGraph(poolType: 'SumPool2d' | 'AvgPool2d', weights: number[], threshold: number): NirGraph {
  const nodes: Record<string, NirNode> = {
    input: { type: 'Input', params: { shape: ints([1, 4, 4]) } },
    pool: { type: poolType, params: { kernel_size: ints([3, 3]), stride: ints([2, 2]), padding: ints([1, 1]) } },
    flatten: { type: 'Flatten', params: { start_dim: 0, end_dim: -1, input_type: ints([1, 2, 2]) } },
    fc: { type: 'Linear', params: { weight: floats(weights, [2, 4]) } },
    // NIR's IF integrates dv/dt = R·I: R = 1/dt makes one step add exactly the input.
    if: { type: 'IF', params: { r: floats([1 / NIR_DT, 1 / NIR_DT]), v_threshold: floats([threshold, threshold]), v_reset: floats([0, 0]) } },
    output: { type: 'Output', params: { shape: ints([2]) } },
  };
  return {
    version: '1.0.7',
    nodes,
    edges: [
      ['input', 'pool'],
      ['pool', 'flatten'],
      ['flatten', 'fc'],
      ['fc', 'if'],
      ['if', 'output'],
    ],
  };
}

/** Plain-JS reference: zero-padded 3×3 / stride 2 window sums (÷ 9 for AvgPool2d), Linear, IF with reset to 0. */
function referenceSpikes(xs: number[][][][], weights: number[], threshold: number, divide: number): { spikes: number[]; margin: number } {
  const [T, B] = [xs.length, xs[0].length];
  const v = Array.from({ length: B }, () => [0, 0]);
  const spikes: number[] = [];
  let margin = Infinity;
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const img = xs[t][b];
      const pooled: number[] = [];
      for (let py = 0; py < 2; py++)
        for (let px = 0; px < 2; px++) {
          let s = 0;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const [y, x] = [py * 2 - 1 + ky, px * 2 - 1 + kx];
              if (y >= 0 && y < 4 && x >= 0 && x < 4) s += img[y][x];
            }
          pooled.push(s / divide);
        }
      for (let o = 0; o < 2; o++) {
        const h = v[b][o] + pooled.reduce((a, p, i) => a + weights[o * 4 + i] * p, 0);
        margin = Math.min(margin, Math.abs(h - threshold));
        const s = h >= threshold ? 1 : 0;
        v[b][o] = s ? 0 : h;
        spikes.push(s);
      }
    }
  return { spikes, margin };
}

describe('NIR SumPool2d / AvgPool2d import', () => {
  const rnd = makeRandom(21);
  const weights = Array.from({ length: 8 }, () => Math.round((rnd() * 1.6 - 0.4) * 8) / 8);
  const xs = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => Math.round(rnd() * 8) / 8))));

  for (const [poolType, divide, threshold] of [
    ['SumPool2d', 1, 3.03],
    ['AvgPool2d', 9, 305.5 / 576],
  ] as const) {
    it(`${poolType} with stride 2 and padding 1 imports to the window ${divide === 1 ? 'sums' : 'means'} a plain-JS reference computes`, () => {
      const { model, inputShape } = nirToNetwork(pooledGraph(poolType, weights, threshold), testNeuronFactory);
      expect(inputShape).toEqual([4, 4, 1]);
      const lin = model
        .namedChildren()
        .map(([, m]) => m)
        .find((m): m is Linear => m instanceof Linear)!;
      // [in, out] in spikeflow; a SumPool2d's 3·3 is folded into the weights, an AvgPool2d's is not.
      expect(lin.weight.dataSync()[0]).toBeCloseTo(weights[0] * (poolType === 'SumPool2d' ? 9 : 1), 5);
      const ref = referenceSpikes(xs, weights, threshold, divide);
      expect(ref.margin, 'no potential sits on the threshold').toBeGreaterThan(1e-4);
      const fired = ref.spikes.filter((s) => s === 1).length;
      expect(fired, 'some but not all steps fire').toBeGreaterThan(5);
      expect(fired).toBeLessThan(ref.spikes.length - 5);
      const x = tf.tensor(xs.flat(3), [6, 5, 4, 4, 1]);
      const got = spikesOf(model, x);
      x.dispose();
      expect(got).toEqual(ref.spikes);
    });
  }

  it('a SumPool2d not followed by a synaptic layer is refused, naming the node', () => {
    const g = pooledGraph('SumPool2d', weights, 1);
    const direct: NirGraph = {
      ...g,
      edges: [
        ['input', 'pool'],
        ['pool', 'if'],
        ['if', 'output'],
      ],
    };
    expectSpikeflowError(() => nirToNetwork(direct, testNeuronFactory), 'not-supported', /SumPool2d 'pool' is followed by 'if' \(IF\)/);
    const last: NirGraph = {
      ...g,
      edges: [
        ['input', 'pool'],
        ['pool', 'output'],
      ],
    };
    expect(() => nirToNetwork(last, testNeuronFactory)).toThrow(/ends with SumPool2d 'pool'/);
    // Pooling a synaptic layer's output before its neuron is not a pool of spikes.
    const conv: NirGraph = {
      version: '1.0.7',
      nodes: {
        ...g.nodes,
        conv: { type: 'Conv2d', params: { weight: floats(new Array(9).fill(0.1), [1, 1, 3, 3]), bias: floats([0]), stride: ints([1, 1]), padding: ints([1, 1]) } },
      },
      edges: [
        ['input', 'conv'],
        ['conv', 'pool'],
        ['pool', 'flatten'],
        ['flatten', 'fc'],
        ['fc', 'if'],
        ['if', 'output'],
      ],
    };
    expect(() => nirToNetwork(conv, testNeuronFactory)).toThrow(/SumPool2d 'pool' sits between a synaptic layer and its neuron/);
    const noKernel = structuredClone(g);
    delete (noKernel.nodes.pool.params as Record<string, unknown>).kernel_size;
    expect(() => nirToNetwork(noKernel, testNeuronFactory)).toThrow(/NIR 'pool' has no kernel_size/);
  });
});
