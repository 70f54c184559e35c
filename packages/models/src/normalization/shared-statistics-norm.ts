import { Module, SpikeflowError, batchNormTrain, tf, type Tensor } from '@spikeflow/core';
import { checkFeatures, normSettings, updateRunning, type NormOptions } from './channel-stats.js';

/**
 * A batch norm with one set of statistics over all of T, B and space, per channel (tdBN, TEBN):
 * parameters `weight` (γ, starting at `gamma`) and `bias` (β), buffers `running_mean` and
 * `running_var` with PyTorch's update rule. Subclasses add what sets them apart.
 */
export abstract class SharedStatisticsNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;

  /** `layer` names the layer in messages. */
  constructor(
    layer: string,
    readonly numFeatures: number,
    options: NormOptions,
    gamma: number,
  ) {
    super();
    checkFeatures(layer, numFeatures);
    ({ eps: this.eps, momentum: this.momentum } = normSettings(layer, options));
    this.weight = this.registerParameter('weight', tf.fill([numFeatures], gamma));
    this.bias = this.registerParameter('bias', tf.zeros([numFeatures]));
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
  }

  /**
   * `γ·(x − μ)/√(σ² + ε) + β` per channel of `x` with the batch statistics over every other axis in
   * training (updating the running ones), the running statistics in eval mode.
   */
  protected normalize(x: Tensor): Tensor {
    if (this.training) {
      const x2 = tf.reshape(x, [-1, this.numFeatures]);
      const n = x2.shape[0];
      if (n < 2) throw new SpikeflowError('shape-mismatch', `${this.describe()}: expected more than 1 value per channel when training, got [${x.shape}]`);
      const { y, mean, variance } = batchNormTrain(x2, this.weight, this.bias, this.eps);
      updateRunning({ mean: this.runningMean, variance: this.runningVar }, mean, variance, n, this.momentum);
      tf.dispose([mean, variance]);
      return tf.reshape(y, x.shape);
    }
    const scale = tf.mul(tf.rsqrt(tf.add(this.runningVar, this.eps)), this.weight);
    return tf.add(tf.mul(x, scale), tf.sub(this.bias, tf.mul(this.runningMean, scale)));
  }
}
