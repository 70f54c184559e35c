import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { Flatten, Linear, Sequential, describeNetwork, tf, type Module } from '@spikeflow/core';
import { readFloatNetwork } from '../quantize/float-network.js';
import { toNirGraph, writeNir } from './write-nir.js';
import { readNir } from './read-nir.js';
import { nirToNetwork } from './nir-to-network.js';
import { NIR_DT, type NirGraph } from './nir-graph.js';
import { TestCubaLif, TestIf, TestLif, makeRandom, testNeuronFactory } from '../test-utils/fixtures.js';
import { chainEdges, expectSameSpikes, spikesOf } from '../test-utils/same-spikes.js';

const tmp = () => tempDir('loihi-nir-');
const factory = (n: { tau: number; decayInput: boolean; vThreshold: number; vReset: number | null }) =>
  new TestLif(n.tau, n.decayInput, { vThreshold: n.vThreshold, vReset: n.vReset });

function randomLinear(inF: number, outF: number, seed: number, bias: boolean): Linear {
  const rnd = makeRandom(seed);
  const l = new Linear(inF, outF, { bias });
  const entries: Array<[string, { shape: number[]; data: Float32Array }]> = [
    ['weight', { shape: [inF, outF], data: Float32Array.from({ length: inF * outF }, () => (rnd() * 2 - 1) * 1.5) }],
  ];
  if (bias) entries.push(['bias', { shape: [outF], data: Float32Array.from({ length: outF }, () => rnd() * 0.4 - 0.2) }]);
  l.loadStateDict(new Map(entries));
  return l;
}

