// Helpers the neuron specs share: tensor/module tracking disposed after each test, and catching a typed error.
import { afterEach } from 'vitest';
import { SpikeflowError } from '@spikeflow/core';

/** Returns `track(x)`: x is disposed after the current test (call at the top level of a spec file). */
export function disposeAfterEach(): <T extends { dispose(): void }>(x: T) => T {
  const disposables: Array<{ dispose(): void }> = [];
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
  });
  return (x) => (disposables.push(x), x);
}

/** The SpikeflowError `fn` throws (any other throw propagates; no throw fails). */
export function errorOf(fn: () => unknown): SpikeflowError {
  try {
    fn();
  } catch (e) {
    if (SpikeflowError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a SpikeflowError');
}
