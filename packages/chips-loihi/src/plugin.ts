import { definePlugin, type Plugin } from '@spikeflow/core';
import { loihi1Descriptor, loihi2Descriptor } from './loihi-target.js';

/**
 * The `@spikeflow/chips-loihi` plugin: hardware targets `loihi/loihi2` and `loihi/loihi1`.
 *
 * @example
 * ```ts
 * const sf = createSpikeflow({ plugins: [neurons(), models(), chipsLoihi()] });
 * sf.container.get(HardwareTargetRegistry).get('loihi2');
 * ```
 */
export function chipsLoihi(): Plugin {
  return definePlugin({ name: '@spikeflow/chips-loihi', version: '0.1.0', namespace: 'loihi' }, { hardwareTargets: [loihi2Descriptor, loihi1Descriptor] });
}

export default chipsLoihi;
