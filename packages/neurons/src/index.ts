/**
 * `@spikeflow/neurons`: SpikingJelly's spiking neurons (IF, LIF, PLIF, CUBA-LIF, ALIF, KLIF, GLIF,
 * Izhikevich, QIF, EIF, the PSN family) and surrogate gradient
 * functions for spikeflow, as plain classes and factories and as a plugin for the registries.
 *
 * @example
 * ```ts
 * import { createSpikeflow, tf } from '@spikeflow/core';
 * import { LIFNode, atan, neurons } from '@spikeflow/neurons';
 *
 * // Directly:
 * const lif = new LIFNode({ tau: 2, surrogate: atan({ alpha: 2 }) });
 * const spikes = lif.forward(tf.randomUniform([8, 32, 100])); // [T, B, features]
 *
 * // Through the registries (what configs and the CLI use):
 * const sf = createSpikeflow({ plugins: [neurons()] });
 * const plif = sf.neuron('plif', { initTau: 2, vReset: null, surrogate: 'sigmoid' });
 * ```
 *
 * @packageDocumentation
 */

// The plugin and its contribution lists.
export { neurons, neuronDescriptors, surrogateDescriptors } from './plugin.js';

// Neurons.
export { IFNode, ifDescriptor } from './neurons/if-node.js';
export type { IFNodeOptions, IFDescriptorOptions } from './neurons/if-node.js';
export { LIFNode, lifDescriptor } from './neurons/lif-node.js';
export type { LIFNodeOptions, LIFDescriptorOptions } from './neurons/lif-node.js';
export { ParametricLIFNode, plifDescriptor } from './neurons/parametric-lif-node.js';
export type { ParametricLIFNodeOptions, PLIFDescriptorOptions } from './neurons/parametric-lif-node.js';
export { CubaLIFNode, cubaLifDescriptor } from './neurons/cuba-lif-node.js';
export type { CubaLIFNodeOptions, CubaLIFDescriptorOptions } from './neurons/cuba-lif-node.js';
export { ALIFNode, alifDescriptor } from './neurons/alif-node.js';
export type { ALIFNodeOptions, ALIFDescriptorOptions } from './neurons/alif-node.js';
export { KLIFNode, klifDescriptor } from './neurons/klif-node.js';
export type { KLIFNodeOptions, KLIFDescriptorOptions } from './neurons/klif-node.js';
export { GLIFNode, glifDescriptor } from './neurons/glif-node.js';
export type { GLIFNodeOptions, GLIFDescriptorOptions } from './neurons/glif-node.js';
export { IzhikevichNode, izhikevichDescriptor } from './neurons/izhikevich-node.js';
export type { IzhikevichNodeOptions, IzhikevichDescriptorOptions } from './neurons/izhikevich-node.js';
export { QIFNode, qifDescriptor } from './neurons/qif-node.js';
export type { QIFNodeOptions, QIFDescriptorOptions } from './neurons/qif-node.js';
export { EIFNode, eifDescriptor } from './neurons/eif-node.js';
export type { EIFNodeOptions, EIFDescriptorOptions } from './neurons/eif-node.js';
export { PSN, psnDescriptor } from './neurons/psn.js';
export type { PSNOptions, PSNDescriptorOptions } from './neurons/psn.js';
export { MaskedPSN, maskedPsnDescriptor, maskedPsnLambda, maskedPsnLambdaCallback } from './neurons/masked-psn.js';
export type { MaskedPSNOptions, MaskedPSNDescriptorOptions } from './neurons/masked-psn.js';
export { SlidingPSN, slidingPsnDescriptor } from './neurons/sliding-psn.js';
export type { SlidingPSNOptions, SlidingPSNDescriptorOptions } from './neurons/sliding-psn.js';
export { learnableThresholdOptionShape } from './neurons/learnable-threshold.js';
export type { LearnableThresholdMode, LearnableThresholdOptions } from './neurons/learnable-threshold.js';
export { spikingNodeOptionsShape, describeSurrogate } from './neurons/node-options.js';
export type { SpikingNodeOptions, NodeConstructorOptions } from './neurons/node-options.js';

// Surrogates.
export { sigmoid, sigmoidDescriptor } from './surrogates/sigmoid.js';
export type { SigmoidOptions } from './surrogates/sigmoid.js';
export { atan, atanDescriptor } from './surrogates/atan.js';
export type { ATanOptions } from './surrogates/atan.js';
export { piecewiseQuadratic, piecewiseQuadraticDescriptor } from './surrogates/piecewise-quadratic.js';
export type { PiecewiseQuadraticOptions } from './surrogates/piecewise-quadratic.js';
export { piecewiseExp, piecewiseExpDescriptor } from './surrogates/piecewise-exp.js';
export type { PiecewiseExpOptions } from './surrogates/piecewise-exp.js';
export { softSign, softSignDescriptor } from './surrogates/soft-sign.js';
export type { SoftSignOptions } from './surrogates/soft-sign.js';
export { superSpike, superSpikeDescriptor } from './surrogates/super-spike.js';
export type { SuperSpikeOptions } from './surrogates/super-spike.js';
export { erf, erfDescriptor } from './surrogates/erf.js';
export type { ErfOptions } from './surrogates/erf.js';
export { piecewiseLeakyRelu, piecewiseLeakyReluDescriptor } from './surrogates/piecewise-leaky-relu.js';
export type { PiecewiseLeakyReluOptions } from './surrogates/piecewise-leaky-relu.js';
export { rect, rectDescriptor } from './surrogates/rect.js';
export type { RectOptions } from './surrogates/rect.js';
export { s2nn, s2nnDescriptor } from './surrogates/s2nn.js';
export type { S2nnOptions } from './surrogates/s2nn.js';
export { qPseudoSpike, qPseudoSpikeDescriptor } from './surrogates/q-pseudo-spike.js';
export type { QPseudoSpikeOptions } from './surrogates/q-pseudo-spike.js';
export { nonzeroSignLogAbs, nonzeroSignLogAbsDescriptor } from './surrogates/nonzero-sign-log-abs.js';
export type { NonzeroSignLogAbsOptions } from './surrogates/nonzero-sign-log-abs.js';
export { leakyKRelu, leakyKReluDescriptor } from './surrogates/leaky-k-relu.js';
export type { LeakyKReluOptions } from './surrogates/leaky-k-relu.js';
export { squarewaveFourierSeries, squarewaveFourierSeriesDescriptor } from './surrogates/squarewave-fourier-series.js';
export type { SquarewaveFourierSeriesOptions } from './surrogates/squarewave-fourier-series.js';
export { logTailedRelu, logTailedReluDescriptor } from './surrogates/log-tailed-relu.js';
export type { LogTailedReluOptions } from './surrogates/log-tailed-relu.js';

// Fused multi-step op (IF/LIF/PLIF `forward` use it with `fused: true`, or unset on the cpu backend).
export { fusedMultiStep } from './fused/multi-step-node.js';
export type { FusedNeuronParams } from './fused/multi-step-node.js';
export { fusedOptionShape, fusedByDefault } from './fused/fused-forward.js';
// Custom kernels (registered through core's kernel registrars when a backend is selected).
export { registerNeuronKernels, NEURON_KERNELS } from './fused/kernels/register-neuron-kernels.js';
export { ChargeMode, SurrogateKind } from './fused/kernels/neuron-codes.js';
export type { NeuronKernelSignatures, NeuronKernelAttrs } from './fused/kernels/neuron-kernel-names.js';
