import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import { isSingleStep, setLayerSingleStep } from './layer-hooks.js';
import { statefulLayers } from './stateful-layers.js';

/** `'m'`: multi-step (each forward is a whole sequence from rest); `'s'`: single-step (state carries over). */
export type StepMode = 's' | 'm';

/**
 * Switch every stateful layer of `model` (neurons and membrane read-outs: layers with a single-step
 * `step(x)`) between multi-step and single-step mode — SpikingJelly's `functional.set_step_mode`.
 *
 * In `'m'` (the default) each `forward([T, B, ...])` runs a whole sequence from the rest state. In
 * `'s'` a layer's state persists across calls until {@link resetNet}, so the network can be fed one
 * time step at a time as `[1, B, ...]` (stateless layers keep their time-first layout): the outputs,
 * concatenated over time, equal the multi-step output, and gradients taken around the calls flow back
 * through time as in multi-step mode (the multi-step forward is faster: neurons run fused kernels).
 *
 * @example
 * ```ts
 * setStepMode(model, 's');
 * resetNet(model);
 * const outs = tf.unstack(x).map((xt) => model.forward(tf.expandDims(xt, 0))); // x [T, B, ...]
 * setStepMode(model, 'm');
 * ```
 */
export function setStepMode(model: Module, mode: StepMode): void {
  if (mode !== 's' && mode !== 'm') throw new SpikeflowError('invalid-options', `setStepMode: mode must be 's' (single-step) or 'm' (multi-step), got '${String(mode)}'`);
  const layers = statefulLayers(model, 'setStepMode');
  // A layer switched mid-sequence would mix states from two modes; start clean.
  model.resetState();
  for (const [, layer] of layers) setLayerSingleStep(layer, mode === 's');
}

/** The step mode of `model`'s stateful layers (`'m'` when it has none); throws when they are mixed. */
export function getStepMode(model: Module): StepMode {
  const modes = new Set(statefulLayers(model, 'getStepMode').map(([, l]) => (isSingleStep(l) ? 's' : 'm')));
  if (modes.size > 1) throw new SpikeflowError('invalid-state', 'getStepMode: the model mixes single-step and multi-step layers; call setStepMode(model, mode) to set one');
  return modes.has('s') ? 's' : 'm';
}
