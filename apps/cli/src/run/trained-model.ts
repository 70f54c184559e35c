import { describeBackend, loadCheckpoint, selectBackend, SpikeflowError, type Dataset, type Encoder, type LoadedCheckpoint, type Module, type Spikeflow } from '@spikeflow/core';
import { parseRunConfig, resolveRunConfig, type RunConfig } from '../config/run-config.js';
import { loadSpikeflow } from './plugins.js';
import { buildModel, openData, type RunIO } from './train-run.js';

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
  const flags = Object.entries(overrides).filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ name: `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value: { [k]: v } }));
  return { checkpoint, config: resolveRunConfig([{ name: source, value: stored }, ...flags]) };
}

/**
 * Load a checkpoint's configuration (with overrides such as dataDir), rebuild the model, load the
 * weights and open the dataset. Shared by `export`, `simulate` and `finetune` for every target.
 */
export async function loadTrainedModel(checkpointPath: string, overrides: Record<string, unknown>, io: RunIO): Promise<TrainedModel> {
  const { checkpoint, config } = await loadCheckpointConfig(checkpointPath, overrides);
  const backend = await selectBackend(config.backend);
  if (!io.quiet) io.log(describeBackend(backend));
  const { sf } = await loadSpikeflow();
  const { train, test } = await openData(sf, config, io);
  const { model, encoder, timeSteps } = buildModel(sf, config, test);
  model.loadStateDict(checkpoint.weights);
  return { checkpoint, config, sf, model, encoder, timeSteps, train, test, backend: backend.name };
}

/** `n` samples spread evenly over a split (deterministic), flattened, with their indices in the split. */
export function spreadSamples(data: Dataset, n: number): { x: Float32Array; y: Int32Array; indices: Int32Array } {
  const count = Math.min(n, data.length);
  const step = data.length / count;
  const indices = Int32Array.from({ length: count }, (_, i) => Math.floor(i * step));
  return { ...data.getBatch(indices), indices };
}
