import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { Sequential } from '../nn/sequential.js';
import { TestIF, sigmoidSurrogate } from '../test-utils/fixtures.js';
import { resetNet } from './reset-net.js';

describe('resetNet', () => {
  it("clears every neuron's membrane so the next sample starts from rest", () => {
    const a = new TestIF({ surrogate: sigmoidSurrogate() });
    const b = new TestIF({ surrogate: sigmoidSurrogate() });
    const net = new Sequential(a, b);
    a.step(tf.fill([1, 2], 0.6));
    b.step(tf.fill([1, 2], 0.6));
    expect(Array.from(a.v!.dataSync())).toEqual([Math.fround(0.6), Math.fround(0.6)]);
    resetNet(net);
    expect(a.v).toBeNull();
    expect(b.v).toBeNull();
    // From rest, 0.6 does not reach V_th = 1; without the reset it would (0.6 + 0.6).
    a.step(tf.fill([1, 2], 0.6));
    expect(Array.from(a.step(tf.fill([1, 2], 0.3)).dataSync())).toEqual([0, 0]);
    expect(() => resetNet({} as never)).toThrowError(expect.objectContaining({ kind: 'invalid-options' }));
  });
});
