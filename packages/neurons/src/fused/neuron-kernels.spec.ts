// The fused op's custom kernels (SpikeflowNeuronForward/Backward) against its dataSync path (the JS
// recursion), on the wasm and cpu backends (both in every run, whatever SPIKEFLOW_TEST_BACKEND says).
// The JS recursion on the heap (wasm-js, cpu) must give bit-identical spikes, dL/dX and (PLIF) dL/dw.
// The compiled SIMD kernels (wasm) give bit-identical spikes and membrane, and gradients within
// float32 rounding (they accumulate the BPTT recursion in float32 where the JS one uses float64, and
// evaluate the surrogate inline).
import { selectBackend, tf, type SurrogateFunction } from '@spikeflow/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { atan } from '../surrogates/atan.js';
import { piecewiseQuadratic } from '../surrogates/piecewise-quadratic.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { expectClose } from '@spikeflow/testing';
import { randomArray, runFused, type FusedRun } from '../test-utils/fused-run.js';
import { fusedMultiStep, type FusedImpl, type FusedNeuronParams } from './multi-step-node.js';
import { NEURON_BACKWARD, NEURON_FORWARD, neuronKernelAttrs, neuronKernelsAvailable, useCompiledNeuronKernels } from './neuron-kernels.js';
import { fusedForwardArrays, type NeuronCore } from './recursion.js';
import { piecewiseExp } from '../surrogates/piecewise-exp.js';
import { nativeSurrogateOf } from '../surrogates/surrogate-kit.js';

const initial = tf.getBackend() as 'wasm' | 'cpu';
afterAll(async () => {
  useCompiledNeuronKernels(true);
  await selectBackend(initial);
});

type Spec = { model: 'if' } | { model: 'lif'; tau: number; decayInput: boolean } | { model: 'plif'; w: number; decayInput: boolean };

interface Case {
  readonly name: string;
  readonly spec: Spec;
  readonly vReset: number | null;
  readonly detachReset: boolean;
  readonly vThreshold: number;
  readonly surrogate: () => SurrogateFunction;
}

const CASES: Case[] = [
  { name: 'if hard', spec: { model: 'if' }, vReset: 0, detachReset: false, vThreshold: 1, surrogate: () => sigmoid() },
  { name: 'if soft detach', spec: { model: 'if' }, vReset: null, detachReset: true, vThreshold: 0.8, surrogate: () => atan() },
  { name: 'lif decay hard -0.3', spec: { model: 'lif', tau: 2, decayInput: true }, vReset: -0.3, detachReset: false, vThreshold: 1, surrogate: () => atan() },
  { name: 'lif nodecay soft', spec: { model: 'lif', tau: 3.7, decayInput: false }, vReset: null, detachReset: false, vThreshold: 1, surrogate: () => piecewiseQuadratic() },
  { name: 'plif decay hard', spec: { model: 'plif', w: 0.2, decayInput: true }, vReset: 0, detachReset: false, vThreshold: 1, surrogate: () => sigmoid() },
  { name: 'plif nodecay hard -0.3 detach', spec: { model: 'plif', w: -0.4, decayInput: false }, vReset: -0.3, detachReset: true, vThreshold: 0.8, surrogate: () => atan() },
  { name: 'plif decay soft', spec: { model: 'plif', w: 0.5, decayInput: true }, vReset: null, detachReset: false, vThreshold: 1, surrogate: () => piecewiseQuadratic() },
  {
    name: 'lif nodecay hard -0.3 piecewise-exp',
    spec: { model: 'lif', tau: 2.5, decayInput: false },
    vReset: -0.3,
    detachReset: false,
    vThreshold: 1,
    surrogate: () => piecewiseExp(),
  },
  { name: 'plif nodecay soft', spec: { model: 'plif', w: 0.1, decayInput: false }, vReset: null, detachReset: false, vThreshold: 1, surrogate: () => atan() },
];

