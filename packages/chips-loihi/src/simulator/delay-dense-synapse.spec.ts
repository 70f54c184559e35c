import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from '@spikeflow/testing';
import { DelayDenseSynapse } from './delay-dense-synapse.js';
import { makeRandom } from '../test-utils/fixtures.js';
import { historyDrive } from '../test-utils/history-drive.js';

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
    expectSpikeflowError(refuse([0, 63]), 'unrepresentable', /delay \[0, 1\] = 63 must be an integer in \[0, 62\]/);
    expect(refuse([-1, 0])).toThrow(/delay \[0, 0\] = -1/);
    expectSpikeflowError(refuse([0]), 'shape-mismatch');
  });
});
