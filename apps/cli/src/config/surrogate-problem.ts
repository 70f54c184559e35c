import { SpikeflowError, didYouMean, type Spikeflow } from '@spikeflow/core';

/**
 * A neuron option that names a surrogate (`surrogate: atan`) is an id like the others: check it
 * against the surrogate registry before anything is built. Returns the problem (with a "did you
 * mean") or undefined when the id resolves or the options name none.
 *
 * @example
 * ```ts
 * surrogateProblem(sf, { surrogate: 'atn' }); // "unknown surrogate 'atn'; registered: ... (did you mean 'atan'?)"
 * ```
 */
export function surrogateProblem(sf: Spikeflow, neuronOptions: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const id = neuronOptions?.surrogate;
  if (typeof id !== 'string') return undefined;
  try {
    sf.surrogates.get(id);
    return undefined;
  } catch (e) {
    if (!SpikeflowError.is(e, 'unknown-id')) throw e;
    const hint = didYouMean(
      id,
      sf.surrogates.list().flatMap((d) => [d.id, d.fullId]),
    );
    return `${e.message}${hint ? ` (did you mean '${hint}'?)` : ''}`;
  }
}
