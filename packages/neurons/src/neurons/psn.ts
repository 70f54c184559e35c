import { NeuronModule, type NeuronDescriptor, type SurrogateFunction, type Tensor, type Variable, tf } from '@spikeflow/core';
import { z } from 'zod';
import { atan } from '../surrogates/atan.js';
import { describeSurrogate } from './node-options.js';
import { kaimingUniform, parallelFire, requireInt, requireTimeSteps } from './psn-kit.js';

/** Constructor options of {@link PSN}. */
export interface PSNOptions {
  /** Number of time steps T; the weight is `[T, T]` and inputs must have this T. */
  readonly timeSteps: number;
  /** Surrogate gradient (default ATan, α = 2, as SpikingJelly's PSN). */
  readonly surrogate?: SurrogateFunction;
}

/**
 * The Parallel Spiking Neuron (Fang et al. 2023, "Parallel Spiking Neurons with High Efficiency and
 * Ability to Learn Long-term Dependencies"), as SpikingJelly's `PSN`. Without a reset the charge
 * of a whole sequence is one linear map over time, so all T steps run as one matrix product:
 *
 * ```
 * H = W·X + b          W ∈ ℝ^{T×T} (parameter `weight`), b ∈ ℝ^{T×1} (parameter `bias`), X as [T, N]
 * S = Θ(H)             (b plays −V_th, one threshold per time step)
 * ```
 *
 * Inputs are `[T, B, ...]`, flattened to `[T, N]`; T must equal `timeSteps` (else a
 * `shape-mismatch` error). Initialisation as SpikingJelly: `W ~ U(−1/√T, 1/√T)` from the global
 * seeded generator, `b = −1`. No state, so every `forward` is independent; there is no single-step
 * mode (step t reads future inputs). Use {@link MaskedPSN} or {@link SlidingPSN} for causal variants.
 *
 * @example
 * ```ts
 * const psn = new PSN({ timeSteps: 4 });
 * const spikes = psn.forward(tf.randomUniform([4, 32, 128])); // [T, B, features]
 * ```
 */
export class PSN extends NeuronModule {
  readonly timeSteps: number;
  readonly surrogate: SurrogateFunction;
  /** `[T, T]`: row t mixes the inputs of every step into H[t]. */
  readonly weight: Variable;
  /** `[T, 1]`: the per-step bias (−threshold). */
  readonly bias: Variable;

  constructor(options: PSNOptions) {
    super();
    this.timeSteps = requireInt('PSN', 'timeSteps', options?.timeSteps);
    this.surrogate = options.surrogate ?? atan();
    this.weight = this.registerParameter('weight', kaimingUniform([this.timeSteps, this.timeSteps], this.timeSteps));
    this.bias = this.registerParameter('bias', tf.fill([this.timeSteps, 1], -1));
  }

  /** Multi-step: `[T, B, ...]` to `[T, B, ...]` spikes in one matrix product. */
  forward(xSeq: Tensor): Tensor {
    requireTimeSteps(this.describe(), xSeq, this.timeSteps);
    const spikes = parallelFire(this.weight, this.bias, xSeq, this.surrogate);
    this.recordSpikes(spikes);
    return spikes;
  }

  override describe(): string {
    return `PSN(T=${this.timeSteps}, surrogate=${describeSurrogate(this.surrogate)})`;
  }
}

const schema = z.object({
  timeSteps: z.number().int().positive(),
  surrogate: z.string().min(1).default('atan'),
  surrogateOptions: z.record(z.string(), z.number()).default({}),
}).strict();

/** Validated options of the `psn` descriptor. */
export type PSNDescriptorOptions = z.infer<typeof schema>;

/** Registry entry `neurons/psn`. */
export const psnDescriptor: NeuronDescriptor<PSNDescriptorOptions> = {
  id: 'psn',
  description: 'Parallel Spiking Neuron (Fang et al. 2023, SpikingJelly PSN): H = W·X + b over time (W [T, T]), S = Θ(H); needs timeSteps',
  options: schema,
  create: (options, context) => new PSN({ timeSteps: options.timeSteps, surrogate: context.surrogate(options.surrogate, options.surrogateOptions) }),
};
