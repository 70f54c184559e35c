import { checkTrainingMemory, isTaskDatasetDescriptor, selectBackend, withoutInitialisation, type Spikeflow, type TargetSpec } from '@spikeflow/core';
import { resolveRunTask } from '../run/run-task.js';
import type { RunConfig } from './run-config.js';
import { buildModel } from '../run/train-run.js';

/**
 * What `spikeflow train` checks once the data is open, checked from the dataset's descriptor instead
 * (so `--print-config` refuses what the run would refuse): the backend exists here, the architecture
 * can be built for the dataset's samples with these neuron options and T, and one training step at
 * this batch size and T fits in the backend's memory. The model is built without initialisation
 * (no random draws) and disposed.
 *
 * @example
 * ```ts
 * await checkRunnable(sf, config); // throws out-of-memory for timeSteps: 100000
 * ```
 */
export async function checkRunnable(sf: Spikeflow, config: RunConfig): Promise<void> {
  const dataset = sf.datasets.get(config.dataset.id);
  await selectBackend(config.backend);
  // A task dataset (a forecasting series) declares no classes: its outputs follow from its options, which the run checks; one stands in here.
  const { model, encoder, timeSteps } = withoutInitialisation(() => buildModel(sf, config, { sampleShape: dataset.sampleShape, numClasses: Math.max(1, dataset.numClasses) }));
  try {
    const stepShape = encoder.stepShape?.(dataset.sampleShape) ?? dataset.sampleShape;
    await checkTrainingMemory(model, { stepShape, timeSteps, batchSize: config.batchSize });
  } finally {
    model.dispose();
  }
}

/**
 * The config as the run will store it: the task (from `--task`, else from the dataset's target kind)
 * and the loss that fits it (the task's default when the config kept the classification default), so
 * `--print-config` shows `core/mse` for a forecasting run, not the classification default. Only the
 * target's kind matters here; a task dataset's exact target shape depends on options the run opens.
 */
export function resolveStoredConfig(sf: Spikeflow, config: RunConfig): RunConfig {
  const d = sf.datasets.get(config.dataset.id);
  const kind = isTaskDatasetDescriptor(d) ? d.targetKind : 'class';
  const target: TargetSpec =
    kind === 'class'
      ? { kind, numClasses: Math.max(1, d.numClasses) }
      : kind === 'sequence'
        ? { kind, steps: 1, item: { kind: 'regression', shape: [1] } }
        : kind === 'none'
          ? { kind }
          : { kind: 'regression', shape: [1] };
  const { component, loss } = resolveRunTask(sf, config, target);
  return { ...config, task: component, loss };
}
