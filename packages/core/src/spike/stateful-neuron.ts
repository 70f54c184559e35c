import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { NeuronModule } from './neuron-module.js';

/** A neuron's named state variables, one tensor each (shaped like one step's input unless the neuron says otherwise). */
export type NeuronState = Readonly<Record<string, Tensor>>;

/** What one time step gives: the spikes and the next state. */
export interface NeuronTransition<S extends NeuronState> {
  readonly spikes: Tensor;
  readonly state: S;
}

/** A state variable's rest value: a number (filled to the step's shape) or a function of the step's shape. */
export type StateInitializer = number | ((shape: readonly number[]) => Tensor);

/**
 * A neuron defined by its named state variables and one transition `(x[t], state[t−1]) → (S[t], state[t])`
 * — SpikingJelly's `register_memory` idea. The base owns what every neuron needs once: the multi-step
 * time loop over `[T, B, ...]` (each `forward` starts from rest, so no state leaks between samples),
 * the single-step mode `step(x)` (state carries over until `resetState()`), the time-first check,
 * spike recording and the reset.
 *
 * A subclass declares each state variable with {@link registerState} in its constructor and implements
 * {@link transition}; it may override {@link multiStep} with a faster whole-sequence path that computes
 * the same thing, and {@link checkSequence} / {@link checkStep} for its own input checks.
 *
 * @example
 * ```ts
 * class Leaky extends StatefulNeuron<{ v: Tensor }> {
 *   constructor(readonly surrogate: SurrogateFunction) {
 *     super();
 *     this.registerState('v', 0);
 *   }
 *   transition(x: Tensor, { v }: { v: Tensor }) {
 *     const h = tf.add(tf.mul(v, 0.5), x);
 *     const spikes = spike(tf.sub(h, 1), this.surrogate);
 *     return { spikes, state: { v: tf.mul(h, tf.sub(1, spikes)) } };
 *   }
 * }
 * ```
 */
export abstract class StatefulNeuron<S extends NeuronState = NeuronState> extends NeuronModule {
  private readonly initializers = new Map<string, StateInitializer>();
  private carried: S | null = null;
  private stepsTaken = 0;

  /**
   * Declare a state variable and its rest value (call in the constructor, once per name). Multi-step
   * runs and the first single step after a reset start from it.
   */
  protected registerState(name: keyof S & string, initial: StateInitializer): void {
    if (this.initializers.has(name)) throw new SpikeflowError('invalid-state', `${this.constructor.name}: state variable '${name}' is registered twice`);
    this.initializers.set(name, initial);
  }

  /** The names of the declared state variables, in declaration order. */
  get stateNames(): string[] {
    return [...this.initializers.keys()];
  }

  /** The state after the last single step, or null (before the first step, or after a reset). */
  get state(): S | null {
    return this.carried;
  }

  /** How many single steps ran since the last reset (the time index of the next step). */
  get stepCount(): number {
    return this.stepsTaken;
  }

  /** One state variable after the last single step, or null. */
  stateOf(name: keyof S & string): Tensor | null {
    return this.carried?.[name] ?? null;
  }

  /** The rest state for one step's input shape `[B, ...]`. */
  initialState(shape: readonly number[]): S {
    const state: Record<string, Tensor> = {};
    for (const [name, init] of this.initializers) state[name] = typeof init === 'number' ? tf.fill([...shape], init) : init(shape);
    return state as S;
  }

  /**
   * One time step: spikes and the next state from input `x [B, ...]`, the previous state and the time
   * index `t` (0 for the first step of a sequence). Differentiable; must not dispose its inputs.
   */
  abstract transition(x: Tensor, state: S, t: number): NeuronTransition<S>;

  /** Extra checks of a multi-step input (the base has already checked it is time-first). */
  protected checkSequence(_xSeq: Tensor): void {}

  /** Extra checks of a single-step input `[B, ...]` before step `t` runs. */
  protected checkStep(_x: Tensor, _t: number): void {}

  /** Multi-step: `[T, B, ...]` input currents to `[T, B, ...]` spikes, from rest. */
  forward(xSeq: Tensor): Tensor {
    if (xSeq.rank < 2)
      throw new SpikeflowError('shape-mismatch', `${this.describe()} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`, { actual: [...xSeq.shape] });
    this.checkSequence(xSeq);
    const spikes = this.multiStep(xSeq);
    this.recordSpikes(spikes);
    return spikes;
  }

  /**
   * The whole-sequence computation behind {@link forward} (input already checked): the transition
   * unrolled over time. Override with a faster path that gives the same spikes.
   */
  protected multiStep(xSeq: Tensor): Tensor {
    return this.unroll(xSeq, false).spikes;
  }

  /**
   * Run the transition over `xSeq [T, B, ...]` from rest and return the spikes and every state
   * variable after each step, `[T, B, ...]` each (or `[T, ...]` of the variable's own shape). Always
   * the step-by-step computation (no fast path); for inspection and tests, it keeps no state.
   */
  trace(xSeq: Tensor): { spikes: Tensor; states: Record<string, Tensor> } {
    if (xSeq.rank < 2)
      throw new SpikeflowError('shape-mismatch', `${this.describe()} expects a time-first input [T, B, ...], got shape [${xSeq.shape}]`, { actual: [...xSeq.shape] });
    this.checkSequence(xSeq);
    return this.unroll(xSeq, true);
  }

  private unroll(xSeq: Tensor, keepStates: boolean): { spikes: Tensor; states: Record<string, Tensor> } {
    // tfjs cannot differentiate unstack/stack of a single slice, so T = 1 takes a reshape.
    const T = xSeq.shape[0];
    const steps = T === 1 ? [tf.reshape(xSeq, xSeq.shape.slice(1))] : tf.unstack(xSeq, 0);
    let state = this.initialState(steps[0].shape);
    const out: Tensor[] = [];
    const history = new Map<string, Tensor[]>(this.stateNames.map((n) => [n, []]));
    steps.forEach((x, t) => {
      const r = this.transition(x, state, t);
      out.push(r.spikes);
      state = r.state;
      if (keepStates) for (const [n, list] of history) list.push(state[n]);
    });
    const overTime = (list: Tensor[]) => (list.length === 1 ? tf.expandDims(list[0], 0) : tf.stack(list, 0));
    const states: Record<string, Tensor> = {};
    if (keepStates) for (const [n, list] of history) states[n] = overTime(list);
    return { spikes: overTime(out), states };
  }

  /** Single-step streaming mode: `[B, ...]` in, spikes out; the state persists until `resetState()`. */
  step(x: Tensor): Tensor {
    const t = this.stepsTaken;
    this.checkStep(x, t);
    const previous = this.carried ?? this.initialState(x.shape);
    const names = this.stateNames;
    const owned = new Set<Tensor>([x, ...names.map((n) => previous[n])]);
    const [spikes, ...next] = tf.tidy(() => {
      const r = this.transition(x, previous, t);
      // A transition may pass a tensor through unchanged (the input, or an old state); keep a copy we own.
      return [r.spikes, ...names.map((n) => (owned.has(r.state[n]) ? tf.clone(r.state[n]) : r.state[n]))];
    });
    tf.dispose(names.map((n) => previous[n]));
    const state: Record<string, Tensor> = {};
    names.forEach((n, i) => (state[n] = tf.keep(next[i])));
    this.carried = state as S;
    this.stepsTaken = t + 1;
    this.recordSpikes(spikes);
    return spikes;
  }

  protected override onResetState(): void {
    if (this.carried) tf.dispose(Object.values(this.carried));
    this.carried = null;
    this.stepsTaken = 0;
  }
}
