import * as path from 'node:path';
import { Trainer, describeBackend, selectBackend, writeFileAtomic, type EvalPredictions, type TargetSpec } from '@spikeflow/core';
import { DataLoader } from '@spikeflow/datasets';
import { loadSpikeflow } from './plugins.js';
import { loadCheckpointConfig } from './trained-model.js';
import { buildModel, openRunData, outputShapeOf, type RunIO } from './train-run.js';
import { resolveRunTask } from './run-task.js';
import { selectTestSamples, type TestSamples } from './test-samples.js';

export interface EvalRunResult {
  readonly checkpoint: string;
  readonly backend: string;
  /** The checkpoint's task (e.g. `core/classification`, `core/regression`). */
  readonly task: string;
  /** Classification only. */
  readonly testAccuracy?: number;
  readonly testLoss: number;
  /** Every metric of the task on the test samples. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly samples: number;
  /** Which test samples were measured. */
  readonly test: TestSamples['json'];
  /** `test: 1000 of 10000 samples (seeded subset, seed 0)`. */
  readonly testDescription: string;
  readonly firingRates: Readonly<Record<string, number>>;
  readonly samplesPerSecond: number;
  /** Where `savePredictions` wrote the predictions. */
  readonly predictionsFile?: string;
}

/** Extras for {@link runEval}. */
export interface EvalRunOptions {
  /** Write each test sample's read-out and target to this JSON file (see {@link PredictionsFile}). */
  readonly savePredictions?: string;
}

/**
 * The file `spikeflow eval --save-predictions` writes: the task's read-out of every evaluated test
 * sample next to its target, sample by sample in evaluation order, with the metrics computed from them.
 */
export interface PredictionsFile {
  readonly format: 'spikeflow-predictions';
  readonly version: 1;
  readonly checkpoint: string;
  readonly task: string;
  readonly target: TargetSpec;
  readonly split: 'test';
  readonly metrics: Readonly<Record<string, number>>;
  readonly loss: number;
  /** Dataset index of each sample. */
  readonly indices: number[];
  /** One row per sample: the read-out (class scores, or predicted values flattened). */
  readonly predictions: number[][];
  /** One row per sample: the target (one label, or values flattened). */
  readonly targets: number[][];
}

function rows(values: Int32Array | Float32Array, samples: number): number[][] {
  const width = samples === 0 ? 0 : values.length / samples;
  return Array.from({ length: samples }, (_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));
}

/** Re-evaluate a checkpoint on its dataset's test split (config overrides such as dataDir apply), with every metric of its task. */
export async function runEval(checkpointPath: string, overrides: Record<string, unknown>, io: RunIO, options: EvalRunOptions = {}): Promise<EvalRunResult> {
  const { checkpoint: ckpt, config } = await loadCheckpointConfig(checkpointPath, overrides);
  const backend = await selectBackend(config.backend);
  if (!io.quiet) io.log(describeBackend(backend));
  const { sf } = await loadSpikeflow();
  const data = await openRunData(sf, config, io);
  const { test } = data;
  const runTask = resolveRunTask(sf, config, data.target);
  const { task } = runTask;
  const built = buildModel(sf, { ...config, loss: runTask.loss }, { sampleShape: test.sampleShape, numClasses: runTask.outputs, outputShape: outputShapeOf(data.target) });
  const { model } = built;
  model.loadStateDict(ckpt.weights);
  // The loader's seeded subset is the set selectTestSamples describes (same indices, same seed).
  const samples = selectTestSamples(test, config.testSubset, config.seed);
  const loader = new DataLoader({ dataset: test, batchSize: config.evalBatchSize, shuffle: false, seed: config.seed, subset: config.testSubset });
  const trainer = new Trainer({
    model,
    encoder: built.encoder,
    task,
    taskLoss: sf.taskLoss(runTask.loss.id, runTask.loss.options),
    metrics: () => sf.taskMetrics(task),
    timeSteps: config.timeSteps,
    seed: config.seed,
  });
  const r = await trainer.evaluate(loader, undefined, { keepPredictions: options.savePredictions !== undefined });
  model.dispose();
  let predictionsFile: string | undefined;
  if (options.savePredictions !== undefined) {
    const p = r.predictions as EvalPredictions;
    predictionsFile = path.resolve(options.savePredictions);
    const file: PredictionsFile = {
      format: 'spikeflow-predictions',
      version: 1,
      checkpoint: ckpt.dir,
      task: task.id,
      target: task.target,
      split: 'test',
      metrics: r.metrics,
      loss: r.loss,
      indices: Array.from(p.indices),
      predictions: rows(p.prediction, r.samples),
      targets: rows(p.target, r.samples),
    };
    await writeFileAtomic(predictionsFile, `${JSON.stringify(file)}\n`);
  }
  return {
    checkpoint: ckpt.dir,
    backend: backend.name,
    task: task.id,
    ...(r.accuracy !== undefined ? { testAccuracy: r.accuracy } : {}),
    testLoss: r.loss,
    metrics: r.metrics,
    samples: r.samples,
    test: samples.json,
    testDescription: samples.description,
    firingRates: r.firingRates,
    samplesPerSecond: r.samplesPerSecond,
    ...(predictionsFile ? { predictionsFile } : {}),
  };
}
