import { describe, expect, it } from 'vitest';
import { expectSpikeflowError } from './expect-spikeflow-error.js';

// Built the way core's SpikeflowError is (this package must not depend on core).
class FakeSpikeflowError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SpikeflowError';
  }
}

const throwing = (kind: string, message: string) => () => {
  throw new FakeSpikeflowError(kind, message, { id: 'x' });
};

describe('expectSpikeflowError', () => {
  it('returns the error when kind and message match', () => {
    const err = expectSpikeflowError(throwing('unknown-id', "unknown neuron 'x'"), 'unknown-id', /unknown neuron 'x'/);
    expect(err.details).toEqual({ id: 'x' });
    expect(expectSpikeflowError(throwing('unknown-id', 'abc'), 'unknown-id', 'b').message).toBe('abc');
    expect(expectSpikeflowError(throwing('unknown-id', 'abc'), 'unknown-id').kind).toBe('unknown-id');
  });

  it('fails when nothing is thrown, when the error is untyped, of another kind, or says something else', () => {
    expect(() => expectSpikeflowError(() => 1, 'unknown-id')).toThrow(/kind 'unknown-id', but the call completed without an error/);
    expect(() =>
      expectSpikeflowError(() => {
        throw new TypeError('boom');
      }, 'unknown-id'),
    ).toThrow(/got TypeError: boom/);
    expect(() => expectSpikeflowError(throwing('duplicate-id', 'twice'), 'unknown-id')).toThrow(/got kind 'duplicate-id': twice/);
    expect(() => expectSpikeflowError(throwing('unknown-id', 'abc'), 'unknown-id', /xyz/)).toThrow(/says "abc", which does not match \/xyz\//);
    expect(() => expectSpikeflowError(throwing('unknown-id', 'abc'), 'unknown-id', 'abd')).toThrow(/does not match abd/);
  });

  it('awaits promises and functions that return them', async () => {
    const err = await expectSpikeflowError(Promise.reject(new FakeSpikeflowError('timeout', 'no reply')), 'timeout', /no reply/);
    expect(err.kind).toBe('timeout');
    await expectSpikeflowError(async () => Promise.reject(new FakeSpikeflowError('timeout', 'late')), 'timeout');
    await expect(expectSpikeflowError(Promise.resolve(1), 'timeout')).rejects.toThrow(/completed without an error/);
    await expect(expectSpikeflowError(async () => 1, 'timeout')).rejects.toThrow(/completed without an error/);
    await expect(expectSpikeflowError(Promise.reject(new FakeSpikeflowError('peer-failed', 'gone')), 'timeout')).rejects.toThrow(/got kind 'peer-failed'/);
  });
});
