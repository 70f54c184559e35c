import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  SpikeflowError,
  Trainer,
  cosineLr,
  tf,
  type BatchLoader,
  type Encoder,
  type FitSummary,
  type LossFunction,
  type Module,
  type TrainerCallback,
} from '@spikeflow/core';
import type { QuantizedNetwork } from '../quantize/quantize.js';
import { QuantAwareAdam } from './quant-aware-adam.js';

/** What {@link quantizationAwareFinetune} trains. */
export interface QuantizationAwareFinetuneOptions {
  /** The float model `quantized` was mapped from (its weights are changed in place). */
  readonly model: Module;
  /** The chip mapping whose integer grid and input payload the training uses. */
  readonly quantized: QuantizedNetwork;
  readonly encoder: Encoder;
  readonly loss: LossFunction;
  readonly numClasses: number;
  readonly timeSteps: number;
  readonly seed: number;
  readonly train: BatchLoader;
  readonly test?: BatchLoader;
  readonly epochs: number;
  /** Learning rate (cosine schedule over all steps); default 1e-4. */
  readonly lr?: number;
  readonly callbacks?: readonly TrainerCallback[];
  /** Where checkpoints go and the config stored with them. */
  readonly checkpoints?: { readonly dir: string; readonly config: Record<string, unknown> };
  /** Name of the chip in error messages (default `Loihi`). */
  readonly target?: string;
}

/**
 * The gain of each mapped weight parameter (float weight → integer level; layer 0's per input
 * payload unit). Throws `not-supported` when BatchNorm or pooling would be folded into a weight
 * (the chip's grid is then on combined weights, not on one parameter), `invalid-state` when a
 * mapped layer is not a parameter of `model`.
 */
export function quantizationGains(model: Module, q: QuantizedNetwork, target = 'Loihi'): Map<string, number> {
  const folded = model.namedModules().find(([, m]) => m instanceof BatchNorm1d || m instanceof BatchNorm2d || m instanceof AvgPool2d);
  if (folded)
    throw new SpikeflowError(
      'not-supported',
      `finetune --target ${target.toLowerCase()} quantises each weight parameter directly; '${folded[0]}' (${folded[1].describe()}) is folded into its neighbour at export, so fine-tune without it`,
    );
  const params = new Set(model.namedParameters().map(([n]) => n));
  const gains = new Map(q.layers.map((l, i) => [`${l.name}.weight`, l.gain / (i === 0 ? q.inputScale : 1)] as const));
  for (const name of gains.keys()) if (!params.has(name)) throw new SpikeflowError('invalid-state', `mapped layer weight '${name}' is not a parameter of the model`);
  return gains;
}

/**
 * Quantisation-aware fine-tuning for Loihi. Each step runs the model with its mapped weights on
 * the chip's levels (even integers / gain) and its input quantised to the graded payload
 * `round(x · inputScale)`; the gradient there updates float shadow weights (straight-through
 * estimator). The model ends with the quantised (chip-representable) weights.
 *
 * @example
 * ```ts
 * const quantized = quantizeNetwork(readFloatNetwork(model, [28, 28, 1]), { calibration });
 * await quantizationAwareFinetune({ model, quantized, encoder, loss, numClasses: 10, timeSteps: 8, seed: 0, train, epochs: 1 });
 * ```
 */
export async function quantizationAwareFinetune(options: QuantizationAwareFinetuneOptions): Promise<FitSummary> {
  const { model, quantized: q } = options;
  const gains = quantizationGains(model, q, options.target ?? 'Loihi');
  const base = options.encoder;
  const scale = q.inputScale;
  const max = 2 ** q.inputBits - 1;
  const encoder: Encoder = {
    id: `${base.id}+loihi-input`,
    timeInvariant: base.timeInvariant,
    // The chip sees round(x · scale) as payload; train on the same values.
    encode: (x, ctx) => tf.tidy(() => base.encode(tf.div(tf.clipByValue(tf.round(tf.mul(x, scale)), 0, max), scale), ctx)),
  };
  const lr = options.lr ?? 1e-4;
  const optimizer = new QuantAwareAdam(model.namedParameters(), lr, gains);
  const trainer = new Trainer({
    model,
    encoder,
    loss: options.loss,
    optimizer,
    schedule: cosineLr({ lr, totalSteps: options.epochs * options.train.batchesPerEpoch }),
    timeSteps: options.timeSteps,
    numClasses: options.numClasses,
    seed: options.seed,
    callbacks: options.callbacks,
    ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
  });
  try {
    return await trainer.fit(options.train, { epochs: options.epochs, ...(options.test ? { test: options.test } : {}) });
  } finally {
    optimizer.dispose();
  }
}
