import type { Module } from '../nn/module.js';
import { LayerMonitor, findLayer } from './layer-monitor.js';

/**
 * Record the output of the layer at dotted `path` (a spiking layer's spikes, or any layer's output)
 * on every forward call — SpikingJelly's `monitor.OutputMonitor`. Works in both step modes. A first
 * layer that the Trainer runs through `forwardStatic` (a static input given once) is not recorded.
 *
 * @example
 * ```ts
 * const m = monitorSpikes(model, '2');       // a path from model.namedModules()
 * model.forward(x);
 * const spikes = m.records[0];               // [T, B, ...]
 * m.remove();
 * ```
 */
export function monitorSpikes(model: Module, path: string): LayerMonitor {
  return new LayerMonitor(path, findLayer(model, path, 'monitorSpikes'), 'output');
}
