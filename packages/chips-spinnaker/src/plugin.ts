import { definePlugin, type Plugin } from '@spikeflow/core';
import { spinnakerTargetDescriptor } from './target/spinnaker-target.js';

/**
 * The `@spikeflow/chips-spinnaker` plugin: hardware target `spinnaker/spinnaker1`.
 *
 * @example
 * ```ts
 * const sf = createSpikeflow({ plugins: [neurons(), models(), spinnaker()] });
 * const target = sf.hardwareTargets.get('spinnaker1').create({ timeSteps: 8, input: 'current', simulator: 'spinnaker', boards: 1, neuronsPerCore: 256 });
 * ```
 */
export function spinnaker(): Plugin {
  return definePlugin({ name: '@spikeflow/chips-spinnaker', version: '0.1.0', namespace: 'spinnaker' }, { hardwareTargets: [spinnakerTargetDescriptor] });
}

export default spinnaker;
