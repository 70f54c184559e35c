// The fused neuron kernels with their tensors (and their scratch) above 2 GiB in the wasm heap,
// where wasm hands byte offsets to JS as negative i32 values. Blocks of 2.4 GiB in all are reserved
// first (never written: address space, not RAM), so every later tensor lives above them. Forward
// and backward are compared with the dataSync path, which runs the recursion on plain JS arrays.
import { selectBackend, tf } from '@spikeflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atan } from '../surrogates/atan.js';
import { sigmoid } from '../surrogates/sigmoid.js';
import { expectClose } from '@spikeflow/testing';
import { randomArray, runFused, type FusedRun } from '../test-utils/fused-run.js';
import type { FusedImpl, FusedNeuronParams } from './multi-step-node.js';
import { NEURON_BACKWARD, NEURON_FORWARD, useCompiledNeuronKernels } from './neuron-kernels.js';

const TWO_GIB = 2 ** 31;
const GiB = 2 ** 30;

interface WasmBackendView {
  wasm: { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } };
}
const backend = () => tf.backend() as unknown as WasmBackendView;
const initial = tf.getBackend() as 'wasm' | 'cpu';
let reserved: number[] = [];

beforeAll(async () => {
  await selectBackend('wasm');
  const wasm = backend().wasm;
  reserved = [wasm._malloc(1.2 * GiB) >>> 0, wasm._malloc(1.2 * GiB) >>> 0];
  expect(reserved.every((p) => p > 0)).toBe(true);
  expect(wasm.HEAPU8.length).toBeGreaterThan(2.4 * GiB);
});

afterAll(async () => {
  for (const p of reserved) backend().wasm._free(p);
  useCompiledNeuronKernels(true);
  await selectBackend(initial);
});

type Make = (w: tf.Variable | null) => FusedNeuronParams;

const CASES: Array<[string, number | null, Make]> = [
  ['if hard, sigmoid', null, () => ({ model: 'if', vThreshold: 1, vReset: 0, detachReset: false, surrogate: sigmoid() })],
  ['lif decay soft, atan', null, () => ({ model: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: null, detachReset: false, surrogate: atan() })],
  ['plif decay hard, atan', 0.2, (w) => ({ model: 'plif', w: w!, decayInput: true, vThreshold: 1, vReset: 0, detachReset: false, surrogate: atan() })],
  ['plif nodecay hard -0.3, sigmoid', -0.4, (w) => ({ model: 'plif', w: w!, decayInput: false, vThreshold: 0.9, vReset: -0.3, detachReset: false, surrogate: sigmoid() })],
];

/** {@link runFused}, and whether the input sat above 2 GiB. */
function run(make: Make, w0: number | null, impl: FusedImpl, shape: number[], xData: Float32Array, cData: Float32Array): FusedRun & { high: boolean } {
  let high = false;
  const out = runFused(make, w0, impl, shape, xData, cData, (x) => (high = backend().dataIdMap.get(x.dataId).memoryOffset >= TWO_GIB));
  return { ...out, high };
}

describe.each([
  { compiled: true, label: 'compiled SIMD' },
  { compiled: false, label: 'JS on the heap' },
])('fused neuron kernels ($label) on tensors above 2 GiB', ({ compiled }) => {
  it.each(CASES)('%s: equal to the dataSync path', (_, w0, make) => {
    useCompiledNeuronKernels(compiled);
    const shape = [6, 4, 1531]; // n = 6124: SIMD body and remainder
    const size = shape.reduce((a, b) => a * b, 1);
    const xData = randomArray(size, 17, -0.8, 2.2);
    const cData = randomArray(size, 18, -1, 1);
    const kernel = run(make, w0, 'auto', shape, xData, cData);
    const arrays = run(make, w0, 'arrays', shape, xData, cData);
    expect(kernel.high, 'the input sat above 2 GiB').toBe(true);
    expect(kernel.kernels).toEqual([NEURON_FORWARD, NEURON_BACKWARD]);
    expect(kernel.spikes.some((v) => v === 1) && kernel.spikes.some((v) => v === 0)).toBe(true);
    expect(Array.from(kernel.spikes)).toEqual(Array.from(arrays.spikes));
    expectClose(kernel.gradX, arrays.gradX, 1e-5, 'dL/dX');
    if (w0 !== null) {
      expect(arrays.gradW![0]).not.toBe(0);
      expectClose(kernel.gradW!, arrays.gradW!, 1e-5, 'dL/dw');
    }
  });
});
