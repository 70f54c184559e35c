// Helpers the neuron specs share: tensor/module tracking disposed after each test, and a neuron's
// spikes and states step by step as plain numbers. (Typed errors: @spikeflow/testing's expectSpikeflowError.)
import { afterEach, expect } from 'vitest';
import { expectClose, type Tolerance } from '@spikeflow/testing';
import { tf, type StatefulNeuron, type Tensor } from '@spikeflow/core';

/** Returns `track(x)`: x is disposed after the current test (call at the top level of a spec file). */
export function disposeAfterEach(): <T extends { dispose(): void }>(x: T) => T {
  const disposables: Array<{ dispose(): void }> = [];
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
  });
  return (x) => (disposables.push(x), x);
}

/** `[T][N]` rows of a tensor. */
export function matrix(t: Tensor): number[][] {
  return t.arraySync() as number[][];
}

/**
 * The spikes and every state variable after each step (`[T][N]` rows, keyed by state name) of
 * `node` run from rest over the inputs `xs` `[T][N]`: the neuron's transition unrolled (`trace`).
 */
export function stepRows(node: StatefulNeuron<any>, xs: number[][]): Record<string, number[][]> & { spikes: number[][] } {
  return tf.tidy(() => {
    const { spikes, states } = node.trace(tf.tensor2d(xs));
    return { spikes: matrix(spikes), ...Object.fromEntries(Object.entries(states).map(([name, t]) => [name, matrix(t)])) };
  });
}

/** {@link stepRows} for one neuron: inputs and results as one value per step. */
export function stepColumn(node: StatefulNeuron<any>, xs: number[]): Record<string, number[]> & { spikes: number[] } {
  const rows = stepRows(
    node,
    xs.map((x) => [x]),
  );
  return Object.fromEntries(Object.entries(rows).map(([name, r]) => [name, r.flat()])) as Record<string, number[]> & { spikes: number[] };
}

/** Rows `[T][N]` against rows, within `tol` (absolute below 1, relative above), naming the worst element. */
export function expectRowsClose(actual: number[][], expected: number[][], tol = 1e-5, label = ''): void {
  expect(actual.map((r) => r.length)).toEqual(expected.map((r) => r.length));
  expectClose(actual.flat(), expected.flat(), tol, label);
}

/**
 * A hand-computed case for one neuron: run `node` from rest over the inputs `xs` (one per step) and
 * expect the spikes exactly and each listed state within `tol` (exactly when `tol` is 0).
 */
export function expectSteps(node: StatefulNeuron<any>, xs: number[], expected: { spikes: number[] } & Record<string, number[]>, tol: Tolerance = 0): void {
  const actual = stepColumn(node, xs);
  for (const [name, values] of Object.entries(expected)) {
    if (name === 'spikes' || tol === 0) expect(actual[name], name).toEqual(values);
    else expectClose(actual[name]!, values, tol, name);
  }
}
