import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import type { SteppableLayer } from './stateful-layers.js';

/** Called after a hooked layer's forward with its input and output (and membrane trace if asked). */
export interface ForwardHook {
  /** Ask for the membrane potential after each step, `[T, B, ...]` (steppable layers with `v` only). */
  readonly wantsMembrane: boolean;
  call(input: Tensor, output: Tensor, membrane: Tensor | null): void;
}

interface HookState {
  readonly original: (x: Tensor) => Tensor;
  singleStep: boolean;
  readonly hooks: Set<ForwardHook>;
}

// Per-instance wrappers: neurons override forward (fused kernels), so the step-mode switch and the
// monitors wrap the instance once, and removing the last use restores the class's forward exactly.
const states = new WeakMap<Module, HookState>();

type WithMembrane = SteppableLayer & { v: Tensor | null };

/** Whether `layer` exposes its membrane potential as `v` after each single step. */
export function hasMembrane(layer: Module): layer is WithMembrane {
  return typeof (layer as unknown as { step?: unknown }).step === 'function' && 'v' in layer;
}

/** Whether `layer` runs in single-step mode. */
export function isSingleStep(layer: Module): boolean {
  return states.get(layer)?.singleStep ?? false;
}

/** Switch `layer` (which must be steppable) to or from single-step mode. */
export function setLayerSingleStep(layer: SteppableLayer, on: boolean): void {
  const state = ensure(layer);
  state.singleStep = on;
  release(layer, state);
}

/** Attach a hook to `layer`'s forward; returns a function that detaches it. */
export function addForwardHook(layer: Module, hook: ForwardHook): () => void {
  const state = ensure(layer);
  state.hooks.add(hook);
  return () => {
    state.hooks.delete(hook);
    release(layer, state);
  };
}

function ensure(layer: Module): HookState {
  const existing = states.get(layer);
  if (existing) return existing;
  const state: HookState = { original: layer.forward, singleStep: false, hooks: new Set() };
  states.set(layer, state);
  Object.defineProperty(layer, 'forward', { configurable: true, writable: true, value: (x: Tensor) => run(layer, state, x) });
  return state;
}

function release(layer: Module, state: HookState): void {
  if (state.singleStep || state.hooks.size > 0) return;
  delete (layer as unknown as Record<string, unknown>).forward;
  states.delete(layer);
}

function run(layer: Module, state: HookState, x: Tensor): Tensor {
  const wantsMembrane = [...state.hooks].some((h) => h.wantsMembrane);
  if (state.singleStep) {
    const { output, membrane } = stepThrough(layer as SteppableLayer, x, wantsMembrane, false);
    for (const h of state.hooks) h.call(x, output, membrane);
    membrane?.dispose();
    return output;
  }
  const output = state.original.call(layer, x);
  let membrane: Tensor | null = null;
  // Multi-step forwards (fused or not) do not expose V per step; replaying the input through the
  // single-step mode gives the same dynamics from the same rest state.
  if (wantsMembrane) membrane = tf.tidy(() => stepThrough(layer as SteppableLayer, x, true, true).membrane!);
  for (const h of state.hooks) h.call(x, output, membrane);
  membrane?.dispose();
  return output;
}

/** Run `x [T, B, ...]` through `layer.step`, optionally collecting `v` after each step. */
function stepThrough(layer: SteppableLayer, x: Tensor, wantsMembrane: boolean, fromRest: boolean): { output: Tensor; membrane: Tensor | null } {
  if (x.rank < 2) throw new SpikeflowError('shape-mismatch', `${layer.describe()} expects a time-first input [T, B, ...] (T = 1 for one step), got shape [${x.shape}]`);
  if (fromRest) layer.resetState();
  const T = x.shape[0];
  const steps = T === 1 ? [tf.reshape(x, x.shape.slice(1))] : tf.unstack(x, 0);
  const out: Tensor[] = [];
  const vs: Tensor[] = [];
  for (const xt of steps) {
    out.push(layer.step(xt));
    if (wantsMembrane) {
      const v = (layer as WithMembrane).v;
      if (!v) throw new SpikeflowError('invalid-state', `${layer.describe()} did not expose its membrane potential v after a step`);
      vs.push(v.clone());
    }
  }
  if (fromRest) layer.resetState();
  const output = T === 1 ? tf.expandDims(out[0], 0) : tf.stack(out, 0);
  const membrane = wantsMembrane ? (T === 1 ? tf.expandDims(vs[0], 0) : tf.stack(vs, 0)) : null;
  tf.dispose([...out, ...vs]);
  return { output, membrane };
}
