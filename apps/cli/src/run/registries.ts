import type { Spikeflow } from '@spikeflow/core';

/**
 * Every registry of `sf`, by the kind name `spikeflow info` and `spikeflow plugins list` print, in
 * the order they print them.
 *
 * @example
 * ```ts
 * for (const [kind, registry] of Object.entries(registriesByKind(sf))) console.log(kind, registry.list().length);
 * ```
 */
export function registriesByKind(sf: Spikeflow) {
  return {
    neurons: sf.neurons,
    surrogates: sf.surrogates,
    architectures: sf.architectures,
    datasets: sf.datasets,
    encoders: sf.encoders,
    losses: sf.losses,
    hardwareTargets: sf.hardwareTargets,
    tasks: sf.tasks,
    metrics: sf.metrics,
  };
}
