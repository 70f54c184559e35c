import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  Adam,
  AdamW,
  SGD,
  ProgressBar,
  SpikeflowError,
  Trainer,
  checkTrainingMemory,
  constantLr,
  cosineLr,
  describeBackend,
  estimateTrainingMemory,
  isTaskDatasetDescriptor,
  jsonlMetricsCallback,
  manualSeed,
  memoryUsage,
  progressCallback,
  selectBackend,
  writeFileAtomic,
  type BackendInfo,
  type Dataset,
  type EpochMetrics,
  type FitSelection,
  type LoadedCheckpoint,
  type Module,
  type FitSummary,
  type Optimizer,
  type Spikeflow,
  type TargetSpec,
  type TaskDataset,
  type TaskSplit,
  type TrainerCallback,
} from '@spikeflow/core';
import { DataLoader, holdOut } from '@spikeflow/datasets';
import type { RunConfig } from '../config/run-config.js';
import { loadSpikeflow } from './plugins.js';
import { TrainingInterrupted, type InterruptGuard } from './interrupt.js';
import { selectTestSamples, type TestSamples } from './test-samples.js';
import { resolveRunTask } from './run-task.js';
import { trainAugment } from './train-augment.js';

/** Where human-readable output goes; `--json` sends machine output to `json`. */
export interface RunIO {
  readonly log: (line: string) => void;
  readonly json?: (value: unknown) => void;
  /** Draw progress bars even when stderr is not a TTY. */
  readonly forceProgress?: boolean;
  readonly quiet?: boolean;
}

export interface TrainRunResult {
  readonly runDir: string;
  readonly backend: string;
  readonly epochs: readonly EpochMetrics[];
  readonly testAccuracy?: number;
  readonly testLoss?: number;
  /** The task's id and every metric of the last epoch's test evaluation. */
  readonly task: string;
  readonly testMetrics?: Readonly<Record<string, number>>;
  /** With a selection: the best epoch, its value and the `best` checkpoint. */
  readonly best?: FitSummary['best'];
  readonly samplesPerSecond: number;
  readonly peakRssMiB: number;
  /** The process's resident-set high-water mark and (on wasm) the backend heap's size at the end, MiB. */
  readonly peakMemory: { readonly rssMiB: number; readonly wasmHeapMiB?: number };
  readonly checkpoint?: string;
  readonly stoppedEarly: boolean;
  /** Why the run stopped before its epochs: the step limit or early stopping (`--patience`). */
  readonly stoppedBy?: 'max-steps' | 'patience';
  /** The test samples each epoch was evaluated on. */
  readonly test: TestSamples['json'];
  /** Set when a signal stopped the run: the signal and the checkpoint written at the step it stopped after. */
  readonly interrupted?: { readonly signal: NodeJS.Signals; readonly step: number; readonly checkpoint?: string };
}

/** Extras for {@link runTraining}. */
export interface TrainRunOptions {
  /** Stop cleanly on SIGINT/SIGTERM: finish the step, checkpoint, and report it in the result. */
  readonly interrupt?: InterruptGuard;
}

function datasetProgress(io: RunIO) {
  let bar: ProgressBar | undefined;
  let current = '';
  return (e: { phase: string; done: number; total?: number; file?: string }) => {
    if (io.quiet) return;
    const key = `${e.phase}:${e.file ?? ''}`;
    if (key !== current) {
      bar?.done();
      current = key;
      bar = new ProgressBar({ total: e.total ?? 0, label: `${e.phase} ${e.file ? path.basename(e.file) : ''}`.trim(), unit: 'B', force: io.forceProgress });
    }
    bar?.update(e.done);
    if (e.total !== undefined && e.done >= e.total) {
      bar?.done();
      bar = undefined;
      current = '';
    }
  };
}

/** Open the train and test splits of the configured dataset. */
export async function openData(sf: Spikeflow, config: RunConfig, io: RunIO): Promise<{ train: Dataset; test: Dataset }> {
  const common = { ...config.dataset.options, dataDir: config.dataDir, download: config.download, onProgress: datasetProgress(io) };
  const train = await sf.dataset(config.dataset.id, { ...common, split: 'train' });
  const test = await sf.dataset(config.dataset.id, { ...common, split: 'test' });
  return { train, test };
}