/** {@link runFused} for a case. */
function run(c: Case, impl: FusedImpl, shape: number[], xData: Float32Array, cData: Float32Array): FusedRun {
  const common = { vThreshold: c.vThreshold, vReset: c.vReset, detachReset: c.detachReset, surrogate: c.surrogate() };
  const params = (w: tf.Variable | null): FusedNeuronParams =>
    c.spec.model === 'plif' ? { ...common, model: 'plif', w: w!, decayInput: c.spec.decayInput } : c.spec.model === 'lif' ? { ...common, ...c.spec } : { ...common, model: 'if' };
  return runFused(params, c.spec.model === 'plif' ? c.spec.w : null, impl, shape, xData, cData);
}

function countDiffs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}

const VARIANTS = [
  { backend: 'wasm', compiled: true, label: 'wasm (compiled SIMD)' },
  { backend: 'wasm', compiled: false, label: 'wasm (JS on the heap)' },
  { backend: 'cpu', compiled: false, label: 'cpu' },
] as const;

describe.each(VARIANTS)('fused neuron kernels on $label', ({ backend, compiled }) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: kernel path taken, equal to the dataSync path', async (_, c) => {
    await selectBackend(backend);
    useCompiledNeuronKernels(compiled);
    expect(tf.getBackend()).toBe(backend);
    expect(neuronKernelsAvailable()).toBe(true);
    const shapes: Array<[number[], number]> = [
      [[7, 3, 19], 11],
      [[4, 2, 3, 3, 5], 12],
      [[1, 40], 13],
    ];
    for (const [shape, seed] of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      const gain = c.spec.model === 'lif' && c.spec.decayInput ? c.spec.tau : c.spec.model === 'plif' ? 2.5 : 1;
      const xData = randomArray(size, seed, -0.6 * gain, 1.4 * gain);
      const cData = randomArray(size, seed + 7, -1, 1);
      const before = tf.memory().numTensors;
      const kernel = run(c, 'auto', shape, xData, cData);
      const arrays = run(c, 'arrays', shape, xData, cData);
      expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
      expect(kernel.kernels).toEqual([NEURON_FORWARD, NEURON_BACKWARD]);
      expect(arrays.kernels).toEqual([]);
      expect(kernel.spikes.some((v) => v === 1) && kernel.spikes.some((v) => v === 0), 'spikes and silences').toBe(true);
      expect(countDiffs(kernel.spikes, arrays.spikes), 'spikes').toBe(0);
      if (compiled) expectClose(kernel.gradX, arrays.gradX, 1e-5, 'dL/dX');
      else expect(countDiffs(kernel.gradX, arrays.gradX), 'dL/dX').toBe(0);
      if (c.spec.model === 'plif') {
        expect(kernel.gradW!.length).toBe(1);
        if (compiled) expectClose(kernel.gradW!, arrays.gradW!, 1e-5, 'dL/dw');
        else expect(Object.is(kernel.gradW![0], arrays.gradW![0]), `dL/dw ${kernel.gradW![0]} vs ${arrays.gradW![0]}`).toBe(true);
        if (shape[0] > 1) expect(kernel.gradW![0]).not.toBe(0);
      }
    }
  });

  it('inference (no tape) runs only the forward kernel and leaks nothing; empty T works', async () => {
    await selectBackend(backend);
    useCompiledNeuronKernels(compiled);
    const x = tf.randomUniform([5, 4, 6], -1, 3, 'float32', 3);
    const params: FusedNeuronParams = { model: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0, detachReset: false, surrogate: sigmoid() };
    const before = tf.memory().numTensors;
    const spy = vi.spyOn(tf.engine(), 'runKernel');
    const s = fusedMultiStep(x, params);
    const names = spy.mock.calls.map((call) => call[0]).filter((name) => name.startsWith('SpikeflowNeuron'));
    spy.mockRestore();
    expect(names).toEqual([NEURON_FORWARD]);
    expect(s.shape).toEqual([5, 4, 6]);
    expect(s.dtype).toBe('float32');
    const expected = fusedMultiStep(x, params, 'arrays');
    expect(Array.from(s.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([s, expected]);
    expect(tf.memory().numTensors).toBe(before);

    const empty = tf.zeros([0, 3]);
    const g = tf.grad((xi: tf.Tensor) => tf.sum(fusedMultiStep(xi, params)))(empty);
    expect(g.shape).toEqual([0, 3]);
    tf.dispose([empty, g, x]);
  });
});

