import { z } from 'zod';
import { Flatten, Linear, NonSpikingLIF, Sequential, SpikeflowError, type ArchitectureDescriptor, type Module, type NeuronFactory } from '@spikeflow/core';
import { TimeInvariant } from '../layers/time-invariant.js';

export interface LifMlpOptions {
  /** Hidden layer widths (default `[512]`, i.e. 784-512-10). */
  readonly hidden: readonly number[];
  /** Bias in the linear layers (default false, as SpikingJelly's examples). */
  readonly bias: boolean;
  /**
   * The output layer: `spikes` (default) fires, its rate is the class score; `membrane` is a
   * non-firing leaky integrator (`NonSpikingLIF`, τ = `outputTau`) whose potential is the output —
   * real-valued, so it can fit unbounded targets (forecasting z-scored series).
   */
  readonly output: 'spikes' | 'membrane';
  /** τ of the `membrane` output (default 2). */
  readonly outputTau: number;
}

/**
 * A fully connected spiking network: `Flatten → [Linear → neuron] × (hidden + 1)`, children named
 * `fc1` (Flatten + Linear), `lif1`, `fc2`, `lif2`, ...; the output
 * layer spikes too, and its firing rate is the class score (SpikingJelly's MNIST/Fashion-MNIST
 * examples). With `output: 'membrane'` the last neuron is a non-firing `readout` (its membrane
 * potential is the output: `numClasses` real values per step, for regression). With a time-invariant input the first Linear runs once and is repeated over T.
 *
 * @example
 * ```ts
 * const net = lifMlp({ hidden: [512], bias: false }, { inputShape: [28, 28, 1], numClasses: 10, neuron: () => new LIFNode({ surrogate }), staticInput: true });
 * ```
 */
export function lifMlp(
  options: Pick<LifMlpOptions, 'hidden' | 'bias'> & Partial<Pick<LifMlpOptions, 'output' | 'outputTau'>>,
  context: { inputShape: readonly number[]; numClasses: number; neuron: NeuronFactory; staticInput?: boolean },
): Module {
  const inFeatures = context.inputShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(inFeatures) || inFeatures < 1) throw new SpikeflowError('invalid-options', `lif-mlp needs a positive input shape, got [${context.inputShape}]`);
  const widths = [inFeatures, ...options.hidden, context.numClasses];
  // Children are named fc<i>/lif<i> so parameter names and firing rates read `fc1.…`, `lif1`;
  // construction order (and so every RNG draw) is the same as when they were numbered.
  const net = new Sequential();
  for (let i = 0; i + 1 < widths.length; i++) {
    const linear = new Linear(widths[i], widths[i + 1], { bias: options.bias });
    if (i === 0) {
      const first = new Sequential({ flatten: new Flatten(), linear });
      net.append(context.staticInput ? new TimeInvariant(first) : first, 'fc1');
    } else net.append(linear, `fc${i + 1}`);
    const last = i + 2 === widths.length;
    if (last && options.output === 'membrane') net.append(new NonSpikingLIF({ tau: options.outputTau }), 'readout');
    else net.append(context.neuron(`layer${i + 1}`), `lif${i + 1}`);
  }
  return net;
}

export const lifMlpDescriptor: ArchitectureDescriptor<LifMlpOptions> = {
  id: 'lif-mlp',
  description: 'Fully connected spiking MLP (784-512-10 by default), spiking output layer',
  defaultEncoder: 'core/direct',
  defaultInput: { inputShape: [28, 28, 1], numClasses: 10 },
  options: z
    .object({
      hidden: z.array(z.number().int().positive()).default([512]),
      bias: z.boolean().default(false),
      output: z.enum(['spikes', 'membrane']).default('spikes'),
      outputTau: z.number().gt(1).default(2),
    })
    .strict(),
  create: (options, context) => lifMlp(options, context),
};
