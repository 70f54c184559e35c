import { describe, expect, it } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';
import { DelayDenseSynapse } from './delay-dense-synapse.js';
import { makeRandom } from '../test-utils/fixtures.js';

/**
 * Lava's DelayDense written as a sum over the input history instead of a buffer: the drive at
 * step t is Σ over earlier steps τ and delays d with τ + d + 1 = t of the delay-d bucket
 * Σ_{i: delay(o,i) = d} w(o,i)·s_i(τ), each bucket floored by the weight exponent on its own.
 */
function historyDrive(w: Int32Array, delays: Int32Array, out: number, inF: number, exp: number, inputs: number[][], t: number): number[] {
  const drive = new Array<number>(out).fill(0);
  for (let tau = 0; tau < t; tau++) {
    const d = t - tau - 1;
    for (let o = 0; o < out; o++) {
      let bucket = 0;
      for (let i = 0; i < inF; i++) if (delays[o * inF + i] === d) bucket += w[o * inF + i] * inputs[tau][i];
      drive[o] += exp >= 0 ? bucket * 2 ** exp : Math.floor(bucket / 2 ** -exp);
    }
  }
  return drive;
}

function errorKind(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return SpikeflowError.is(e) ? e.kind : 'untyped';
  }
  return undefined;
}

describe('DelayDenseSynapse (Lava DelayDense, bit-accurate)', () => {
  it('hand case: delay 0 arrives after one step, delay 2 after three', () => {
    const syn = new DelayDenseSynapse(Int32Array.from([10, 20]), Int32Array.from([0, 2]), 1, 2);
    const seen: number[] = [];
    for (let t = 0; t < 5; t++) {
      seen.push(syn.emit()[0]);
      if (t === 0) syn.receive([1, 1]);
    }
    expect(seen).toEqual([0, 10, 0, 20, 0]);
  });

  it('matches the input-history sum on random spikes, with a right-shifting exponent floored per delay bucket', () => {
    const rnd = makeRandom(5);
    const [out, inF, T] = [4, 7, 12];
    const weights = Int32Array.from({ length: out * inF }, () => 2 * Math.floor(rnd() * 200 - 100));
    const delays = Int32Array.from({ length: out * inF }, () => Math.floor(rnd() * 4));
    const exp = -2;
    const syn = new DelayDenseSynapse(weights, delays, out, inF, { weightExp: exp, signMode: 'mixed', numWeightBits: 8 });
    // Input for T steps, then silence while the delayed spikes drain.
    const inputs = Array.from({ length: T + 4 }, (_, t) => Array.from({ length: inF }, () => (t < T && rnd() < 0.5 ? 1 : 0)));
    let floorsDiffer = false;
    for (let t = 0; t < T + 4; t++) {
      const got = Array.from(syn.emit());
      const want = historyDrive(syn.dense.weights, delays, out, inF, exp, inputs, t);
      expect(got).toEqual(want);
      syn.receive(inputs[t]);
      // Shifting the total instead of each bucket would give another answer somewhere.
      const total = historyDrive(syn.dense.weights, delays, out, inF, 0, inputs, t);
      if (want.some((x, o) => x !== Math.floor(total[o] / 4))) floorsDiffer = true;
    }
    expect(floorsDiffer).toBe(true);
    syn.reset();
    expect(Array.from(syn.emit())).toEqual([0, 0, 0, 0]);
  });

  it('refuses delays outside 0..62 and a delay matrix of the wrong size, naming the synapse', () => {
    const refuse = (d: number[]) => () => new DelayDenseSynapse(Int32Array.from([1, 2]), Int32Array.from(d), 1, 2);
    expect(refuse([0, 63])).toThrow(/delay \[0, 1\] = 63 must be an integer in \[0, 62\]/);
    expect(refuse([-1, 0])).toThrow(/delay \[0, 0\] = -1/);
    expect(errorKind(refuse([0, 63]))).toBe('unrepresentable');
    expect(errorKind(refuse([0]))).toBe('shape-mismatch');
  });
});