describe('compiled wasm neuron kernels', () => {
  const cores: Array<[string, NeuronCore, number]> = [
    ['if hard', { model: 'if', vThreshold: 1, vReset: 0, detachReset: false }, 0],
    ['if soft', { model: 'if', vThreshold: 0.8, vReset: null, detachReset: false }, 0],
    ['lif decay, V_r 0', { model: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0, detachReset: false }, 0],
    ['lif decay, V_r -0.3', { model: 'lif', tau: 3.7, decayInput: true, vThreshold: 1, vReset: -0.3, detachReset: false }, 0],
    ['lif nodecay, soft', { model: 'lif', tau: 3.7, decayInput: false, vThreshold: 1, vReset: null, detachReset: false }, 0],
    ['lif nodecay, V_r -0.3', { model: 'lif', tau: 2.5, decayInput: false, vThreshold: 1, vReset: -0.3, detachReset: false }, 0],
    ['plif decay, V_r 0', { model: 'plif', decayInput: true, vThreshold: 1, vReset: 0, detachReset: false }, 0.45],
    ['plif decay, V_r -0.3', { model: 'plif', decayInput: true, vThreshold: 1, vReset: -0.3, detachReset: false }, 0.6],
    ['plif nodecay, soft', { model: 'plif', decayInput: false, vThreshold: 1, vReset: null, detachReset: false }, 0.3],
    ['plif nodecay, V_r -0.3', { model: 'plif', decayInput: false, vThreshold: 0.9, vReset: -0.3, detachReset: false }, 0.7],
  ];

  it.each(cores)('%s: spikes and membrane H bit-identical to the JS recursion (every charge mode)', async (_, core, leak) => {
    const k = Math.fround(leak); // k = sigmoid(w) is always a float32 value (tf computes it)
    await selectBackend('wasm');
    useCompiledNeuronKernels(true);
    const shape = [9, 3, 37]; // 111 neurons: a SIMD remainder too
    const size = shape.reduce((a, b) => a * b, 1);
    const xData = randomArray(size, 5, -1, 2.5);
    const hs = new Float32Array(size);
    const out = new Float32Array(size);
    fusedForwardArrays(xData, shape[0], core, k, hs, out);
    const x = tf.tensor(xData, shape);
    const [s, h] = tf.engine().runKernel(NEURON_FORWARD, { x }, neuronKernelAttrs(core, k, []) as unknown as tf.NamedAttrMap) as tf.Tensor[];
    expect(countDiffs(s.dataSync(), out), 'spikes').toBe(0);
    expect(countDiffs(h.dataSync(), hs), 'H').toBe(0);
    expect(out.some((v) => v === 1) && out.some((v) => v === 0)).toBe(true);
    tf.dispose([x, s, h]);
  });

  it('surrogates made by this package are evaluated inline; a third-party one is read as a tensor', () => {
    expect(nativeSurrogateOf(atan())).toMatchObject({ kind: 1, p: 2 });
    expect(nativeSurrogateOf(sigmoid({ alpha: 3 }))).toMatchObject({ kind: 2, p: 3 });
    const custom: SurrogateFunction = { ...atan(), id: 'mine/atan' };
    expect(nativeSurrogateOf(custom)).toBeUndefined();
  });

  it('a third-party surrogate still gets exact gradients (its derivative comes in as sg)', async () => {
    await selectBackend('wasm');
    useCompiledNeuronKernels(true);
    const base = atan();
    const custom: SurrogateFunction = { id: 'mine/atan', params: base.params, primitive: base.primitive, derivative: base.derivative };
    const c: Case = { name: 'custom', spec: { model: 'lif', tau: 2, decayInput: true }, vReset: 0, detachReset: false, vThreshold: 1, surrogate: () => custom };
    const shape = [6, 2, 13];
    const size = shape.reduce((a, b) => a * b, 1);
    const xData = randomArray(size, 21, -1, 3);
    const cData = randomArray(size, 22, -1, 1);
    const kernel = run(c, 'auto', shape, xData, cData);
    const arrays = run(c, 'arrays', shape, xData, cData);
    expect(kernel.kernels).toEqual([NEURON_FORWARD, NEURON_BACKWARD]);
    expect(countDiffs(kernel.spikes, arrays.spikes)).toBe(0);
    expectClose(kernel.gradX, arrays.gradX, 1e-5, 'dL/dX');
  });
});
