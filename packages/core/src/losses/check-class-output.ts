import type { Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';

/**
 * Check a classification loss's inputs: `output [T, B, numClasses]` and `labels [B]`. `what` names the
 * output in the error (the spiking output, or a membrane potential) and `hint` follows its shape.
 */
export function checkClassOutput(output: Tensor, labels: Tensor, numClasses: number, id: string, what = 'the network output', hint = ''): void {
  if (output.rank !== 3 || output.shape[2] !== numClasses) {
    throw new SpikeflowError('shape-mismatch', `loss '${id}' expects ${what} [T, B, ${numClasses}]${hint}, got [${output.shape}]`);
  }
  if (labels.rank !== 1 || labels.shape[0] !== output.shape[1]) {
    throw new SpikeflowError('shape-mismatch', `loss '${id}' expects labels [${output.shape[1]}], got [${labels.shape}]`);
  }
}
