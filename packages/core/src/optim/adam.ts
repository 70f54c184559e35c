import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Optimizer } from './optimizer.js';
import { adamUpdateKernel, compiledLayerKernels } from '../ops/wasm-ops.js';

export interface AdamOptions {
  readonly lr?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
}

/**
 * Adam as `torch.optim.Adam` (L2 weight decay added to the gradient), and with `decoupled`
 * AdamW as `torch.optim.AdamW` (`p −= lr·wd·p` before the Adam step).
 * Update: `m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; p −= lr · m̂ / (sqrt(v̂) + eps)`.
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(
    params: Array<[string, tf.Variable]>,
    options: AdamOptions = {},
    protected readonly decoupled = false,
  ) {
    super(params, options.lr ?? 1e-3, decoupled ? 'adamw' : 'adam');
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? (decoupled ? 1e-2 : 0);
    for (const [k, v] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(v >= 0 && v < 1)) throw new SpikeflowError('invalid-options', `${this.kind}: ${k} must be in [0, 1), got ${v}`);
    }
    if (!(this.eps > 0)) throw new SpikeflowError('invalid-options', `${this.kind}: eps must be > 0`);
  }

  protected update(name: string, p: tf.Variable, grad: Tensor): void {
    if (p.dtype === 'float32' && compiledLayerKernels()) {
      // One compiled pass on wasm (same float32 operations in the same order as below).
      const m = this.slot(name, 'exp_avg', p);
      const v = this.slot(name, 'exp_avg_sq', p);
      const wd = this.weightDecay && !this.decoupled ? this.weightDecay : 0;
      const decay = this.decoupled && this.weightDecay ? 1 - this.lr * this.weightDecay : 1;
      const [p1, m1, v1] = adamUpdateKernel(p, grad, m, v, {
        b1: this.beta1,
        oneMinusB1: 1 - this.beta1,
        b2: this.beta2,
        oneMinusB2: 1 - this.beta2,
        sqrtBc2: Math.sqrt(1 - this.beta2 ** this.stepCount),
        eps: this.eps,
        step: this.lr / (1 - this.beta1 ** this.stepCount),
        wd,
        decay,
      });
      m.assign(m1);
      v.assign(v1);
      p.assign(p1);
      return;
    }
    let g = grad;
    if (this.weightDecay && !this.decoupled) g = tf.add(g, tf.mul(p, this.weightDecay));
    const base = this.decoupled && this.weightDecay ? tf.mul(p, 1 - this.lr * this.weightDecay) : p;
    const m = this.slot(name, 'exp_avg', p);
    const v = this.slot(name, 'exp_avg_sq', p);
    const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
    const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
    m.assign(m1);
    v.assign(v1);
    const bc1 = 1 - this.beta1 ** this.stepCount;
    const bc2 = 1 - this.beta2 ** this.stepCount;
    const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(bc2)), this.eps);
    p.assign(tf.sub(base, tf.mul(tf.div(m1, denom), this.lr / bc1)));
  }

  protected hyper() {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }
}

/** AdamW (decoupled weight decay, default 0.01), as `torch.optim.AdamW`. */
export class AdamW extends Adam {
  constructor(params: Array<[string, tf.Variable]>, options: AdamOptions = {}) {
    super(params, options, true);
  }
}
