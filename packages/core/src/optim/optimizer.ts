import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { editDistance } from '../util/did-you-mean.js';

/** Saved optimizer state: scalar hyper-state plus named slot tensors (`<param>.<slot>`). */
export interface OptimizerState {
  readonly kind: string;
  readonly step: number;
  readonly hyper: Readonly<Record<string, number | boolean>>;
  readonly slots: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;
}

/**
 * Base of spikeflow's optimizers (PyTorch semantics). It owns per-parameter slot variables
 * (momentum, Adam moments) keyed by parameter name, so state can be checkpointed and restored.
 */
export abstract class Optimizer {
  /** Current learning rate (a schedule sets it before each step). */
  lr: number;
  protected stepCount = 0;
  protected readonly slots = new Map<string, tf.Variable>();
  protected readonly params: ReadonlyArray<readonly [string, tf.Variable]>;

  constructor(
    params: Array<[string, tf.Variable]>,
    lr: number,
    readonly kind: string,
  ) {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new SpikeflowError('invalid-options', `${kind}: learning rate must be a positive number, got ${lr}`);
    if (params.length === 0) throw new SpikeflowError('invalid-options', `${kind}: no parameters to optimise`);
    this.lr = lr;
    this.params = params;
  }

  get steps(): number {
    return this.stepCount;
  }

  protected slot(param: string, name: string, like: tf.Variable): tf.Variable {
    const key = `${param}.${name}`;
    let v = this.slots.get(key);
    if (!v) {
      v = tf.variable(tf.zerosLike(like), false);
      this.slots.set(key, v);
    }
    return v;
  }

  /**
   * Apply one update. `grads` maps parameter names (as `model.namedParameters()` gives them) to
   * gradients; a parameter without a gradient is left unchanged (as PyTorch skips params whose
   * grad is None). A name this optimizer does not hold is an `unknown-id` error, not a silent
   * no-op: a map keyed by tfjs variable names would otherwise train nothing.
   *
   * @example
   * ```ts
   * const params = model.namedParameters();
   * const { grads } = tf.variableGrads(lossFn, params.map(([, v]) => v));
   * opt.step(new Map(params.map(([name, v]) => [name, grads[v.name]])));
   * ```
   */
  step(grads: ReadonlyMap<string, Tensor | undefined>): void {
    for (const name of grads.keys()) {
      if (!this.params.some(([n]) => n === name)) throw this.unknownParameter(name);
    }
    this.stepCount++;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        if (!g) continue;
        if (g.shape.length !== p.shape.length || g.shape.some((d, i) => d !== p.shape[i])) {
          throw new SpikeflowError('shape-mismatch', `gradient for '${name}' has shape [${g.shape}], parameter has [${p.shape}]`);
        }
        this.update(name, p, g);
      }
    });
  }

  private unknownParameter(name: string): SpikeflowError {
    const names = this.params.map(([n]) => n);
    const byVariable = this.params.find(([, v]) => v.name === name);
    const hint = byVariable
      ? `; '${name}' is the tfjs variable name of parameter '${byVariable[0]}': key gradients by parameter name`
      : closest(name, names)
        ? `; did you mean '${closest(name, names)}'?`
        : '';
    const shown =
      names
        .slice(0, 5)
        .map((n) => `'${n}'`)
        .join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    return new SpikeflowError('unknown-id', `${this.kind}: gradient for '${name}', which is not a parameter of this optimizer (it holds ${shown})${hint}`, { name, known: names });
  }

  protected abstract update(name: string, param: tf.Variable, grad: Tensor): void;

  protected abstract hyper(): Record<string, number | boolean>;

  getState(): OptimizerState {
    const slots = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [k, v] of this.slots) slots.set(k, { shape: v.shape, data: v.dataSync() as Float32Array });
    return { kind: this.kind, step: this.stepCount, hyper: { lr: this.lr, ...this.hyper() }, slots };
  }

  setState(state: OptimizerState): void {
    if (state.kind !== this.kind) throw new SpikeflowError('checkpoint-invalid', `checkpoint holds ${state.kind} optimizer state, but the optimizer is ${this.kind}`);
    const names = new Set(this.params.map(([n]) => n));
    for (const key of state.slots.keys()) {
      const param = key.slice(0, key.lastIndexOf('.'));
      if (!names.has(param)) throw new SpikeflowError('checkpoint-invalid', `optimizer state names parameter '${param}', which the model does not have`);
    }
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
    for (const [key, { shape, data }] of state.slots) {
      const param = this.params.find(([n]) => n === key.slice(0, key.lastIndexOf('.')))![1];
      if (param.size !== data.length) throw new SpikeflowError('shape-mismatch', `optimizer slot '${key}' has ${data.length} values, parameter has ${param.size}`);
      this.slots.set(key, tf.variable(tf.tensor(data, [...shape]), false));
    }
    this.stepCount = state.step;
    if (typeof state.hyper.lr === 'number') this.lr = state.hyper.lr;
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

/** The candidate within edit distance 2 (or a third of the name) of `name`, if exactly one is closest. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  let tie = false;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) tie = true;
  }
  return tie ? undefined : best;
}
