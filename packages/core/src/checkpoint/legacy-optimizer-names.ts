import type { Module } from '../nn/module.js';
import type { OptimizerState } from '../optim/optimizer.js';

/**
 * Optimizer state from a checkpoint written before Sequential children had names, with its slot
 * keys (`<parameter>.<slot>`) renamed to the model's current parameter names. State whose
 * parameters already match the model, or that does not map completely, is returned unchanged (the
 * optimizer then reports the mismatch). Weights are migrated by `Module.loadStateDict` itself.
 *
 * @example
 * ```ts
 * optimizer.setState(legacyOptimizerNames(model, checkpoint.optimizer));
 * ```
 */
export function legacyOptimizerNames(model: Module, state: OptimizerState): OptimizerState {
  const current = new Set(model.namedParameters().map(([n]) => n));
  const param = (key: string) => key.slice(0, key.lastIndexOf('.'));
  if ([...state.slots.keys()].every((k) => current.has(param(k)))) return state;
  const legacy = model.legacyTensorNames();
  const slots = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [key, v] of state.slots) {
    const renamed = legacy.get(param(key));
    if (renamed === undefined || !current.has(renamed)) return state;
    slots.set(`${renamed}${key.slice(key.lastIndexOf('.'))}`, v);
  }
  return { ...state, slots };
}
