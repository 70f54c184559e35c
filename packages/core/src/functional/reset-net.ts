import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Module } from '../nn/module.js';

/**
 * Clear every layer's transient state (membrane potentials, adaptation, traces) — SpikingJelly's
 * `functional.reset_net`. Call it between samples in a hand-written loop that uses single-step
 * mode; a multi-step `forward` already starts each sequence from rest, and the Trainer resets for you.
 *
 * @example
 * ```ts
 * resetNet(model);
 * ```
 */
export function resetNet(model: Module): void {
  if (!(model instanceof Module)) throw new SpikeflowError('invalid-options', `resetNet: expected a Module, got ${model === null ? 'null' : typeof model}`);
  model.resetState();
}
