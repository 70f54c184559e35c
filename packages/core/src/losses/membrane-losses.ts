import { z } from 'zod';
import { tf, type Tensor } from '../engine/tf.js';
import { noOptions } from '../util/no-options.js';
import { checkClassOutput } from './check-class-output.js';
import type { LossDescriptor, LossFunction } from '../contracts/loss.js';
import { crossEntropy } from './losses.js';

function checkMembrane(output: Tensor, labels: Tensor, numClasses: number, id: string): void {
  checkClassOutput(output, labels, numClasses, id, "the output layer's membrane potential", ' (e.g. from a NonSpikingLIF)');
}

/**
 * Cross-entropy on the output membrane potential at every step, averaged over time:
 * `mean_t CE(V[t], y)` — snnTorch's `ce_mem_loss`. Use with a non-firing output layer
 * ({@link NonSpikingLIF}) whose `[T, B, C]` membrane is the network output.
 */
export function crossEntropyMembraneLoss(): LossFunction {
  return {
    id: 'core/ce-membrane',
    compute(output, labels, numClasses) {
      checkMembrane(output, labels, numClasses, 'ce-membrane');
      return tf.tidy(() => {
        const T = output.shape[0];
        const logits = tf.reshape(output, [T * output.shape[1]!, numClasses]);
        // Every step's CE has the same batch size, so the mean over T·B rows is the mean over t of the batch means.
        return crossEntropy(logits, tf.tile(labels, [T]), numClasses);
      });
    },
  };
}

/**
 * Mean squared error between the output membrane potential at every step and a target of `onTarget`
 * for the label's class and `offTarget` elsewhere, averaged over time, batch and classes —
 * snnTorch's `mse_membrane_loss` (defaults on 1, off 0).
 */
export function mseMembraneLoss(options: { onTarget?: number; offTarget?: number } = {}): LossFunction {
  const on = options.onTarget ?? 1;
  const off = options.offTarget ?? 0;
  return {
    id: 'core/mse-membrane',
    compute(output, labels, numClasses) {
      checkMembrane(output, labels, numClasses, 'mse-membrane');
      return tf.tidy(() => {
        const hot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, numClasses).toFloat();
        const target = tf.add(tf.mul(hot, on - off), off);
        return tf.mean(tf.square(tf.sub(output, target)));
      });
    },
  };
}

export const ceMembraneDescriptor: LossDescriptor<Record<string, never>> = {
  id: 'ce-membrane',
  description: "Cross-entropy on the output layer's membrane potential at every step (snnTorch ce_mem_loss)",
  options: noOptions,
  create: () => crossEntropyMembraneLoss(),
};

export const mseMembraneDescriptor: LossDescriptor<{ onTarget: number; offTarget: number }> = {
  id: 'mse-membrane',
  description: 'MSE between the output membrane potential at every step and on/off targets (snnTorch mse_membrane_loss)',
  options: z.object({ onTarget: z.number().default(1), offTarget: z.number().default(0) }).strict(),
  create: (o) => mseMembraneLoss(o),
};
