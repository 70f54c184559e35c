import type { Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Module } from '../nn/module.js';
import { NeuronModule } from '../spike/neuron-module.js';

/** A layer with a single-step mode: `step(x [B, ...])` advances its state by one time step. */
export interface SteppableLayer extends Module {
  step(x: Tensor): Tensor;
}

/** Whether `m` carries state over time and can advance it one step at a time. */
export function isSteppable(m: Module): m is SteppableLayer {
  return typeof (m as unknown as { step?: unknown }).step === 'function';
}

/**
 * The layers of `model` that carry state over time (every neuron, plus any module with `step(x)`),
 * with their dotted paths. A neuron without a single-step mode gets a typed error naming it.
 */
export function statefulLayers(model: Module, caller: string): Array<[string, SteppableLayer]> {
  if (!(model instanceof Module)) throw new SpikeflowError('invalid-options', `${caller}: expected a Module, got ${typeof model}`);
  const out: Array<[string, SteppableLayer]> = [];
  for (const [name, m] of model.namedModules()) {
    if (isSteppable(m)) out.push([name, m]);
    else if (m instanceof NeuronModule) {
      throw new SpikeflowError('not-supported', `${caller}: spiking layer '${name || '(root)'}' (${m.describe()}) has no single-step mode (no step(x) method)`);
    }
  }
  return out;
}
