import { SpikeflowError, tf, type NeuronTransition, type SurrogateFunction, type Tensor, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { describeWithSurrogate, neuronDescriptor, type NeuronDescriptorOptions, surrogateOptionShape } from './node-options.js';
import { ParallelNeuron, type PSNHistory } from './parallel-neuron.js';
import { kaimingUniform, requireInt, requireTimeSteps } from './psn-kit.js';

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
 * seeded generator, `b = −1`. No state, so every `forward` is independent. There is no single-step
 * mode: row t of W reads every step's input, future ones included, so `step(x)` throws
 * `not-supported`; {@link MaskedPSN} (at λ = 1) and {@link SlidingPSN} are the causal variants.
 *
 * @example
 * ```ts
 * const psn = new PSN({ timeSteps: 4 });
 * const spikes = psn.forward(tf.randomUniform([4, 32, 128])); // [T, B, features]
 * ```
 */
export class PSN extends ParallelNeuron {
  readonly timeSteps: number;
  /** `[T, T]`: row t mixes the inputs of every step into H[t]. */
  readonly weight: Variable;
  /** `[T, 1]`: the per-step bias (−threshold). */
  readonly bias: Variable;

  constructor(options: PSNOptions) {
    super(options?.surrogate);
    this.timeSteps = requireInt('PSN', 'timeSteps', options?.timeSteps);
    this.weight = this.registerParameter('weight', kaimingUniform([this.timeSteps, this.timeSteps], this.timeSteps));
    this.bias = this.registerParameter('bias', tf.fill([this.timeSteps, 1], -1));
  }

  protected sequenceWeight(): Tensor {
    return this.weight;
  }

  protected override checkSequence(xSeq: Tensor): void {
    requireTimeSteps(this.describe(), xSeq, this.timeSteps);
  }

  protected override checkStep(): void {
    throw this.notCausal();
  }

  transition(): NeuronTransition<PSNHistory> {
    throw this.notCausal();
  }

  private notCausal(): SpikeflowError {
    return new SpikeflowError(
      'not-supported',
      `${this.describe()} has no single-step mode: its weight [T, T] mixes every time step into H[t], so step t would read inputs that have not arrived yet (it is not causal); use MaskedPSN (order-k band, at lambda = 1) or SlidingPSN, which run step by step`,
    );
  }

  override describe(): string {
    return describeWithSurrogate('PSN', [`T=${this.timeSteps}`], this.surrogate);
  }
}

/** Registry entry `neurons/psn`. */
export const psnDescriptor = neuronDescriptor('psn', PSN, {
  description: 'Parallel Spiking Neuron (Fang et al. 2023, SpikingJelly PSN): H = W·X + b over time (W [T, T]), S = Θ(H); needs timeSteps',
  options: {
    timeSteps: z.number().int().positive(),
    ...surrogateOptionShape('atan'),
  },
});

/** Validated options of the `psn` descriptor. */
export type PSNDescriptorOptions = NeuronDescriptorOptions<typeof psnDescriptor>;
