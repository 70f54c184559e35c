import { z } from 'zod';
import { tf, type Tensor } from '../engine/tf.js';
import { noOptions } from '../util/no-options.js';
import { checkClassOutput } from './check-class-output.js';
import type { LossDescriptor, LossFunction } from '../contracts/loss.js';

function oneHot(labels: Tensor, numClasses: number): Tensor {
  return tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, numClasses).toFloat();
}

/** Mean over the batch of softmax cross-entropy between `logits [B, C]` and integer labels. */
export function crossEntropy(logits: Tensor, labels: Tensor, numClasses: number): Tensor {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits as tf.Tensor2D);
    return tf.neg(tf.mean(tf.sum(tf.mul(logp, oneHot(labels, numClasses)), -1)));
  });
}

/**
 * MSE between the output firing rate (mean over T) and the one-hot label — SpikingJelly's
 * `F.mse_loss(out_fr, label_onehot)`, averaged over batch and classes.
 */
export function mseRateLoss(): LossFunction {
  return {
    id: 'core/mse-rate',
    compute(output, labels, numClasses) {
      checkClassOutput(output, labels, numClasses, 'mse-rate');
      return tf.tidy(() => tf.mean(tf.square(tf.sub(tf.mean(output, 0), oneHot(labels, numClasses)))));
    },
  };
}

/** Cross-entropy on the time-mean output: `CE(mean_t O[t], y)`. */
export function crossEntropyMeanLoss(): LossFunction {
  return {
    id: 'core/ce-mean',
    compute(output, labels, numClasses) {
      checkClassOutput(output, labels, numClasses, 'ce-mean');
      return crossEntropy(tf.mean(output, 0), labels, numClasses);
    },
  };
}

/**
 * Temporal efficient training (Deng et al., ICLR 2022):
 * `(1 − λ) · mean_t CE(O[t], y) + λ · mean_t MSE(O[t], φ)` with target level φ (`means`).
 */
export function tetLoss(options: { lambda?: number; means?: number } = {}): LossFunction {
  const lambda = options.lambda ?? 1e-3;
  const means = options.means ?? 1;
  return {
    id: 'core/tet',
    compute(output, labels, numClasses) {
      checkClassOutput(output, labels, numClasses, 'tet');
      return tf.tidy(() => {
        const T = output.shape[0];
        const steps = tf.unstack(output, 0);
        const ce = tf.mul(tf.addN(steps.map((o) => crossEntropy(o, labels, numClasses))), 1 / T);
        if (lambda === 0) return ce;
        const reg = tf.mean(tf.square(tf.sub(output, means)));
        return tf.add(tf.mul(ce, 1 - lambda), tf.mul(reg, lambda));
      });
    },
  };
}

export const mseRateDescriptor: LossDescriptor<Record<string, never>> = {
  id: 'mse-rate',
  description: 'MSE between output firing rate and one-hot label (SpikingJelly examples)',
  options: noOptions,
  create: () => mseRateLoss(),
};

export const ceMeanDescriptor: LossDescriptor<Record<string, never>> = {
  id: 'ce-mean',
  description: 'Cross-entropy on the time-mean output',
  options: noOptions,
  create: () => crossEntropyMeanLoss(),
};

export const tetDescriptor: LossDescriptor<{ lambda: number; means: number }> = {
  id: 'tet',
  description: 'Temporal efficient training loss: per-step CE plus an MSE regulariser',
  options: z.object({ lambda: z.number().min(0).max(1).default(1e-3), means: z.number().default(1) }).strict(),
  create: (o) => tetLoss(o),
};
