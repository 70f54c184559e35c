import { definePlugin, type NeuronDescriptor, type Plugin, type SurrogateDescriptor } from '@spikeflow/core';
import { ifDescriptor } from './neurons/if-node.js';
import { lifDescriptor } from './neurons/lif-node.js';
import { plifDescriptor } from './neurons/parametric-lif-node.js';
import { cubaLifDescriptor } from './neurons/cuba-lif-node.js';
import { alifDescriptor } from './neurons/alif-node.js';
import { klifDescriptor } from './neurons/klif-node.js';
import { glifDescriptor } from './neurons/glif-node.js';
import { izhikevichDescriptor } from './neurons/izhikevich-node.js';
import { qifDescriptor } from './neurons/qif-node.js';
import { eifDescriptor } from './neurons/eif-node.js';
import { psnDescriptor } from './neurons/psn.js';
import { maskedPsnDescriptor } from './neurons/masked-psn.js';
import { slidingPsnDescriptor } from './neurons/sliding-psn.js';
import { atanDescriptor } from './surrogates/atan.js';
import { erfDescriptor } from './surrogates/erf.js';
import { leakyKReluDescriptor } from './surrogates/leaky-k-relu.js';
import { logTailedReluDescriptor } from './surrogates/log-tailed-relu.js';
import { nonzeroSignLogAbsDescriptor } from './surrogates/nonzero-sign-log-abs.js';
import { piecewiseExpDescriptor } from './surrogates/piecewise-exp.js';
import { piecewiseLeakyReluDescriptor } from './surrogates/piecewise-leaky-relu.js';
import { piecewiseQuadraticDescriptor } from './surrogates/piecewise-quadratic.js';
import { qPseudoSpikeDescriptor } from './surrogates/q-pseudo-spike.js';
import { rectDescriptor } from './surrogates/rect.js';
import { s2nnDescriptor } from './surrogates/s2nn.js';
import { sigmoidDescriptor } from './surrogates/sigmoid.js';
import { softSignDescriptor } from './surrogates/soft-sign.js';
import { squarewaveFourierSeriesDescriptor } from './surrogates/squarewave-fourier-series.js';
import { superSpikeDescriptor } from './surrogates/super-spike.js';
import { NAMESPACE } from './surrogates/surrogate-kit.js';

/**
 * Every neuron this package contributes: `neurons/if`, `lif`, `plif`, `cuba-lif`, `alif`, `klif`,
 * `glif`, `izhikevich`, `qif`, `eif`, `psn`, `masked-psn`, `sliding-psn`.
 */
export const neuronDescriptors: readonly NeuronDescriptor<any>[] = Object.freeze([
  ifDescriptor,
  lifDescriptor,
  plifDescriptor,
  cubaLifDescriptor,
  alifDescriptor,
  klifDescriptor,
  glifDescriptor,
  izhikevichDescriptor,
  qifDescriptor,
  eifDescriptor,
  psnDescriptor,
  maskedPsnDescriptor,
  slidingPsnDescriptor,
]);

/** Every surrogate this package contributes (SpikingJelly's smooth-step surrogates). */
export const surrogateDescriptors: readonly SurrogateDescriptor<any>[] = Object.freeze([
  sigmoidDescriptor,
  atanDescriptor,
  piecewiseQuadraticDescriptor,
  piecewiseExpDescriptor,
  softSignDescriptor,
  superSpikeDescriptor,
  erfDescriptor,
  piecewiseLeakyReluDescriptor,
  rectDescriptor,
  s2nnDescriptor,
  qPseudoSpikeDescriptor,
  nonzeroSignLogAbsDescriptor,
  leakyKReluDescriptor,
  squarewaveFourierSeriesDescriptor,
  logTailedReluDescriptor,
]);

/**
 * The `@spikeflow/neurons` plugin: the neurons of {@link neuronDescriptors} and the surrogates, all under the
 * `neurons` namespace. The CLI finds it through the package's `"spikeflow": { "plugin" }` field.
 *
 * @example
 * ```ts
 * import { createSpikeflow } from '@spikeflow/core';
 * import { neurons } from '@spikeflow/neurons';
 *
 * const sf = createSpikeflow({ plugins: [neurons()] });
 * const lif = sf.neuron('lif', { tau: 2, surrogate: 'atan', surrogateOptions: { alpha: 2 } });
 * ```
 */
export function neurons(): Plugin {
  return definePlugin({ name: '@spikeflow/neurons', version: '0.1.0', namespace: NAMESPACE }, { neurons: neuronDescriptors, surrogates: surrogateDescriptors });
}

export default neurons;
