import { SpikeflowError } from '@spikeflow/core';
import { offchipCurrents } from '../network/map-model.js';
import type { NetworkSample, SpinnakerNetwork } from '../network/spinnaker-network.js';
import { lcg } from './lcg.js';

/**
 * `count` analog samples for a current-input network, uniform in [0, 1) from `lcg(seed)`: the inputs
 * `xs` `[count, inFeatures]`, their off-chip currents `[count, outFeatures]` and one sample per row.
 */
export function randomCurrentSamples(net: SpinnakerNetwork, count: number, seed: number): { xs: Float32Array; currents: Float32Array; samples: NetworkSample[] } {
  if (net.input.kind !== 'current') throw new SpikeflowError('invalid-options', 'randomCurrentSamples needs a current-input network');
  const { inFeatures, outFeatures } = net.input.offchip;
  const rnd = lcg(seed);
  const xs = Float32Array.from({ length: count * inFeatures }, () => rnd());
  const currents = offchipCurrents(net, xs, count);
  const samples = Array.from({ length: count }, (_, s) => ({ currents: currents.subarray(s * outFeatures, (s + 1) * outFeatures) }));
  return { xs, currents, samples };
}
