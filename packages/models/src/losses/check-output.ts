import { SpikeflowError, type Tensor } from '@spikeflow/core';

/** Throws unless `output` is `[T, B, numClasses]` and `labels` is `[B]` (same wording as core's losses). */
export function checkLossInput(id: string, output: Tensor, labels: Tensor, numClasses: number): void {
  if (output.rank !== 3 || output.shape[2] !== numClasses) {
    throw new SpikeflowError('shape-mismatch', `loss '${id}' expects the network output [T, B, ${numClasses}], got [${output.shape}]`);
  }
  if (labels.rank !== 1 || labels.shape[0] !== output.shape[1]) {
    throw new SpikeflowError('shape-mismatch', `loss '${id}' expects labels [${output.shape[1]}], got [${labels.shape}]`);
  }
}
