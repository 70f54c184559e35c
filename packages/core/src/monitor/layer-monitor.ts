import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { Module } from '../nn/module.js';
import { addForwardHook } from '../functional/layer-hooks.js';

/**
 * Records one tensor per forward call of a layer until {@link remove}d. Made by
 * {@link monitorSpikes} (the layer's output) and {@link monitorMembrane} (its membrane potential).
 */
export class LayerMonitor {
  /** One `[T, B, ...]` tensor per forward call, oldest first; owned by the monitor. */
  readonly records: Tensor[] = [];
  private detach: (() => void) | null;

  /** @internal Use {@link monitorSpikes} or {@link monitorMembrane}. */
  constructor(
    readonly path: string,
    readonly layer: Module,
    what: 'output' | 'membrane',
  ) {
    this.detach = addForwardHook(layer, {
      wantsMembrane: what === 'membrane',
      // tf.keep: the forward usually runs inside a tidy that would free the copy.
      call: (_input, output, membrane) => {
        this.records.push(tf.keep((what === 'membrane' ? membrane! : output).clone()));
      },
    });
  }

  /** Whether the monitor still records. */
  get active(): boolean {
    return this.detach !== null;
  }

  /** Free and forget the records so far (the monitor keeps recording). */
  clear(): void {
    tf.dispose(this.records.splice(0));
  }

  /** The records as numbers: one nested array `[T][B][...]` per forward call. */
  toArrays(): unknown[] {
    return this.records.map((r) => r.arraySync());
  }

  /** Stop recording, restore the layer and free the records. */
  remove(): void {
    this.detach?.();
    this.detach = null;
    this.clear();
  }
}

/** The module at dotted `path` in `model` (`''` is the model itself), or a typed error listing the paths. */
export function findLayer(model: Module, path: string, caller: string): Module {
  if (!(model instanceof Module)) throw new SpikeflowError('invalid-options', `${caller}: expected a Module, got ${model === null ? 'null' : typeof model}`);
  const all = model.namedModules();
  const hit = all.find(([name]) => name === path);
  if (!hit) {
    const names = all.map(([n]) => n).filter((n) => n !== '');
    const shown = names.length > 40 ? `${names.slice(0, 40).join(', ')}, ... (${names.length} in all)` : names.join(', ');
    throw new SpikeflowError('unknown-id', `${caller}: the model has no layer '${path}'; its layers are: ${shown}`, { path, available: names });
  }
  return hit[1];
}
