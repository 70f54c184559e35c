import { SpikeflowError, spikingLayers, tf, type LossFunction, type Module, type NeuronModule, type Tensor } from '@spikeflow/core';

export interface FiringRateRegularizerOptions {
  /** Rates below this are penalised (band mode). Default 0. */
  readonly low?: number;
  /** Rates above this are penalised (band mode). Default 1. */
  readonly high?: number;
  /** When set, penalise the distance to this rate instead of leaving a band (target mode). */
  readonly target?: number;
  /** λ, the weight of the penalty. Default 1. */
  readonly weight?: number;
  /** Which spiking layers to watch (dotted paths); default every NeuronModule of the model. */
  readonly layers?: readonly string[];
}

/**
 * A firing-rate regulariser. {@link FiringRateRegularizer.attach} wraps the `forward` of the model's
 * spiking layers (`spikingLayers`) so each call records its spike tensor; {@link penalty} then
 * returns, as a differentiable scalar, `λ · Σ_layers p(r_l)` with `r_l` the mean rate of layer l over
 * everything recorded since the last penalty (spikes per neuron per step) and
 * `p(r) = max(0, low − r)² + max(0, r − high)²` (band mode) or `p(r) = (r − target)²` (target mode).
 * Taking the penalty clears the records. Call it in the same `tf.tidy`/gradient scope as the
 * forward (as {@link wrap}'s loss does inside the trainer, whose evaluation loss then includes the
 * penalty too); {@link detach} restores the layers.
 *
 * @example
 * ```ts
 * const reg = FiringRateRegularizer.attach(model, { low: 0.02, high: 0.2, weight: 0.5 });
 * const trainer = new Trainer({ model, loss: reg.wrap(ceRateLoss()), ... });
 * // ... after training:
 * reg.detach();
 * ```
 */
export class FiringRateRegularizer {
  private readonly records = new Map<string, Tensor[]>();
  private readonly restore: Array<() => void> = [];
  readonly low: number;
  readonly high: number;
  readonly target: number | undefined;
  readonly weight: number;

  private constructor(options: FiringRateRegularizerOptions) {
    this.low = options.low ?? 0;
    this.high = options.high ?? 1;
    this.target = options.target;
    this.weight = options.weight ?? 1;
    if (!(this.low >= 0 && this.low <= this.high && this.high <= 1)) {
      throw new SpikeflowError('invalid-options', `FiringRateRegularizer: expected 0 <= low <= high <= 1, got low=${this.low}, high=${this.high}`);
    }
    if (this.target !== undefined && !(this.target >= 0 && this.target <= 1))
      throw new SpikeflowError('invalid-options', `FiringRateRegularizer: target must be a rate in [0, 1], got ${this.target}`);
    if (!(this.weight >= 0) || !Number.isFinite(this.weight))
      throw new SpikeflowError('invalid-options', `FiringRateRegularizer: weight must be a non-negative number, got ${this.weight}`);
  }

  /** Watch the spiking layers of `model` (all, or `options.layers`). Throws if there is none to watch. */
  static attach(model: Module, options: FiringRateRegularizerOptions = {}): FiringRateRegularizer {
    const reg = new FiringRateRegularizer(options);
    const all = spikingLayers(model);
    let chosen: Array<[string, NeuronModule]> = all;
    if (options.layers) {
      const byName = new Map(all);
      const unknown = options.layers.filter((n) => !byName.has(n));
      if (unknown.length)
        throw new SpikeflowError(
          'unknown-id',
          `FiringRateRegularizer: no spiking layer named ${unknown.map((n) => `'${n}'`).join(', ')}; the model has ${all.map(([n]) => `'${n}'`).join(', ') || 'none'}`,
        );
      chosen = options.layers.map((n) => [n, byName.get(n)!]);
    }
    if (chosen.length === 0) throw new SpikeflowError('invalid-options', 'FiringRateRegularizer: the model has no spiking layer (NeuronModule) to regularise');
    for (const [name, layer] of chosen) reg.watch(name, layer);
    return reg;
  }

  private watch(name: string, layer: NeuronModule): void {
    const list: Tensor[] = [];
    this.records.set(name, list);
    const own = Object.prototype.hasOwnProperty.call(layer, 'forward') ? layer.forward : undefined;
    const inner = layer.forward;
    layer.forward = (x: Tensor): Tensor => {
      const spikes = inner.call(layer, x);
      // Forwards outside a loss (e.g. predictions) leave tensors a tidy has since freed: drop them.
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.isDisposed) list.splice(i, 1);
      list.push(spikes);
      return spikes;
    };
    this.restore.push(() => {
      if (own) layer.forward = own;
      else delete (layer as { forward?: unknown }).forward;
    });
  }

  /** The watched layers' paths. */
  get layerNames(): string[] {
    return [...this.records.keys()];
  }

  /** `λ · Σ_l p(r_l)` over the spikes recorded since the last call (0 if none); clears the records. */
  penalty(): tf.Scalar {
    const entries = [...this.records.values()].map((list) => list.filter((t) => !t.isDisposed));
    for (const list of this.records.values()) list.length = 0;
    return tf.tidy(() => {
      const terms: Tensor[] = [];
      for (const list of entries) {
        if (list.length === 0) continue;
        const count = list.reduce((a, t) => a + t.size, 0);
        const rate = tf.div(tf.addN(list.map((t) => tf.sum(t))), count);
        terms.push(
          this.target !== undefined ? tf.square(tf.sub(rate, this.target)) : tf.add(tf.square(tf.relu(tf.sub(this.low, rate))), tf.square(tf.relu(tf.sub(rate, this.high)))),
        );
      }
      return (terms.length ? tf.mul(tf.addN(terms), this.weight) : tf.scalar(0)) as tf.Scalar;
    });
  }

  /** A loss that adds this penalty to `base` (id `<base id>+rate-reg`). */
  wrap(base: LossFunction): LossFunction {
    return {
      id: `${base.id}+rate-reg`,
      compute: (output, labels, numClasses) => {
        // Intermediates stay alive for the gradient tape; the caller's tidy frees them.
        return tf.add(base.compute(output, labels, numClasses), this.penalty());
      },
    };
  }

  /** Restore the layers' own `forward` and forget the records. */
  detach(): void {
    for (const undo of this.restore.splice(0)) undo();
    this.records.clear();
  }
}
