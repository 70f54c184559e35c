import { Module, SpikeflowError, tf, type NeuronTransition, type SurrogateFunction, type Tensor, type TrainerCallback, type Variable } from '@spikeflow/core';
import { z } from 'zod';
import { describeWithSurrogate, formatNumber, neuronDescriptor, type NeuronDescriptorOptions, surrogateOptionShape } from './node-options.js';
import { ParallelNeuron, type PSNHistory } from './parallel-neuron.js';
import { kaimingUniform, requireInt, requireTimeSteps } from './psn-kit.js';

/** Constructor options of {@link MaskedPSN}. */
export interface MaskedPSNOptions {
  /** Number of time steps T; the weight is `[T, T]` and inputs must have this T. */
  readonly timeSteps: number;
  /** Order k ≥ 1: H[t] reads X[t − k + 1 .. t] once the mask is fully on (λ = 1). */
  readonly order: number;
  /** Initial mask-annealing λ in [0, 1] (default 0: no masking yet, as SpikingJelly's `lambda_init`). */
  readonly lambdaInit?: number;
  /** Surrogate gradient (default ATan, α = 2). */
  readonly surrogate?: SurrogateFunction;
}

function requireLambda(value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new SpikeflowError('invalid-options', `MaskedPSN: lambda must be a number in [0, 1] (0 = no mask, 1 = the order-k band), got ${value}`, { option: 'lambda', value });
  }
  return value;
}

/**
 * The masked PSN of order k (Fang et al. 2023), as SpikingJelly's `MaskedPSN`: a {@link PSN} whose
 * `[T, T]` weight is masked to a causal band of k steps, so step t only reads the last k inputs
 * and the neuron can run step by step at inference:
 *
 * ```
 * H = (W ⊙ M_k(λ))·X + b,   S = Θ(H)
 * M_k[i][j] = 1 if j ≤ i ≤ j + k − 1, else 0          (the band: X[i − k + 1 .. i])
 * M_k(λ) = λ·M_k + (1 − λ)·J                          (J all ones)
 * ```
 *
 * λ anneals the mask during training: the paper starts dense (λ = 0) and raises λ to 1, after
 * which the band is exact (`W ⊙ M_k`). Set {@link lambda} yourself, or use
 * {@link maskedPsnLambda} / {@link maskedPsnLambdaCallback} for the linear ramp the authors'
 * example uses, `λ = min(1, (epoch + 1)/rampEpochs)`. λ is a buffer (`lambda`), so a checkpoint
 * resumes the schedule; the band is the buffer `mask`. Parameters `weight` `[T, T]`
 * (`U(−1/√T, 1/√T)`, seeded) and `bias` `[T, 1]` (−1), as SpikingJelly. At λ = 1 it also runs
 * step by step (`step(x)` keeps the last k inputs, at most T steps between resets); below 1 the
 * mask still lets step t read later inputs, so single-step mode is refused (`not-supported`).
 *
 * @example
 * ```ts
 * const layer = new MaskedPSN({ timeSteps: 8, order: 2 });
 * layer.lambda = maskedPsnLambda(epoch, 20); // ramp the mask in over 20 epochs
 * ```
 */
export class MaskedPSN extends ParallelNeuron {
  readonly timeSteps: number;
  readonly order: number;
  readonly weight: Variable;
  readonly bias: Variable;
  /** The order-k band M_k `[T, T]` (buffer). */
  readonly mask: Variable;
  private readonly lambdaBuffer: Variable;

