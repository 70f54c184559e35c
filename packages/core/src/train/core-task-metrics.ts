import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Metric } from '../contracts/metric.js';
import type { Task } from '../contracts/task.js';
import { coreMetricDescriptors } from '../metrics/core-metrics.js';

/**
 * Fresh streaming metrics for a task whose metrics are all core's (`core/accuracy`, `core/r2`, ...),
 * keyed by the task's metric names: what the trainer uses when it is given no metric factory (a
 * trainer has no registry; `sf.taskMetrics(task)` reaches plugin metrics too).
 *
 * @throws SpikeflowError `unknown-id` naming a metric core does not provide.
 * @example
 * ```ts
 * const metrics = coreTaskMetrics(task); // Map { 'accuracy' => Metric, 'top5' => Metric }
 * ```
 */
export function coreTaskMetrics(task: Task): Map<string, Metric> {
  return new Map(
    task.metrics.map((spec) => {
      const short = spec.id.startsWith('core/') ? spec.id.slice('core/'.length) : spec.id;
      const descriptor = coreMetricDescriptors.find((d) => d.id === short);
      if (!descriptor) {
        throw new SpikeflowError(
          'unknown-id',
          `task '${task.id}' reports metric '${spec.id}', which core does not provide; pass the trainer a metrics factory (e.g. () => sf.taskMetrics(task)) (core metrics: ${coreMetricDescriptors.map((d) => `core/${d.id}`).join(', ')})`,
        );
      }
      return [spec.name, descriptor.create(descriptor.options.parse({ ...spec.options }), { target: task.target })];
    }),
  );
}
