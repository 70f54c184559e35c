import { Trainer, describeBackend, selectBackend } from '@spikeflow/core';
import { DataLoader } from '@spikeflow/datasets';
import { loadSpikeflow } from './plugins.js';
import { loadCheckpointConfig } from './trained-model.js';
import { buildModel, openData, type RunIO } from './train-run.js';
import { selectTestSamples, type TestSamples } from './test-samples.js';

export interface EvalRunResult {
  readonly checkpoint: string;
  readonly backend: string;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly samples: number;
  /** Which test samples were measured. */
  readonly test: TestSamples['json'];
  /** `test: 1000 of 10000 samples (seeded subset, seed 0)`. */
  readonly testDescription: string;
  readonly firingRates: Readonly<Record<string, number>>;
  readonly samplesPerSecond: number;
}

/** Re-evaluate a checkpoint on its dataset's test split (config overrides such as dataDir apply). */
export async function runEval(checkpointPath: string, overrides: Record<string, unknown>, io: RunIO): Promise<EvalRunResult> {
  const { checkpoint: ckpt, config } = await loadCheckpointConfig(checkpointPath, overrides);
  const backend = await selectBackend(config.backend);
  if (!io.quiet) io.log(describeBackend(backend));
  const { sf } = await loadSpikeflow();
  const { test } = await openData(sf, config, io);
  const { model, encoder, loss } = buildModel(sf, config, test);
  model.loadStateDict(ckpt.weights);
  // The loader's seeded subset is the set selectTestSamples describes (same indices, same seed).
  const samples = selectTestSamples(test, config.testSubset, config.seed);
  const loader = new DataLoader({ dataset: test, batchSize: config.evalBatchSize, shuffle: false, seed: config.seed, subset: config.testSubset });
  const trainer = new Trainer({ model, encoder, loss, timeSteps: config.timeSteps, numClasses: test.numClasses, seed: config.seed });
  const r = await trainer.evaluate(loader);
  model.dispose();
  return { checkpoint: ckpt.dir, backend: backend.name, testAccuracy: r.accuracy, testLoss: r.loss, samples: r.samples, test: samples.json, testDescription: samples.description, firingRates: r.firingRates, samplesPerSecond: r.samplesPerSecond };
}
