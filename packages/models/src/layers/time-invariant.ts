import { Module, SpikeflowError, passDataMark, repeatTime, tf, type Tensor } from '@spikeflow/core';

/**
 * Runs a stateless block once on a time-invariant input and repeats the result over T.
 *
 * With direct encoding every step carries the same image, so the first conv/linear block gives
 * the same output at every step; SpikingJelly's conv examples compute it once for the same reason.
 * Gradients are identical to running the block per step (the repeat's backward sums over T).
 * Only use it where the input really is constant over time (the architectures enable it when the
 * encoder is `core/direct`).
 */
export class TimeInvariant extends Module {
  readonly inner: Module;

  constructor(inner: Module) {
    super();
    this.inner = this.registerModule('inner', inner);
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2) throw new SpikeflowError('shape-mismatch', `TimeInvariant expects [T, B, ...], got [${x.shape}]`);
    return this.once(passDataMark(x, tf.slice(x, [0], [1])), x.shape[0]);
  }

  /** The input given once as `[B, ...]` (no repeated copy of it is ever made). */
  override forwardStatic(x: Tensor, timeSteps: number): Tensor {
    return this.once(passDataMark(x, tf.expandDims(x, 0)), timeSteps);
  }

  /** Run the block on `first [1, B, ...]` and repeat its output over T. */
  private once(first: Tensor, timeSteps: number): Tensor {
    const y = this.inner.forward(first);
    // repeatTime's backward sums the T slices, as the per-step computation would.
    return repeatTime(tf.reshape(y, y.shape.slice(1)), timeSteps);
  }

  override describe(): string {
    return 'TimeInvariant';
  }
}
