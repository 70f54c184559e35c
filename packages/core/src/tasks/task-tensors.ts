import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { ReadOut, TargetSpec, Task } from '../contracts/task.js';
import { readOutput } from './read-out.js';
import { targetLayout, targetShape } from './target-layout.js';

/**
 * Check a batch's `y` against `spec` and make it a tensor (`int32` labels or `float32` values,
 * `[size, ...targetShape(spec)]`); typed errors name the task, what was wrong and what was expected.
 */
export function targetTensorOf(taskId: string, spec: TargetSpec, y: Int32Array | Float32Array, size: number): Tensor {
  const layout = targetLayout(spec, ['class', 'regression'], `task '${taskId}'`);
  const wantInt = layout.kind === 'class';
  if (wantInt ? !(y instanceof Int32Array) : !(y instanceof Float32Array)) {
    throw new SpikeflowError(
      'shape-mismatch',
      `task '${taskId}' expects y as ${wantInt ? 'an Int32Array of class labels' : 'a Float32Array of target values'}, got ${y?.constructor?.name ?? typeof y}`,
    );
  }
  if (!Number.isInteger(size) || size < 1 || y.length !== size * layout.targetPerSample) {
    throw new SpikeflowError(
      'shape-mismatch',
      `task '${taskId}' expects ${layout.targetPerSample} target value(s) per sample, ${size} samples: ${size * layout.targetPerSample} values; got ${y.length}`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (wantInt ? v < 0 || v >= layout.width : !Number.isFinite(v)) {
      throw new SpikeflowError(
        wantInt ? 'shape-mismatch' : 'dataset-corrupt',
        wantInt
          ? `task '${taskId}': label ${v} of sample ${Math.floor(i / layout.targetPerSample)} is not a class in [0, ${layout.width})`
          : `task '${taskId}': target value ${i} is ${v}; targets must be finite`,
      );
    }
  }
  return wantInt ? tf.tensor(y, [size, ...targetShape(spec)], 'int32') : tf.tensor(y, [size, ...targetShape(spec)], 'float32');
}

/** The read-out on the host in sample-major layout (`per-step` outputs `[T, B, ...]` become `[B, T, ...]`). */
export function predictionOf(output: Tensor, readOut: ReadOut): Float32Array {
  const read = tf.tidy(() => {
    const r = readOutput(output, readOut);
    if (readOut !== 'per-step') return tf.cast(r, 'float32');
    return tf.cast(tf.transpose(r, [1, 0, ...r.shape.slice(2).map((_, i) => i + 2)]), 'float32');
  });
  try {
    return read.dataSync() as Float32Array;
  } finally {
    read.dispose();
  }
}

/** Throw a `shape-mismatch` naming the task when `output.shape` is not `expected` (`-1` = any size). */
export function expectOutputShape(taskId: string, output: Tensor, expected: readonly number[], described: string): void {
  const ok = output.rank === expected.length && expected.every((d, i) => d === -1 || d === output.shape[i]);
  if (!ok) throw new SpikeflowError('shape-mismatch', `task '${taskId}' expects the network output ${described}, got [${output.shape}]`);
}

/**
 * A {@link Task} from its declarations: the output check, read-out, host prediction and target
 * tensor all follow from `id`, `target`, `readOut` and the expected output shape.
 */
export function assembleTask(parts: Omit<Task, 'checkOutput' | 'readOutput' | 'predict' | 'targetTensor'> & { readonly checkOutput: (output: Tensor) => void }): Task {
  const { checkOutput, id, target, readOut } = parts;
  return {
    ...parts,
    readOutput(output) {
      checkOutput(output);
      return readOutput(output, readOut);
    },
    predict(output) {
      checkOutput(output);
      return predictionOf(output, readOut);
    },
    targetTensor: (y, size) => targetTensorOf(id, target, y, size),
  };
}
