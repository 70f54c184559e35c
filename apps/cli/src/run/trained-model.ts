import {
  describeBackend,
  loadCheckpoint,
  selectBackend,
  SpikeflowError,
  type Dataset,
  type Encoder,
  type LoadedCheckpoint,
  type Module,
  type Spikeflow,
  type TargetSpec,
  type Task,
  type TaskDataset,
} from '@spikeflow/core';
import { parseRunConfig, resolveRunConfig, type RunConfig } from '../config/run-config.js';
import { loadSpikeflow } from './plugins.js';
import { buildModel, openRunData, outputShapeOf, type RunIO } from './train-run.js';
import { resolveRunTask } from './run-task.js';

/** A checkpoint loaded into its model, with its data splits (what chip commands start from). */
export interface TrainedModel {
  readonly checkpoint: LoadedCheckpoint;
  readonly config: RunConfig;
  readonly sf: Spikeflow;
  readonly model: Module;
  /** The run's encoder, and T (the data's frames per sample, else the run's time steps). */
  readonly encoder: Encoder;
  readonly timeSteps: number;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly backend: string;
}

/**
 * Load a checkpoint and its stored run configuration with `overrides` (flag values keyed by config
 * key) applied. A bad stored configuration is `checkpoint-invalid`; a bad override is the user's
 * `invalid-options`, naming its flag (`testSubset` → `--test-subset`).
 */
export async function loadCheckpointConfig(checkpointPath: string, overrides: Record<string, unknown>): Promise<{ checkpoint: LoadedCheckpoint; config: RunConfig }> {
  const checkpoint = await loadCheckpoint(checkpointPath);
  const stored = checkpoint.state.config as Record<string, unknown>;
  const source = `configuration stored in ${checkpoint.dir}`;
  try {
    parseRunConfig(stored, source);
  } catch (e) {
    if (SpikeflowError.is(e)) throw new SpikeflowError('checkpoint-invalid', e.message);
    throw e;
  }
  // One layer per flag, so a problem is reported against the flag that set it.
  const flags = Object.entries(overrides)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ name: `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value: { [k]: v } }));
  return { checkpoint, config: resolveRunConfig([{ name: source, value: stored }, ...flags]) };
}

/** A checkpoint loaded into its model for any task: {@link TrainedModel} with typed targets. */
export interface TrainedRun extends Omit<TrainedModel, 'train' | 'test'> {
  readonly task: Task;
  readonly target: TargetSpec;
  readonly train: Dataset | TaskDataset;
  readonly test: Dataset | TaskDataset;
}

/**
 * Load a checkpoint's configuration (with overrides such as dataDir), open its data, rebuild the model
 * for the run's task (a forecasting model with its output shape) and load the weights.
 */
export async function loadTrainedRun(checkpointPath: string, overrides: Record<string, unknown>, io: RunIO): Promise<TrainedRun> {
  const { checkpoint, config } = await loadCheckpointConfig(checkpointPath, overrides);
  const backend = await selectBackend(config.backend);
  if (!io.quiet) io.log(describeBackend(backend));
  const { sf } = await loadSpikeflow();
  const { train, test, target } = await openRunData(sf, config, io);
  const runTask = resolveRunTask(sf, config, target);
  const { model, encoder, timeSteps } = buildModel(
    sf,
    { ...config, loss: runTask.loss },
    { sampleShape: test.sampleShape, numClasses: runTask.outputs, outputShape: outputShapeOf(target) },
  );
  model.loadStateDict(checkpoint.weights);
  return { checkpoint, config, sf, model, encoder, timeSteps, train, test, task: runTask.task, target, backend: backend.name };
}

/**
 * {@link loadTrainedRun} for a classifier: what `export`, `simulate` and `finetune` start from for
 * every target (chips run class read-outs). A model of another task is refused by name.
 */
export async function loadTrainedModel(checkpointPath: string, overrides: Record<string, unknown>, io: RunIO): Promise<TrainedModel> {
  const run = await loadTrainedRun(checkpointPath, overrides, io);
  if (run.target.kind !== 'class') {
    run.model.dispose();
    throw new SpikeflowError(
      'not-supported',
      `${run.checkpoint.dir} holds a '${run.task.id}' model (${run.target.kind} targets); chip export, simulation and fine-tuning take classifiers`,
    );
  }
  return { ...run, train: run.train as Dataset, test: run.test as Dataset };
}

/** `n` samples spread evenly over a split (deterministic), flattened, with their indices in the split. */
export function spreadSamples(data: Dataset, n: number): { x: Float32Array; y: Int32Array; indices: Int32Array } {
  const count = Math.min(n, data.length);
  const step = data.length / count;
  const indices = Int32Array.from({ length: count }, (_, i) => Math.floor(i * step));
  return { ...data.getBatch(indices), indices };
}