/** The splits a run reads, and their target. */
export interface RunData {
  readonly train: Dataset | TaskDataset;
  readonly test: Dataset | TaskDataset;
  /** The validation split: the dataset's own, or a seeded hold-out of train (`validFraction`). */
  readonly valid?: Dataset | TaskDataset;
  readonly target: TargetSpec;
}

/**
 * Open the configured dataset's splits: a class dataset's train and test (as {@link openData}), a task
 * dataset's (forecasting series...) train, test and, when it has one, valid, through `sf.taskDataset`.
 */
export async function openRunData(sf: Spikeflow, config: RunConfig, io: RunIO): Promise<RunData> {
  const data = await openSplits(sf, config, io);
  if (config.validFraction === undefined) return data;
  if (data.valid) {
    throw new SpikeflowError(
      'invalid-options',
      `--valid-fraction ${config.validFraction}: ${config.dataset.id} has its own valid split (${data.valid.length} samples); drop --valid-fraction`,
    );
  }
  // Datasets without a validation split get a seeded hold-out of train (documented in docs/datasets.md).
  const { train, valid } = holdOut(data.train, { fraction: config.validFraction, seed: config.seed });
  if (!io.quiet)
    io.log(
      `valid: ${valid.length} of the ${data.train.length} training samples held out (fraction ${config.validFraction}, seed ${config.seed}); training on the other ${train.length}`,
    );
  return { ...data, train, valid };
}

async function openSplits(sf: Spikeflow, config: RunConfig, io: RunIO): Promise<RunData> {
  const descriptor = sf.datasets.get(config.dataset.id);
  if (!isTaskDatasetDescriptor(descriptor)) {
    const { train, test } = await openData(sf, config, io);
    return { train, test, target: { kind: 'class', numClasses: train.numClasses } };
  }
  const common = { ...config.dataset.options, dataDir: config.dataDir, download: config.download, onProgress: datasetProgress(io) };
  const open = (split: TaskSplit) => sf.taskDataset(config.dataset.id, { ...common, split });
  const train = await open('train');
  const test = await open('test');
  const valid = descriptor.splits.includes('valid') ? await open('valid') : undefined;
  return { train, test, ...(valid ? { valid } : {}), target: train.targetSpec };
}

/**
 * The per-step output shape a target needs beyond one flat vector: a multi-dimensional regression
 * target's shape (e.g. `[horizon, series]`), which `sf.model` gives the model as a last layer and
 * records in the model's build, so checkpoints and `sf.loadModel` rebuild it; else undefined.
 */
export function outputShapeOf(target: TargetSpec): readonly number[] | undefined {
  return target.kind === 'regression' && target.shape.length > 1 ? target.shape : undefined;
}

/** Build the configured model (seeded) and its neuron, encoder and loss, and T (the data's frames per sample, else the config's). */
export function buildModel(sf: Spikeflow, config: RunConfig, data: { sampleShape: readonly number[]; numClasses: number; outputShape?: readonly number[] }) {
  manualSeed(config.seed);
  const encoder = sf.encoder(config.encoder.id, config.encoder.options);
  // Event-frame samples fix T; layers with per-step parameters (TEBN, BNTT, PSN, GLIF) are built for it.
  const timeSteps = encoder.framesPerSample?.(data.sampleShape) ?? config.timeSteps;
  const model = sf.model(config.model.id, config.model.options, {
    // Event-frame samples are sequences: the model sees one step's shape.
    inputShape: encoder.stepShape?.(data.sampleShape) ?? data.sampleShape,
    numClasses: data.numClasses,
    neuron: { id: config.neuron.id, options: withTimeSteps(sf, config.neuron.id, config.neuron.options, timeSteps) },
    staticInput: encoder.timeInvariant === true,
    timeSteps,
    ...(data.outputShape ? { outputShape: data.outputShape } : {}),
  });
  const loss = sf.loss(config.loss.id, config.loss.options);
  return { model, encoder, loss, timeSteps };
}

/** A neuron whose options take `timeSteps` (PSN, masked PSN, GLIF) gets the run's T unless given one. */
function withTimeSteps(sf: Spikeflow, id: string, options: Record<string, unknown> | undefined, timeSteps: number): Record<string, unknown> | undefined {
  const schema = sf.neurons.get(id).options as { shape?: Record<string, unknown> };
  if (!schema.shape || !('timeSteps' in schema.shape) || options?.timeSteps !== undefined) return options;
  return { ...options, timeSteps };
}