  constructor(options: MaskedPSNOptions) {
    super(options?.surrogate);
    this.timeSteps = requireInt('MaskedPSN', 'timeSteps', options?.timeSteps);
    this.order = requireInt('MaskedPSN', 'order', options.order);
    const T = this.timeSteps;
    this.weight = this.registerParameter('weight', kaimingUniform([T, T], T));
    this.bias = this.registerParameter('bias', tf.fill([T, 1], -1));
    const band = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) band[i * T + j] = j <= i && i <= j + this.order - 1 ? 1 : 0;
    this.mask = this.registerBuffer('mask', tf.tensor2d(band, [T, T]));
    this.lambdaBuffer = this.registerBuffer('lambda', tf.scalar(requireLambda(options.lambdaInit ?? 0)));
    this.registerHistory(this.order);
  }

  /** The mask-annealing λ in [0, 1]. */
  get lambda(): number {
    return this.lambdaBuffer.dataSync()[0];
  }

  set lambda(value: number) {
    this.lambdaBuffer.assign(tf.scalar(requireLambda(value)));
  }

  /** `W ⊙ M_k(λ)`: the weight the forward pass uses (differentiable in W). */
  maskedWeight(): Tensor {
    const lambda = this.lambda;
    if (lambda >= 1) return tf.mul(this.weight, this.mask);
    return tf.mul(this.weight, tf.add(tf.mul(this.mask, lambda), 1 - lambda));
  }

  protected sequenceWeight(): Tensor {
    return this.maskedWeight();
  }

  protected override checkSequence(xSeq: Tensor): void {
    requireTimeSteps(this.describe(), xSeq, this.timeSteps);
  }

  protected override checkStep(_x: Tensor, t: number): void {
    if (this.lambda < 1) {
      throw new SpikeflowError('not-supported', `${this.describe()} runs step by step only once the mask is fully on (lambda = 1): below 1, step t still reads later inputs`);
    }
    if (t >= this.timeSteps) {
      throw new SpikeflowError(
        'invalid-state',
        `${this.describe()} has run ${t} single steps, and its weight has one row per step for ${this.timeSteps}: call resetNet(model) before the next sequence`,
      );
    }
  }

  /** Step t: H[t] = Σ_j (W ⊙ M_k)[t][j]·X[j] over the last k inputs, + b[t]. */
  transition(x: Tensor, { history }: PSNHistory, t: number): NeuronTransition<PSNHistory> {
    const k = this.order;
    const first = Math.max(0, t - k + 1);
    const row = tf.slice(this.maskedWeight(), [t, first], [1, t - first + 1]);
    // Steps before 0 have no weight: zeros for the history slots they occupy.
    const padded =
      t - first + 1 < k
        ? tf.pad(row, [
            [0, 0],
            [k - (t - first + 1), 0],
          ])
        : row;
    return this.causalStep(x, history, padded, tf.reshape(tf.slice(this.bias, [t, 0], [1, 1]), []));
  }

  override describe(): string {
    return describeWithSurrogate('MaskedPSN', [`T=${this.timeSteps}`, `k=${this.order}`, `lambda=${formatNumber(this.lambda)}`], this.surrogate);
  }
}

/**
 * The mask-annealing schedule: λ rises linearly from `1/rampEpochs` at epoch 0 to 1 at epoch
 * `rampEpochs − 1` and stays there (`min(1, (epoch + 1)/rampEpochs)`, epochs counted from 0).
 *
 * @example
 * ```ts
 * maskedPsnLambda(0, 4); // 0.25
 * maskedPsnLambda(9, 4); // 1
 * ```
 */
export function maskedPsnLambda(epoch: number, rampEpochs: number): number {
  if (!Number.isInteger(epoch) || epoch < 0) throw new SpikeflowError('invalid-options', `maskedPsnLambda: epoch must be an integer ≥ 0, got ${epoch}`);
  requireInt('maskedPsnLambda', 'rampEpochs', rampEpochs);
  return Math.min(1, (epoch + 1) / rampEpochs);
}

/**
 * A trainer callback that sets λ of every {@link MaskedPSN} in `model` from {@link maskedPsnLambda}
 * at the start of each epoch.
 *
 * @example
 * ```ts
 * await trainer.fit(train, { epochs: 40, callbacks: [maskedPsnLambdaCallback(model, 10)] });
 * ```
 */
export function maskedPsnLambdaCallback(model: Module, rampEpochs: number): TrainerCallback {
  requireInt('maskedPsnLambdaCallback', 'rampEpochs', rampEpochs);
  return {
    onEpochStart(epoch: number) {
      const lambda = maskedPsnLambda(epoch, rampEpochs);
      for (const [, m] of model.namedModules()) if (m instanceof MaskedPSN) m.lambda = lambda;
    },
  };
}

/** Registry entry `neurons/masked-psn`. */
export const maskedPsnDescriptor = neuronDescriptor('masked-psn', MaskedPSN, {
  description: 'Masked PSN of order k (Fang et al. 2023): H = (W ⊙ M_k(λ))·X + b, causal band of k steps, λ annealed 0 → 1',
  options: {
    timeSteps: z.number().int().positive(),
    order: z.number().int().positive(),
    lambdaInit: z.number().min(0).max(1).default(0),
    ...surrogateOptionShape('atan'),
  },
});

/** Validated options of the `masked-psn` descriptor. */
export type MaskedPSNDescriptorOptions = NeuronDescriptorOptions<typeof maskedPsnDescriptor>;