describe('NIR export', () => {
  it('writes /version, /node/type = NIRGraph, nodes and an n×2 edge list, with the dt convention', async () => {
    const model = new Sequential(new Flatten(), randomLinear(12, 5, 1, true), new TestLif(2), randomLinear(5, 3, 2, false), new TestLif(4, false, { vThreshold: 0.5 }));
    const graph = toNirGraph(readFloatNetwork(model, [2, 3, 2]));
    const file = path.join(tmp(), 'net.nir');
    await writeNir(file, graph);
    const back = await readNir(file);
    expect(back.version).toBe('1.0.7');
    expect(back.edges).toEqual(chainEdges('flatten', 'fc0', 'lif0', 'fc1', 'lif1'));
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
  for (const [label, shape, decayInput] of [
    ['image input [H, W, C] with C = 2', [3, 2, 2], true],
    ['flat input without decay_input', [8], false],
  ] as const) {
    it(`${label}: identical spikes on random inputs`, async () => {
      const inF = shape.reduce((a, b) => a * b, 1);
      const layers: Module[] = shape.length > 1 ? [new Flatten()] : [];
      const model = new Sequential(...layers, randomLinear(inF, 6, 11, true), new TestLif(2, decayInput), randomLinear(6, 4, 12, false), new TestLif(3, decayInput));
      const file = path.join(tmp(), 'rt.nir');
      await writeNir(file, toNirGraph(readFloatNetwork(model, shape)));
      const { model: imported, inputShape } = nirToNetwork(await readNir(file), factory);
      expect(inputShape).toEqual([...shape]);
      const rnd = makeRandom(99);
      expect(expectSameSpikes(model, imported, [6, 5, ...shape], () => rnd() * 2)).toBeGreaterThan(0);
    });
  }

  it("writes core's chip-neutral network description as it is: the imported network spikes as the model", async () => {
    const shape = [3, 2, 2];
    const model = new Sequential(new Flatten(), randomLinear(12, 6, 21, true), new TestLif(2), randomLinear(6, 4, 22, false), new TestIf({ vThreshold: 0.7 }));
    const file = path.join(tmp(), 'described.nir');
    await writeNir(file, toNirGraph(describeNetwork(model, { inputShape: shape, target: 'NIR' })));
    const { model: imported } = nirToNetwork(await readNir(file), testNeuronFactory);
    const rnd = makeRandom(7);
    expect(expectSameSpikes(model, imported, [6, 5, ...shape], () => rnd() * 2)).toBeGreaterThan(0);
  });

  it('an r that is neither 1 nor 1/(1 − β) is folded into the weights', () => {
    const graph = {
      version: '1.0.7',
      edges: [
        ['input', 'fc'],
        ['fc', 'lif'],
        ['lif', 'output'],
      ] as Array<[string, string]>,
      nodes: {
        input: { type: 'Input', params: { shape: { data: Float64Array.from([2]), shape: [1] } } },
        fc: { type: 'Linear', params: { weight: { data: Float32Array.from([1, 2]), shape: [1, 2] } } },
        lif: {
          type: 'LIF',
          params: {
            tau: { data: Float32Array.from([2e-4]), shape: [1] },
            r: { data: Float32Array.from([3]), shape: [1] },
            v_leak: { data: Float32Array.from([0]), shape: [1] },
            v_threshold: { data: Float32Array.from([1]), shape: [1] },
          },
        },
        output: { type: 'Output', params: { shape: { data: Float64Array.from([1]), shape: [1] } } },
      },
    };
    const { model } = nirToNetwork(graph, factory);
    const lin = model.namedChildren()[0][1] as Linear;
    expect(Array.from(lin.weight.dataSync())).toEqual([3, 6]);
  });

  it('typed errors: unknown node types, branches, and non-NIR files', async () => {
    const base = {
      version: 'x',
      nodes: {
        input: { type: 'Input', params: { shape: { data: Float64Array.from([2]), shape: [1] } } },
        c: { type: 'Conv1d', params: {} },
        output: { type: 'Output', params: {} },
      },
    };
    expect(() =>
      nirToNetwork(
        {
          ...base,
          edges: [
            ['input', 'c'],
            ['c', 'output'],
          ],
        },
        factory,
      ),
    ).toThrow(/'Conv1d' is not imported/);
    expect(() =>
      nirToNetwork(
        {
          ...base,
          edges: [
            ['input', 'c'],
            ['input', 'output'],
          ],
        },
        factory,
      ),
    ).toThrow(/feeds more than one node/);
    const f = path.join(tmp(), 'x.nir');
    writeFileSync(f, 'nope');
    await expectSpikeflowError(readNir(f), 'format-unknown');
  });
});

type NirArray = { data: Float32Array | Float64Array; shape: readonly number[] };

/**
 * NIR's own equations, integrated by forward Euler at `dt` in float64, independent of the importer:
 * Affine `W·x + b`, Linear `W·x`; LIF `v += dt/tau·(v_leak − v + r·I)`; IF `v += dt·r·I`; CubaLIF
 * `I += dt/tau_syn·(−I + w_in·S)` then `v += dt/tau_mem·(v_leak − v + r·I)`; a neuron fires at
 * `v > v_threshold` and resets to v_reset. Returns the last neuron's spikes for inputs [T][B][in]
 * and the smallest distance of any potential from its threshold.
 */
function simulateNir(graph: NirGraph, xs: number[][][], dt: number): { spikes: number[]; margin: number } {
  const next = new Map(graph.edges.map(([a, b]) => [a, b]));
  const order: string[] = [];
  for (let n = next.get('input'); n && graph.nodes[n].type !== 'Output'; n = next.get(n)) order.push(n);
  const arr = (node: string, k: string) => Array.from((graph.nodes[node].params[k] as NirArray).data);
  const state = new Map<string, { v: number[][]; i: number[][] }>();
  const B = xs[0].length;
  let margin = Infinity;
  const spikes: number[] = [];
  for (const xt of xs) {
    for (let b = 0; b < B; b++) {
      let x = xt[b];
      for (const name of order) {
        const node = graph.nodes[name];
        if (node.type === 'Affine' || node.type === 'Linear') {
          const w = node.params.weight as NirArray;
          const [O, I] = w.shape;
          const bias = node.type === 'Affine' ? arr(name, 'bias') : new Array<number>(O).fill(0);
          x = Array.from({ length: O }, (_, o) => x.reduce((a, xi, i) => a + w.data[o * I + i] * xi, bias[o]));
          continue;
        }
        const n = x.length;
        if (!state.has(name))
          state.set(name, { v: Array.from({ length: B }, () => new Array<number>(n).fill(0)), i: Array.from({ length: B }, () => new Array<number>(n).fill(0)) });
        const { v, i: cur } = state.get(name)!;
        const [r, th, reset] = [arr(name, 'r'), arr(name, 'v_threshold'), arr(name, 'v_reset')];
        const out: number[] = [];
        for (let j = 0; j < n; j++) {
          if (node.type === 'IF') v[b][j] += dt * r[j] * x[j];
          else if (node.type === 'LIF') v[b][j] += (dt / arr(name, 'tau')[j]) * (arr(name, 'v_leak')[j] - v[b][j] + r[j] * x[j]);
          else if (node.type === 'CubaLIF') {
            cur[b][j] += (dt / arr(name, 'tau_syn')[j]) * (-cur[b][j] + arr(name, 'w_in')[j] * x[j]);
            v[b][j] += (dt / arr(name, 'tau_mem')[j]) * (arr(name, 'v_leak')[j] - v[b][j] + r[j] * cur[b][j]);
          } else throw new Error(`the test simulator has no ${node.type}`);
          margin = Math.min(margin, Math.abs(v[b][j] - th[j]));
          const z = v[b][j] > th[j] ? 1 : 0;
          if (z) v[b][j] = reset[j];
          out.push(z);
        }
        x = out;
      }
      spikes.push(...x);
    }
  }
  return { spikes, margin };
}

function randomInputs3(T: number, B: number, n: number, seed: number): number[][][] {
  const rnd = makeRandom(seed);
  return Array.from({ length: T }, () => Array.from({ length: B }, () => Array.from({ length: n }, () => rnd() * 2)));
}

/**
 * Export `model` to NIR, read it back, run NIR's equations on random inputs [10, 4, 8] and the model on
 * the same: returns the graph, the NIR reference spikes and the model's (neither side on a threshold).
 */
async function exportAndCompare(model: Module, name: string, seed: number): Promise<{ graph: NirGraph; ref: number[]; got: number[] }> {
  const file = path.join(tmp(), `${name}.nir`);
  await writeNir(file, toNirGraph(readFloatNetwork(model, [8])));
  const graph = await readNir(file);
  const xs = randomInputs3(10, 4, 8, seed);
  const ref = simulateNir(graph, xs, NIR_DT);
  expect(ref.margin, 'no potential sits on a threshold').toBeGreaterThan(1e-5);
  const x = tf.tensor(xs.flat(2), [10, 4, 8]);
  const got = spikesOf(model, x);
  x.dispose();
  expect(ref.spikes.reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  return { graph, ref: ref.spikes, got };
}

describe("NIR neurons follow NIR's equations", () => {
  it('an IF (and LIF) network exported to NIR spikes as the float model under forward Euler at the exported dt', async () => {
    const model = new Sequential(
      randomLinear(8, 6, 31, true),
      new TestIf(),
      randomLinear(6, 4, 32, true),
      new TestLif(2, false, { vThreshold: 0.5 }),
      randomLinear(4, 3, 34, false),
      new TestIf({ vThreshold: 0.4 }),
    );
    const { graph, ref, got } = await exportAndCompare(model, 'if', 5);
    expect(graph.nodes.lif0.type).toBe('IF');
    // SpikingJelly's convention, which NIR's dv/dt = R·I needs for H = V + X: r = 1/dt.
    expect((graph.nodes.lif0.params.r as NirArray).data[0]).toBeCloseTo(1 / NIR_DT, 3);
    expect(ref.reduce((a, b) => a + b, 0)).toBeLessThan(ref.length - 5);
    expect(got).toEqual(ref);
  });

  it('a LIF network with decay_input (r = 1) exported to NIR spikes as the float model under NIR LIF equations', async () => {
    const model = new Sequential(randomLinear(8, 5, 51, true), new TestLif(2, true, { vThreshold: 0.5 }), randomLinear(5, 3, 52, false), new TestLif(3, true, { vThreshold: 0.3 }));
    const { ref, got } = await exportAndCompare(model, 'lif', 7);
    expect(got).toEqual(ref);
  });

  it('a CUBA-LIF network exported to NIR spikes as the float model under NIR CubaLIF equations', async () => {
    const model = new Sequential(randomLinear(8, 5, 41, true), new TestCubaLif(2, 4, { vThreshold: 0.8 }), randomLinear(5, 3, 42, false), new TestCubaLif(3, 2));
    const { ref, got } = await exportAndCompare(model, 'cuba', 6);
    expect(got).toEqual(ref);
  });

  it("a file in SpikingJelly's IF convention (r = 1/dt) imports with its weights as stored", async () => {
    const dt = NIR_DT;
    const rnd = makeRandom(77);
    const w = Array.from({ length: 3 * 5 }, () => rnd() * 2 - 0.6);
    const b = Array.from({ length: 3 }, () => rnd() * 0.2);
    const f32 = (v: number[], shape = [v.length]) => ({ data: Float32Array.from(v), shape });
    const sj: NirGraph = {
      version: '1.0.7',
      edges: [
        ['input', 'fc'],
        ['fc', 'if'],
        ['if', 'output'],
      ],
      nodes: {
        input: { type: 'Input', params: { shape: { data: Float64Array.from([5]), shape: [1] } } },
        fc: { type: 'Affine', params: { weight: f32(w, [3, 5]), bias: f32(b) } },
        // SpikingJelly's map_if: r = np.full(shape, 1 / dt), v_reset 0.
        if: { type: 'IF', params: { r: f32([1 / dt, 1 / dt, 1 / dt]), v_threshold: f32([1, 1, 1]), v_reset: f32([0, 0, 0]) } },
        output: { type: 'Output', params: { shape: { data: Float64Array.from([3]), shape: [1] } } },
      },
    };
    const file = path.join(tmp(), 'sj.nir');
    await writeNir(file, sj);
    const graph = await readNir(file);
    const { model } = nirToNetwork(graph, testNeuronFactory);
    const lin = model.namedChildren()[0][1] as Linear; // [in, out]
    const lw = lin.weight.dataSync();
    for (let o = 0; o < 3; o++) for (let i = 0; i < 5; i++) expect(lw[i * 3 + o]).toBeCloseTo(w[o * 5 + i], 6);
    const xs = randomInputs3(12, 3, 5, 9);
    const ref = simulateNir(graph, xs, dt);
    expect(ref.margin).toBeGreaterThan(1e-5);
    const x = tf.tensor(xs.flat(2), [12, 3, 5]);
    const got = spikesOf(model, x);
    x.dispose();
    expect(ref.spikes.reduce((a, c) => a + c, 0)).toBeGreaterThan(3);
    expect(got).toEqual(ref.spikes);
  });
});

describe('NIR import refuses graphs nir.read would reject', () => {
  const f32 = (v: number[], shape = [v.length]) => ({ data: Float32Array.from(v), shape });
  const ones = (n: number) => f32(new Array<number>(n).fill(1));
  const graph = (outShape: number, lifSize = 10, tau = 2e-4, affineIn = 4): NirGraph => ({
    version: '1.0.7',
    edges: [
      ['input', 'fc'],
      ['fc', 'lif'],
      ['lif', 'output'],
    ],
    nodes: {
      input: { type: 'Input', params: { shape: { data: Float64Array.from([4]), shape: [1] } } },
      fc: { type: 'Affine', params: { weight: f32(new Array(10 * affineIn).fill(0.1), [10, affineIn]), bias: ones(10) } },
      lif: {
        type: 'LIF',
        params: {
          tau: f32(new Array(lifSize).fill(tau)),
          r: ones(lifSize),
          v_leak: f32(new Array(lifSize).fill(0)),
          v_threshold: ones(lifSize),
          v_reset: f32(new Array(lifSize).fill(0)),
        },
      },
      output: { type: 'Output', params: { shape: { data: Float64Array.from([outShape]), shape: [1] } } },
    },
  });
  const load = (g: NirGraph) => () => nirToNetwork(g, testNeuronFactory);

  it('a consistent graph imports', () => {
    expect(load(graph(10))).not.toThrow();
  });

  it('an Output of 11 after a 10-neuron layer', () => {
    expectSpikeflowError(load(graph(11)), 'shape-mismatch', /Output 'output' has shape \[11\] but the last node gives \[10\]/);
  });

  it('neuron parameters of another shape than the layer, and an Affine whose input disagrees', () => {
    expectSpikeflowError(load(graph(10, 9)), 'shape-mismatch', /LIF 'lif': tau has shape \[9\] but the node receives \[10\]/);
    expectSpikeflowError(load(graph(10, 10, 2e-4, 5)), 'shape-mismatch', /Affine 'fc' takes \[5\] inputs .* but receives \[4\]/);
  });

  it('NaN parameters', () => {
    expectSpikeflowError(load(graph(10, 10, Number.NaN)), 'format-unknown', /NIR node 'lif' \(LIF\): tau\[0\] is NaN; expected finite numbers/);
  });
});