export function buildOptimizer(model: Module, config: RunConfig): Optimizer {
  const params = model.namedParameters();
  const o = config.optimizer;
  if (o.id === 'sgd') return new SGD(params, { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  if (o.id === 'adamw') return new AdamW(params, { lr: o.lr, weightDecay: o.weightDecay });
  return new Adam(params, { lr: o.lr, weightDecay: o.weightDecay });
}

/**
 * The split and metric picking the `best` checkpoint: `--select split:metric`, else the task's
 * selection metric on the validation split when the data has one, else none (no `best/`).
 */
export function selectionOf(
  config: RunConfig,
  task: { readonly id: string; readonly selection: { readonly metric: string }; readonly metrics: readonly { readonly name: string }[] },
  hasValid: boolean,
): FitSelection | undefined {
  if (config.select === undefined) return hasValid ? { split: 'valid', metric: task.selection.metric } : undefined;
  const [split, metric] = config.select.split(':') as [TaskSplit, string];
  if (split === 'valid' && !hasValid)
    throw new SpikeflowError('invalid-options', `--select ${config.select}: dataset has no valid split; select on test or train (e.g. test:${metric})`);
  const names = [...task.metrics.map((m) => m.name), 'loss'];
  if (!names.includes(metric))
    throw new SpikeflowError('invalid-options', `--select ${config.select}: task '${task.id}' has no metric '${metric}'; it reports ${names.join(', ')}`);
  return { split, metric };
}

function defaultRunDir(config: RunConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return path.resolve('runs', `${stamp}-${config.model.id.replace('/', '_')}-${config.dataset.id.replace('/', '_')}`);
}

/**
 * Run a whole training job: select the backend, open the data, build the model, train with
 * progress, evaluate every epoch, write `config.json`, `metrics.jsonl` and checkpoints to the run
 * folder. With `resume`, continue from a checkpoint (the run folder is the checkpoint's).
 */
export async function runTraining(requested: RunConfig, io: RunIO, resume?: LoadedCheckpoint, options: TrainRunOptions = {}): Promise<TrainRunResult> {
  let config = requested;
  const backend: BackendInfo = await selectBackend(config.backend);
  if (!io.quiet) io.log(describeBackend(backend));
  const { sf } = await loadSpikeflow();
  const data = await openRunData(sf, config, io);
  const { train, test, valid } = data;
  // Say which copy of the data this run reads (datasets expose `sources`: the files they read).
  for (const [split, ds] of [['train', train], ...(valid ? [['valid', valid] as const] : []), ['test', test]] as const) {
    const files = (ds as { sources?: readonly string[] }).sources ?? [];
    if (!io.quiet && files.length > 0) io.log(`data ${split}: ${files.length <= 3 ? files.join(', ') : `${files.length} files, ${files.slice(0, 2).join(', ')}, ...`}`);
  }
  // The task follows from the data unless --task says otherwise; the stored config records it and its loss.
  const runTask = resolveRunTask(sf, config, data.target);
  const { task } = runTask;
  config = { ...config, task: runTask.component, loss: runTask.loss };
  const select = selectionOf(config, task, valid !== undefined);
  const { model, encoder, timeSteps } = buildModel(sf, config, { sampleShape: train.sampleShape, numClasses: runTask.outputs, outputShape: outputShapeOf(data.target) });
  const taskLoss = sf.taskLoss(config.loss.id, config.loss.options);
  // Samples that already are sequences (event frames) fix T; the run's config records it.
  if (timeSteps !== config.timeSteps) {
    if (!io.quiet) io.log(`T=${timeSteps}: the frames per sample of ${config.dataset.id} (encoder ${encoder.id})`);
    config = { ...config, timeSteps };
  }
  // A step that cannot fit in the backend's memory is refused here, with the numbers, not mid-run.
  const stepShape = encoder.stepShape?.(train.sampleShape) ?? train.sampleShape;
  const stepFit = await checkTrainingMemory(model, { stepShape, timeSteps: config.timeSteps, batchSize: config.batchSize });
  // An evaluation batch that cannot fit is evaluated in smaller batches (the metrics do not depend on the batch size).
  // Evaluating a batch needs less than a training step on it, so the step's dry run settles every batch
  // size up to its largest fitting one; only a larger batch is measured forward-only, for the exact figures.
  const evalFit =
    config.evalBatchSize <= stepFit.maxBatchSize
      ? undefined
      : await estimateTrainingMemory(model, { stepShape, timeSteps: config.timeSteps, batchSize: config.evalBatchSize, backward: false });
  const evalBatchSize = evalFit === undefined || evalFit.fits ? config.evalBatchSize : Math.max(1, Math.min(config.evalBatchSize, evalFit.maxBatchSize));
  if (evalFit !== undefined && evalBatchSize !== config.evalBatchSize && !io.quiet) {
    io.log(
      `evaluating in batches of ${evalBatchSize}: a batch of ${config.evalBatchSize} at T=${config.timeSteps} needs about ${(evalFit.totalBytes / 2 ** 20).toFixed(0)} MiB, more than the ${evalFit.backend} backend's ${(evalFit.limitBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  }
  const trainLoader = new DataLoader({ dataset: train, batchSize: config.batchSize, shuffle: true, seed: config.seed, subset: config.subset, augment: trainAugment(config) });
  // The loader's seeded subset is the set selectTestSamples describes (same indices, same seed).
  const testSamples = selectTestSamples(test, config.testSubset, config.seed);
  const testLoader = new DataLoader({ dataset: test, batchSize: evalBatchSize, shuffle: false, seed: config.seed, subset: config.testSubset });
  const validLoader = valid ? new DataLoader({ dataset: valid, batchSize: evalBatchSize, shuffle: false, seed: config.seed }) : undefined;
  const optimizer = buildOptimizer(model, config);
  const totalSteps = Math.min(config.epochs * trainLoader.batchesPerEpoch, config.maxSteps ?? Number.POSITIVE_INFINITY);
  const schedule =
    config.schedule.id === 'cosine'
      ? cosineLr({ lr: config.optimizer.lr, totalSteps: config.epochs * trainLoader.batchesPerEpoch, minLr: config.schedule.minLr, warmupSteps: config.schedule.warmupSteps })
      : constantLr(config.optimizer.lr);

  // A resume writes into the run folder it was given: the `out` recorded in its state.json names the
  // folder it was trained in, which for a copied run is the original. Only a new --out moves it.
  const resumedOut = resume?.state.config.out;
  const out = resume && config.out === resumedOut ? undefined : config.out;
  const runDir = path.resolve(out ?? (resume ? path.dirname(path.dirname(resume.dir)) : defaultRunDir(config)));
  await fs.mkdir(runDir, { recursive: true });
  const stored = { ...config, out: runDir };
  await writeFileAtomic(path.join(runDir, 'config.json'), `${JSON.stringify(stored, null, 2)}\n`);
  if (!io.quiet) {
    io.log(`run folder: ${runDir}`);
    io.log(
      `model ${config.model.id} (${model.parameterCount()} parameters), neuron ${config.neuron.id}, T=${config.timeSteps}, ${trainLoader.length} train / ${validLoader ? `${validLoader.length} valid / ` : ''}${testLoader.length} test samples, ${trainLoader.batchesPerEpoch} batches of ${config.batchSize} per epoch, ${totalSteps} steps`,
    );
    if (task.target.kind !== 'class')
      io.log(
        `task ${task.id} (read-out ${task.readOut}), loss ${taskLoss.id}, metrics ${task.metrics.map((m) => m.name).join(', ')}${select ? `; best checkpoint by ${select.split} ${select.metric}` : ''}`,
      );
    else if (select) io.log(`best checkpoint by ${select.split} ${select.metric}`);
    io.log(testSamples.description);
  }
  const history: EpochMetrics[] = [];
  const callbacks: TrainerCallback[] = [jsonlMetricsCallback(path.join(runDir, 'metrics.jsonl')), { onEpochEnd: (m) => void history.push(m) }];
  if (!io.quiet) callbacks.push(progressCallback({ log: io.log, force: io.forceProgress }));
  if (io.json) {
    const emit = io.json;
    callbacks.push({ onEpochEnd: (m) => emit({ type: 'epoch', backend: backend.name, ...m }) });
  }
  // Which step the newest checkpoint holds, so an interrupt right after one does not write another.
  let saved: { step: number; dir: string } | undefined = resume ? { step: resume.state.step, dir: resume.dir } : undefined;
  // Checkpoints are written only once the trainer below exists.
  callbacks.push({ onCheckpoint: (dir) => void (saved = { step: trainer.step, dir }) });
  if (options.interrupt) callbacks.push(options.interrupt.callback);
  const trainer = new Trainer({
    model,
    encoder,
    taskLoss,
    task,
    metrics: () => sf.taskMetrics(task),
    optimizer,
    schedule,
    timeSteps: config.timeSteps,
    seed: config.seed,
    callbacks,
    maxSteps: config.maxSteps,
    checkpoints: { dir: path.join(runDir, 'checkpoints'), config: stored },
  });
  if (resume) {
    trainer.restore(resume);
    if (!io.quiet) io.log(`resumed from ${resume.dir} at epoch ${resume.state.epoch + 1}, batch ${resume.state.batchInEpoch}, step ${resume.state.step}`);
    const done = trainer.epoch + (trainer.batchInEpoch >= trainLoader.batchesPerEpoch ? 1 : 0);
    if (done >= config.epochs && !io.quiet) io.log(`this run already finished its ${config.epochs} epoch(s): nothing to train; pass --epochs ${done + 1} or more to train longer`);
  }
  let summary: FitSummary;
  let interrupted: TrainRunResult['interrupted'];
  try {
    if (config.patience !== undefined && !select) {
      throw new SpikeflowError(
        'invalid-options',
        `--patience ${config.patience} stops when the selection metric stops improving; the run has none: give --select (e.g. test:${task.selection.metric}) or a valid split (--valid-fraction 0.1)`,
      );
    }
    summary = await trainer.fit(trainLoader, {
      epochs: config.epochs,
      test: testLoader,
      ...(validLoader ? { valid: validLoader } : {}),
      ...(select ? { select } : {}),
      ...(config.patience !== undefined ? { patience: config.patience } : {}),
    });
    if (summary.stoppedBy === 'patience' && !io.quiet && summary.best) {
      io.log(
        `early stop after epoch ${summary.epochs.at(-1)?.epoch}: ${summary.best.split} ${summary.best.metric} has not improved for ${config.patience} epochs (best ${summary.best.value.toFixed(4)} at epoch ${summary.best.epoch})`,
      );
    }
  } catch (e) {
    if (!(e instanceof TrainingInterrupted)) throw e;
    // The step in flight has finished (the trainer's state is consistent): save it unless saved.
    let checkpoint = saved?.step === trainer.step ? saved.dir : undefined;
    if (checkpoint === undefined && trainer.step > 0) {
      checkpoint = await trainer.checkpoint(`epoch-${String(trainer.epoch + 1).padStart(3, '0')}-step-${trainer.step}`);
    }
    interrupted = { signal: e.signal, step: trainer.step, checkpoint };
    summary = { epochs: history, stoppedEarly: true, step: trainer.step, checkpoint };
  }
  const last = summary.epochs.at(-1);
  const mem = memoryUsage();
  const peakMemory = { rssMiB: Math.round(mem.peakRssBytes / 2 ** 20), ...(mem.wasmHeapBytes === undefined ? {} : { wasmHeapMiB: Math.round(mem.wasmHeapBytes / 2 ** 20) }) };
  if (!io.quiet) io.log(`peak memory: rss ${peakMemory.rssMiB} MiB (high-water mark)${peakMemory.wasmHeapMiB === undefined ? '' : `, wasm heap ${peakMemory.wasmHeapMiB} MiB`}`);
  const result: TrainRunResult = {
    runDir,
    backend: backend.name,
    epochs: summary.epochs,
    testAccuracy: last?.testAccuracy,
    testLoss: last?.testLoss,
    task: task.id,
    testMetrics: last?.testMetrics,
    ...(summary.best ? { best: summary.best } : {}),
    samplesPerSecond: summary.epochs.length ? summary.epochs.reduce((a, m) => a + m.samplesPerSecond, 0) / summary.epochs.length : 0,
    peakRssMiB: Math.max(0, ...summary.epochs.map((m) => m.peakRssMiB)),
    checkpoint: summary.checkpoint,
    stoppedEarly: summary.stoppedEarly,
    ...(summary.stoppedBy ? { stoppedBy: summary.stoppedBy } : {}),
    peakMemory,
    test: testSamples.json,
    ...(interrupted ? { interrupted } : {}),
  };
  if (io.json) io.json({ type: 'summary', ...result, epochs: undefined, numEpochs: summary.epochs.length });
  model.dispose();
  optimizer.dispose();
  return result;
}
