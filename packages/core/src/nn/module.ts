import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { passDataMark } from '../ops/data-tensor.js';

/** A named tensor in a state dict: a trainable parameter or a buffer (e.g. BN running stats). */
export interface NamedTensorEntry {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly trainable: boolean;
}

/**
 * The base of every layer and network. A Module owns named parameters (trainable variables),
 * buffers (non-trainable variables such as BatchNorm running statistics) and child modules,
 * has a train/eval mode, and transient state (neuron membranes) cleared by {@link resetState}.
 *
 * `forward` is multi-step: inputs are time-first `[T, B, ...]`.
 *
 * @example
 * ```ts
 * class Affine extends Module {
 *   readonly w = this.registerParameter('weight', tf.ones([4]));
 *   forward(x: Tensor) { return tf.mul(x, this.w); }
 * }
 * ```
 */
export abstract class Module {
  /** True in training mode (dropout active, BN uses batch statistics). */
  training = true;
  private readonly _params = new Map<string, tf.Variable>();
  private readonly _buffers = new Map<string, tf.Variable>();
  private readonly _children = new Map<string, Module>();

  /** Multi-step forward: `[T, B, ...]` in, `[T, B, ...]` out. */
  abstract forward(x: Tensor): Tensor;

  /**
   * Multi-step forward of an input that is the same at every time step, given once as `x [B, ...]`:
   * must equal `forward(repeatTime(x, timeSteps))`. Returns null when the module has no better way
   * than that (the caller then repeats the input). Layers that compute a time-invariant block once
   * (models' `TimeInvariant`) and containers that start with one (Sequential) override it; the
   * trainer uses it with time-invariant encoders (direct encoding), so the input is never repeated.
   */
  forwardStatic(x: Tensor, timeSteps: number): Tensor | null {
    void x;
    void timeSteps;
    return null;
  }

  /** Same as forward; reads better in user code (`model.apply(x)`). */
  apply(x: Tensor): Tensor {
    return this.forward(x);
  }

  protected registerParameter(name: string, value: Tensor): tf.Variable {
    return this.registerVariable(this._params, name, value, true);
  }

  protected registerBuffer(name: string, value: Tensor): tf.Variable {
    return this.registerVariable(this._buffers, name, value, false);
  }

  /** Take `value` into a new variable (trainable or not) kept in `into` under `name`. */
  private registerVariable(into: Map<string, tf.Variable>, name: string, value: Tensor, trainable: boolean): tf.Variable {
    this.checkName(name);
    const v = tf.variable(value, trainable);
    value.dispose();
    into.set(name, v);
    return v;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkName(name);
    if (!(module instanceof Module)) throw new SpikeflowError('invalid-options', `child '${name}' is not a Module`);
    this._children.set(name, module);
    return module;
  }

  private checkName(name: string): void {
    if (!name || name.includes('.')) throw new SpikeflowError('invalid-options', `module member name '${name}' must be non-empty and contain no '.'`);
    if (this._params.has(name) || this._buffers.has(name) || this._children.has(name)) {
      throw new SpikeflowError('duplicate-id', `module already has a member named '${name}'`);
    }
  }

  /** Direct children with their names. */
  namedChildren(): Array<[string, Module]> {
    return [...this._children.entries()];
  }

