import { Module, SpikeflowError, tf, type Tensor } from '@spikeflow/core';

/**
 * `y = x + f(x)`: an identity shortcut around `inner`. What is added depends on where it sits:
 * spikes in Spikformer (spike-element-wise ADD), membrane-domain values in membrane-shortcut blocks.
 *
 * @example
 * ```ts
 * const rpe = new Residual(new Sequential(new Conv2d(c, c, 3, { padding: 1, bias: false }), new BatchNorm2d(c), neuron()));
 * ```
 */
export class Residual extends Module {
  readonly inner: Module;

  constructor(inner: Module) {
    super();
    this.inner = this.registerModule('inner', inner);
  }

  override forward(x: Tensor): Tensor {
    const y = this.inner.forward(x);
    if (y.shape.length !== x.shape.length || y.shape.some((d, i) => d !== x.shape[i])) {
      throw new SpikeflowError('shape-mismatch', `Residual: the inner block must keep the input shape [${x.shape}], got [${y.shape}]`);
    }
    return tf.add(x, y);
  }
}
