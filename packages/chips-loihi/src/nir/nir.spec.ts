import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Flatten, Linear, Sequential, SpikeflowError, tf, type Module } from '@spikeflow/core';
import { readFloatNetwork } from '../quantize/float-network.js';
import { toNirGraph, writeNir } from './write-nir.js';
import { readNir } from './read-nir.js';
import { nirToNetwork } from './nir-to-network.js';
import { NIR_DT } from './nir-graph.js';
import { TestLif, makeRandom } from '../test-utils/fixtures.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'loihi-nir-'));
const factory = (n: { tau: number; decayInput: boolean; vThreshold: number; vReset: number | null }) => new TestLif(n.tau, n.decayInput, { vThreshold: n.vThreshold, vReset: n.vReset });

function randomLinear(inF: number, outF: number, seed: number, bias: boolean): Linear {
  const rnd = makeRandom(seed);
  const l = new Linear(inF, outF, { bias });
  const entries: Array<[string, { shape: number[]; data: Float32Array }]> = [['weight', { shape: [inF, outF], data: Float32Array.from({ length: inF * outF }, () => (rnd() * 2 - 1) * 1.5) }]];
  if (bias) entries.push(['bias', { shape: [outF], data: Float32Array.from({ length: outF }, () => rnd() * 0.4 - 0.2) }]);
  l.loadStateDict(new Map(entries));
  return l;
}

function spikesOf(model: Module, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(model.forward(x).dataSync()));
}

describe('NIR export', () => {
  it('writes /version, /node/type = NIRGraph, nodes and an n×2 edge list, with the dt convention', async () => {
    const model = new Sequential(new Flatten(), randomLinear(12, 5, 1, true), new TestLif(2), randomLinear(5, 3, 2, false), new TestLif(4, false, { vThreshold: 0.5 }));
    const graph = toNirGraph(readFloatNetwork(model, [2, 3, 2]));
    const file = path.join(tmp(), 'net.nir');
    await writeNir(file, graph);
    const back = await readNir(file);
    expect(back.version).toBe('1.0.7');
    expect(back.edges).toEqual([['input', 'flatten'], ['flatten', 'fc0'], ['fc0', 'lif0'], ['lif0', 'fc1'], ['fc1', 'lif1'], ['lif1', 'output']]);
    expect(back.nodes.input).toMatchObject({ type: 'Input' });
    expect(Array.from((back.nodes.input.params.shape as { data: Float64Array }).data)).toEqual([2, 2, 3]); // CHW
    expect(back.nodes.fc0.type).toBe('Affine');
    // Columns move from spikeflow's HWC flattening to CHW: (h=0, w=1, c=1) is HWC index 3, CHW index 7.
    const linear = model.namedChildren()[1][1] as Linear; // weight [in = 12, out = 5]
    const sw = linear.weight.dataSync();
    const nirW = (back.nodes.fc0.params.weight as { data: Float32Array }).data;
    for (let o = 0; o < 5; o++) expect(nirW[o * 12 + 7]).toBe(sw[3 * 5 + o]);
    expect(back.nodes.fc1.type).toBe('Linear');
    const lif0 = back.nodes.lif0.params as Record<string, { data: Float32Array }>;
    // τ = 2: β = 0.5 → tau = dt/(1 − β) = 2e-4, r = 1 (decay_input)
    expect(lif0.tau.data[0]).toBeCloseTo(2 * NIR_DT, 10);
    expect(lif0.r.data[0]).toBe(1);
    const lif1 = back.nodes.lif1.params as Record<string, { data: Float32Array }>;
    // τ = 4 without decay_input: β = 0.75 → r = 1/(1 − β) = 4, threshold 0.5
    expect(lif1.r.data[0]).toBe(4);
    expect(lif1.v_threshold.data[0]).toBe(0.5);
    expect(Array.from(lif1.v_reset.data)).toEqual([0, 0, 0]);
  });

  it('refuses soft reset, which NIR nodes cannot express', () => {
    const model = new Sequential(randomLinear(3, 2, 3, false), new TestLif(2, true, { vReset: null }));
    expect(() => toNirGraph(readFloatNetwork(model, [3]))).toThrow(/soft reset/);
  });
});

describe('NIR export → import round trip', () => {
  for (const [label, shape, decayInput] of [['image input [H, W, C] with C = 2', [3, 2, 2], true], ['flat input without decay_input', [8], false]] as const) {
    it(`${label}: identical spikes on random inputs`, async () => {
      const inF = shape.reduce((a, b) => a * b, 1);
      const layers: Module[] = shape.length > 1 ? [new Flatten()] : [];
      const model = new Sequential(...layers, randomLinear(inF, 6, 11, true), new TestLif(2, decayInput), randomLinear(6, 4, 12, false), new TestLif(3, decayInput));
      const file = path.join(tmp(), 'rt.nir');
      await writeNir(file, toNirGraph(readFloatNetwork(model, shape)));
      const { model: imported, inputShape } = nirToNetwork(await readNir(file), factory);
      expect(inputShape).toEqual([...shape]);
      const rnd = makeRandom(99);
      const x = tf.tensor(Float32Array.from({ length: 6 * 5 * inF }, () => rnd() * 2), [6, 5, ...shape]);
      const a = spikesOf(model, x);
      const b = spikesOf(imported, x);
      expect(a.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
      expect(b).toEqual(a);
      x.dispose();
    });
  }

  it('an r that is neither 1 nor 1/(1 − β) is folded into the weights', () => {
    const graph = {
      version: '1.0.7',
      edges: [['input', 'fc'], ['fc', 'lif'], ['lif', 'output']] as Array<[string, string]>,
      nodes: {
        input: { type: 'Input', params: { shape: { data: Float64Array.from([2]), shape: [1] } } },
        fc: { type: 'Linear', params: { weight: { data: Float32Array.from([1, 2]), shape: [1, 2] } } },
        lif: { type: 'LIF', params: { tau: { data: Float32Array.from([2e-4]), shape: [1] }, r: { data: Float32Array.from([3]), shape: [1] }, v_leak: { data: Float32Array.from([0]), shape: [1] }, v_threshold: { data: Float32Array.from([1]), shape: [1] } } },
        output: { type: 'Output', params: { shape: { data: Float64Array.from([1]), shape: [1] } } },
      },
    };
    const { model } = nirToNetwork(graph, factory);
    const lin = model.namedChildren()[0][1] as Linear;
    expect(Array.from(lin.weight.dataSync())).toEqual([3, 6]);
  });

  it('typed errors: unknown node types, branches, and non-NIR files', async () => {
    const base = { version: 'x', nodes: { input: { type: 'Input', params: { shape: { data: Float64Array.from([2]), shape: [1] } } }, c: { type: 'Conv1d', params: {} }, output: { type: 'Output', params: {} } } };
    expect(() => nirToNetwork({ ...base, edges: [['input', 'c'], ['c', 'output']] }, factory)).toThrow(/'Conv1d' is not imported/);
    expect(() => nirToNetwork({ ...base, edges: [['input', 'c'], ['input', 'output']] }, factory)).toThrow(/feeds more than one node/);
    const f = path.join(tmp(), 'x.nir');
    writeFileSync(f, 'nope');
    await expect(readNir(f)).rejects.toSatisfy((e) => SpikeflowError.is(e, 'format-unknown'));
  });
});