  /** This module and every descendant, with dotted paths (`''` for this one). */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, child] of this._children) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** Trainable parameters with dotted names, in registration order. */
  namedParameters(): Array<[string, tf.Variable]> {
    return this.namedTensors()
      .filter((e) => e.trainable)
      .map((e) => [e.name, e.variable]);
  }

  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** Parameters and buffers, in a stable order: what a checkpoint stores. */
  namedTensors(prefix = ''): NamedTensorEntry[] {
    const out: NamedTensorEntry[] = [];
    const p = (n: string) => (prefix ? `${prefix}.${n}` : n);
    for (const [n, v] of this._params) out.push({ name: p(n), variable: v, trainable: true });
    for (const [n, v] of this._buffers) out.push({ name: p(n), variable: v, trainable: false });
    for (const [n, c] of this._children) out.push(...c.namedTensors(p(n)));
    return out;
  }

  /**
   * Old name → current name of every tensor whose checkpoint name changed when Sequential
   * children got names (before, every Sequential child was named by its index). Empty when no
   * name changed; `loadStateDict` uses it so older checkpoints keep loading.
   */
  legacyTensorNames(): Map<string, string> {
    const out = new Map<string, string>();
    this.collectLegacyNames('', '', out);
    return out;
  }

  /** The name a child had before it was given its current one, or undefined if unchanged. */
  protected legacyChildName(name: string): string | undefined {
    void name;
    return undefined;
  }

  private collectLegacyNames(prefix: string, oldPrefix: string, out: Map<string, string>): void {
    const join = (a: string, n: string) => (a ? `${a}.${n}` : n);
    for (const n of [...this._params.keys(), ...this._buffers.keys()]) {
      if (join(oldPrefix, n) !== join(prefix, n)) out.set(join(oldPrefix, n), join(prefix, n));
    }
    for (const [n, c] of this._children) c.collectLegacyNames(join(prefix, n), join(oldPrefix, this.legacyChildName(n) ?? n), out);
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.parameters().reduce((a, v) => a + v.size, 0);
  }

  /** Copy values into this module's parameters and buffers; names and shapes must match exactly. */
  loadStateDict(given: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>): void {
    const mine = this.namedTensors();
    const values = renameLegacy(given, mine, () => this.legacyTensorNames());
    const missing = mine.filter((e) => !values.has(e.name)).map((e) => e.name);
    const names = new Set(mine.map((e) => e.name));
    const unexpected = [...values.keys()].filter((n) => !names.has(n));
    if (missing.length || unexpected.length) {
      throw new SpikeflowError('checkpoint-invalid', `state dict does not match the model: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`, {
        missing,
        unexpected,
      });
    }
    for (const e of mine) {
      const v = values.get(e.name)!;
      if (v.shape.length !== e.variable.shape.length || v.shape.some((d, i) => d !== e.variable.shape[i])) {
        throw new SpikeflowError('shape-mismatch', `state dict entry '${e.name}' has shape [${v.shape}] but the model expects [${e.variable.shape}]`);
      }
    }
    for (const e of mine) {
      const v = values.get(e.name)!;
      const t = tf.tensor(v.data, [...v.shape], e.variable.dtype);
      e.variable.assign(t);
      t.dispose();
    }
  }

  /** Set training mode on this module and every descendant. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clear transient state (membranes, traces) in this module and every descendant. */
  resetState(): void {
    for (const [, m] of this.namedModules()) m.onResetState();
  }

  /** Override to clear this module's own transient state. */
  protected onResetState(): void {}

  /** Free every variable this module and its descendants own. */
  dispose(): void {
    this.resetState();
    for (const e of this.namedTensors()) e.variable.dispose();
  }

  /** A short description for summaries, e.g. `Linear(784, 512)`. */
  describe(): string {
    return this.constructor.name;
  }

  /** A multi-line tree of the module with parameter counts. */
  summary(indent = '', label = ''): string {
    const own = [...this._params.values()].reduce((a, v) => a + v.size, 0);
    const lines = [`${indent}${label}${this.describe()}${own ? `  [${own} params]` : ''}`];
    for (const [name, c] of this._children) lines.push(c.summary(`${indent}  `, `(${name}) `));
    return lines.join('\n');
  }
}

/**
 * `values` with old (index) names mapped to current ones, when that makes them match the model
 * exactly; otherwise `values` unchanged, so a real mismatch is reported with the names as stored.
 */
function renameLegacy<V>(values: ReadonlyMap<string, V>, mine: readonly NamedTensorEntry[], legacyNames: () => ReadonlyMap<string, string>): ReadonlyMap<string, V> {
  // The usual case, names as they are today, needs no walk of the module tree.
  if (mine.every((e) => values.has(e.name))) return values;
  const legacy = legacyNames();
  if (legacy.size === 0) return values;
  const renamed = new Map<string, V>();
  for (const [k, v] of values) renamed.set(legacy.get(k) ?? k, v);
  const complete = renamed.size === values.size && renamed.size === mine.length && mine.every((e) => renamed.has(e.name));
  return complete ? renamed : values;
}

/** Fold time into batch: `[T, B, ...] -> [T*B, ...]`, and back. */
export function foldTime(x: Tensor): { folded: Tensor; unfold: (y: Tensor) => Tensor } {
  if (x.rank < 2) throw new SpikeflowError('shape-mismatch', `expected a time-first tensor [T, B, ...], got shape [${x.shape}]`);
  const [T, B] = x.shape;
  const folded = passDataMark(x, tf.reshape(x, [T * B, ...x.shape.slice(2)]));
  return { folded, unfold: (y: Tensor) => tf.reshape(y, [T, B, ...y.shape.slice(1)]) };
}
