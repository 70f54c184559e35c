import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import { hasMembrane } from '../functional/layer-hooks.js';
import { LayerMonitor, findLayer } from './layer-monitor.js';

/**
 * Record the membrane potential `[T, B, ...]` of the neuron layer at dotted `path` on every forward
 * call — SpikingJelly's `monitor.AttributeMonitor('v_seq', ...)`: the value after each step's reset,
 * which the neuron carries into the next step. In multi-step mode the layer's input is replayed
 * through its single-step mode (fused forwards do not expose V), so it costs one more pass of that layer.
 *
 * @example
 * ```ts
 * const m = monitorMembrane(model, '2');
 * model.forward(x);
 * const v = m.records[0];                    // [T, B, ...]
 * m.remove();
 * ```
 */
export function monitorMembrane(model: Module, path: string): LayerMonitor {
  const layer = findLayer(model, path, 'monitorMembrane');
  if (!hasMembrane(layer)) {
    throw new SpikeflowError(
      'not-supported',
      `monitorMembrane: layer '${path}' (${layer.describe()}) has no membrane potential to record (it needs a single-step step(x) that keeps v)`,
    );
  }
  return new LayerMonitor(path, layer, 'membrane');
}
