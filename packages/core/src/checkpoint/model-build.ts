import type { Module } from '../nn/module.js';

/**
 * How a model was built through `sf.model(...)`: the architecture and neuron by full registry id
 * with the options given, and the build context. JSON, so it can be saved beside the weights and
 * replayed by `sf.loadModel`.
 */
export interface ModelBuild {
  readonly architecture: { readonly id: string; readonly options: Readonly<Record<string, unknown>> };
  readonly context: {
    readonly inputShape: readonly number[];
    readonly numClasses: number;
    /** Absent when the model was built with a neuron factory function (which cannot be saved). */
    readonly neuron?: { readonly id: string; readonly options: Readonly<Record<string, unknown>> };
    readonly staticInput: boolean;
    readonly timeSteps?: number;
    /** Per-step output shape of a multi-dimensional target (a `ShapedOutput` last layer). */
    readonly outputShape?: readonly number[];
  };
}

// A WeakMap rather than a field: any Module subclass, built by any plugin, carries its recipe.
const builds = new WeakMap<Module, ModelBuild>();

/** Remember how `model` was built (called by `Spikeflow.model`). */
export function recordModelBuild(model: Module, build: ModelBuild): void {
  builds.set(model, build);
}

/**
 * How `model` was built, when it was built by `sf.model(...)` (else `undefined`).
 *
 * @example
 * ```ts
 * const model = sf.model('lif-mlp', { hidden: 128 }, { inputShape: [28, 28, 1], numClasses: 10, neuron: { id: 'lif' } });
 * modelBuildOf(model)?.architecture.id; // 'models/lif-mlp'
 * ```
 */
export function modelBuildOf(model: Module): ModelBuild | undefined {
  return builds.get(model);
}
