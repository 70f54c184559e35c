import { describeBackend, loadCheckpoint, selectBackend, SpikeflowError, type Dataset, type LoadedCheckpoint, type Module, type Spikeflow } from '@spikeflow/core';
import { mergeConfig, parseRunConfig, type RunConfig } from '../config/run-config.js';
import { loadSpikeflow } from './plugins.js';
import { buildModel, openData, type RunIO } from './train-run.js';

/** A checkpoint loaded into its model, with its data splits (what chip commands start from). */
export interface TrainedModel {
  readonly checkpoint: LoadedCheckpoint;
  readonly config: RunConfig;
  readonly sf: Spikeflow;
  readonly model: Module;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly backend: string;
}

/** Load a checkpoint and its stored run configuration with `overrides` applied (a bad one is `checkpoint-invalid`). */
export async function loadCheckpointConfig(checkpointPath: string, overrides: Record<string, unknown>): Promise<{ checkpoint: LoadedCheckpoint; config: RunConfig }> {
  const checkpoint = await loadCheckpoint(checkpointPath);
  try {
    return { checkpoint, config: parseRunConfig(mergeConfig(checkpoint.state.config as Record<string, unknown>, overrides), `configuration stored in ${checkpoint.dir}`) };
  } catch (e) {
    if (SpikeflowError.is(e)) throw new SpikeflowError('checkpoint-invalid', e.message);
    throw e;
  }
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
  const { model } = buildModel(sf, config, test);
  model.loadStateDict(checkpoint.weights);
  return { checkpoint, config, sf, model, train, test, backend: backend.name };
}

/** `n` samples spread evenly over a split (deterministic), flattened. */
export function spreadSamples(data: Dataset, n: number): { x: Float32Array; y: Int32Array } {
  const count = Math.min(n, data.length);
  const step = data.length / count;
  return data.getBatch(Int32Array.from({ length: count }, (_, i) => Math.floor(i * step)));
}
