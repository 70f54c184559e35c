import { tf } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import type { Encoder } from '../contracts/encoder.js';
import type { LossFunction } from '../contracts/loss.js';
import type { Batch, BatchLoader } from '../contracts/batch-loader.js';
import type { Metric } from '../contracts/metric.js';
import type { TargetSpec, Task } from '../contracts/task.js';
import type { TaskLoss } from '../contracts/task-loss.js';
import type { TaskSplit } from '../contracts/task-dataset.js';
import type { GraphBatch } from '../contracts/graph-batch.js';
import { defaultClassificationTask } from '../tasks/classification-task.js';
import { selectionImproves } from '../tasks/selection-improves.js';
import { taskLossOf } from '../losses/task-loss-of.js';
import { coreTaskMetrics } from './core-task-metrics.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedule.js';
import { spikingLayers } from '../spike/neuron-module.js';
import { applyGradients, countCorrect, evaluateBatch, lossAndGradients, requireFiniteLoss, type StepParts } from './training-step.js';
import { globalRng } from '../util/seed.js';
import { cleanCheckpointTemps, saveCheckpoint, type EpochProgress, type LoadedCheckpoint } from '../checkpoint/checkpoint.js';
import { legacyOptimizerNames } from '../checkpoint/legacy-optimizer-names.js';
import { CORE_VERSION } from '../version.js';

/** Join typed arrays end to end. */
function concat<A extends Int32Array | Float32Array>(parts: readonly A[], Ctor: { new (n: number): A }): A {
  const out = new Ctor(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function concatTargets(parts: ReadonlyArray<Int32Array | Float32Array>): Int32Array | Float32Array {
  return parts.length > 0 && parts[0] instanceof Float32Array ? concat(parts as Float32Array[], Float32Array) : concat(parts as Int32Array[], Int32Array);
}

/** The results of a set of streaming metrics, by name. */
function resultsOf(metrics: ReadonlyMap<string, Metric>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, m] of metrics) out[name] = m.result();
  return out;
}

/** Same target (kind, classes, shape, steps). */
function sameTarget(a: TargetSpec, b: TargetSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeTarget(t: TargetSpec): string {
  switch (t.kind) {
    case 'class':
      return `${t.numClasses} classes`;
    case 'regression':
      return `regression targets of shape [${t.shape}]`;
    case 'sequence':
      return `sequences of ${t.steps} steps of ${describeTarget(t.item)}`;
    case 'none':
      return 'no targets';
  }
}

/** Metrics of one finished epoch (also one line of `metrics.jsonl`). */
export interface EpochMetrics {
  /** Which epoch this is, counting from 1 (as the progress lines and checkpoint names count). */
  readonly epoch: number;
  readonly step: number;
  readonly trainLoss: number;
  /** Classification only: arg-max accuracy over the epoch's training batches. */
  readonly trainAccuracy?: number;
  readonly testLoss?: number;
  /** Classification only. */
  readonly testAccuracy?: number;
  /** Mean firing rate of each spiking layer on the evaluation data (or training data without it). */
  readonly firingRates: Readonly<Record<string, number>>;
  /** Training throughput (samples / second of training time, evaluation excluded). */
  readonly samplesPerSecond: number;
  readonly lr: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  /** Peak resident set size of the process so far, MiB. */
  readonly peakRssMiB: number;
  /** Batches trained in this epoch (fewer than an epoch when maxSteps stopped it). */
  readonly batches: number;
  /**
   * Every metric of the task over the epoch's training batches (streamed; after a mid-epoch resume,
   * over the batches since the resume). Keyed by the task's metric names (`accuracy`, `r2`, ...).
   * The trainer always sets it; optional for metrics made elsewhere (a cluster coordinator's epoch line).
   */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Loss and metrics on the validation split, when one was given. */
  readonly validLoss?: number;
  readonly validMetrics?: Readonly<Record<string, number>>;
  /** Every metric of the task on the test split, when one was given. */
  readonly testMetrics?: Readonly<Record<string, number>>;
  /** With a selection (`fit`'s `select`): its value this epoch and whether it is the best so far (then saved as `best`). */
  readonly selection?: EpochSelection;
}

/** The selection metric of an epoch (see `fit`'s `select`). */
export interface EpochSelection {
  readonly split: TaskSplit;
  readonly metric: string;
  readonly mode: 'max' | 'min';
  readonly value: number;
  /** This epoch is the best so far (its weights are in the `best` checkpoint). */
  readonly best: boolean;
  /** The best value so far and the epoch (from 1) that reached it. */
  readonly bestValue?: number;
  readonly bestEpoch?: number;
}

/** Which split's metric picks the `best` checkpoint in {@link Trainer.fit}. */
export interface FitSelection {
  readonly split: TaskSplit;
  /** A metric name of the task (`accuracy`, `r2`, ...); `loss` selects the lowest mean loss. */
  readonly metric: string;
}

/** One training step as reported to callbacks. */
export interface StepInfo {
  readonly epoch: number;
  readonly batch: number;
  readonly batchesPerEpoch: number;
  readonly step: number;
  readonly loss: number;
  /** Arg-max accuracy of the batch (NaN when the task has no class labels). */
  readonly accuracy: number;
  readonly samples: number;
  readonly lr: number;
}

/** Evaluation result over a whole loader. */
export interface EvalResult {
  readonly loss: number;
  /** Arg-max accuracy (classification only). */
  readonly accuracy?: number;
  /** Every metric of the task over the whole loader. */
  readonly metrics: Readonly<Record<string, number>>;
  /** With `keepPredictions`: each sample's read-out and target, in the loader's order. */
  readonly predictions?: EvalPredictions;
  readonly samples: number;
  readonly firingRates: Readonly<Record<string, number>>;
  readonly samplesPerSecond: number;
  readonly seconds: number;
}

/** The read-outs an evaluation produced, sample-major, as the task's metrics saw them. */
export interface EvalPredictions {
  /** Dataset index of each sample. */
  readonly indices: Int32Array;
  /** `samples * predictionPerSample` values (class scores, or predicted values). */
  readonly prediction: Float32Array;
  /** `samples * targetPerSample` targets. */
  readonly target: Int32Array | Float32Array;
}

/** Hooks into training (progress bars, loggers, early stopping). All optional. */
export interface TrainerCallback {
  onTrainStart?(trainer: Trainer): void | Promise<void>;
  onEpochStart?(epoch: number, batchesPerEpoch: number, startBatch: number): void | Promise<void>;
  onStep?(info: StepInfo): void | Promise<void>;
  onEvalStart?(epoch: number, batches: number): void | Promise<void>;
  onEvalStep?(done: number, total: number): void | Promise<void>;
  onEpochEnd?(metrics: EpochMetrics): void | Promise<void>;
  onCheckpoint?(dir: string): void | Promise<void>;
  onTrainEnd?(summary: FitSummary): void | Promise<void>;
}

export interface FitSummary {
  readonly epochs: readonly EpochMetrics[];
  readonly stoppedEarly: boolean;
  /** Why training stopped before `epochs`: the step limit, or no improvement for `patience` epochs. */
  readonly stoppedBy?: 'max-steps' | 'patience';
  readonly step: number;
  readonly checkpoint?: string;
  /** With a selection: the best epoch (from 1), its value and the `best` checkpoint folder. */
  readonly best?: { readonly split: TaskSplit; readonly metric: string; readonly value: number; readonly epoch: number; readonly checkpoint?: string };
}

export interface TrainerOptions {
  readonly model: Module;
  readonly encoder: Encoder;
  /** A classification loss `(output, labels, numClasses)`; used through `taskLossOf` unless `taskLoss` is given. */
  readonly loss?: LossFunction;
  /** The loss under the task signature `(output, target, context)` (regression losses: `sf.taskLoss('mse')`). */
  readonly taskLoss?: TaskLoss;
  /**
   * What the model learns: its output check, read-out, target and metrics. Default: classification
   * of `numClasses` classes with the mean read-out, accuracy and top-5 (today's behaviour).
   */
  readonly task?: Task;
  /** Fresh metrics of the task (e.g. `() => sf.taskMetrics(task)`); default: core's metrics the task names. */
  readonly metrics?: () => Map<string, Metric>;
  /** Needed to train; a trainer without one can still evaluate. */
  readonly optimizer?: Optimizer;
  readonly schedule?: LrSchedule;
  readonly timeSteps: number;
  /** Classes of the default classification task; not needed with a `task`. */
  readonly numClasses?: number;
  readonly seed: number;
  readonly callbacks?: readonly TrainerCallback[];
  /** Stop after this many optimizer steps in total (a checkpoint is still written). */
  readonly maxSteps?: number;
  /** Where checkpoints go (`<run>/checkpoints`) and the config stored with them. */
  readonly checkpoints?: { readonly dir: string; readonly config: Record<string, unknown> };
}

/**
 * Backpropagation-through-time trainer. Each step encodes a static batch into `[T, B, ...]`,
 * runs the multi-step network from a freshly reset state (the reset is part of the step, so it
 * cannot be forgotten), computes the loss on the `[T, B, C]` output, and applies the optimizer.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ model, encoder: directEncoder(), loss: mseRateLoss(), optimizer,
 *   timeSteps: 8, numClasses: 10, seed: 0 });
 * await trainer.fit(trainLoader, { epochs: 1, test: testLoader });
 * ```
 */
export class Trainer {
  /** Epoch the data cursor is in. */
  epoch = 0;
  /** Optimizer steps taken. */
  step = 0;
  /** Next batch of `epoch`. */
  batchInEpoch = 0;
  private peakRss = 0;
  /** Training sums of the epoch in progress; checkpointed so a resumed epoch reports all its batches. */
  private progress: EpochProgress | undefined;
  /** The best selection so far (restored from a checkpoint's last epoch metrics). */
  private best: { split: TaskSplit; metric: string; value: number; epoch: number } | undefined;
  private readonly params: Array<[string, tf.Variable]>;
  /** What the model learns (the options' task, or classification of `numClasses` classes). */
  readonly task: Task;
  private readonly loss: TaskLoss;
  private readonly makeMetrics: () => Map<string, Metric>;

  constructor(readonly options: TrainerOptions) {
    if (!Number.isInteger(options.timeSteps) || options.timeSteps < 1) {
      throw new SpikeflowError('invalid-options', `timeSteps must be a positive integer, got ${options.timeSteps}`);
    }
    if (options.task) this.task = options.task;
    else if (Number.isInteger(options.numClasses) && options.numClasses! >= 1) {
      this.task = defaultClassificationTask(options.numClasses!);
    } else {
      throw new SpikeflowError('invalid-options', `the trainer needs a task or a positive integer numClasses (for classification), got numClasses ${options.numClasses}`);
    }
    if (options.task && options.numClasses !== undefined && (options.task.target.kind !== 'class' || options.task.target.numClasses !== options.numClasses)) {
      throw new SpikeflowError(
        'invalid-options',
        `numClasses ${options.numClasses} contradicts the task '${options.task.id}', which learns ${describeTarget(options.task.target)}; drop numClasses`,
      );
    }
    if (options.taskLoss) this.loss = options.taskLoss;
    else if (options.loss) this.loss = taskLossOf(options.loss);
    else throw new SpikeflowError('invalid-options', `the trainer needs a loss: pass loss (classification) or taskLoss (e.g. sf.taskLoss('${this.task.defaultLoss}'))`);
    this.makeMetrics = options.metrics ?? (() => coreTaskMetrics(this.task));
    // Fail at construction, not after the first epoch, when a metric cannot be made.
    this.makeMetrics();
    this.params = options.model.namedParameters();
  }

  private get callbacks(): readonly TrainerCallback[] {
    return this.options.callbacks ?? [];
  }

  private async emit<K extends keyof TrainerCallback>(name: K, ...args: Parameters<NonNullable<TrainerCallback[K]>>): Promise<void> {
    for (const cb of this.callbacks) {
      const fn = cb[name] as ((...a: unknown[]) => unknown) | undefined;
      if (fn) await fn.apply(cb, args);
    }
  }

  private sampleRss(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }

  /** The parts of a step (model, encoder, task, loss) that core's step functions take. */
  private get parts(): StepParts {
    const { model, encoder, timeSteps, seed } = this.options;
    return { model, encoder, timeSteps, seed, task: this.task, loss: this.loss };
  }

  private requireOptimizer(): Optimizer {
    const { optimizer } = this.options;
    if (!optimizer) throw new SpikeflowError('invalid-options', 'this trainer has no optimizer: pass one to train (evaluation works without)');
    return optimizer;
  }

  /**
   * One optimizer step on a batch; returns the loss, the number of correct predictions (NaN without
   * class labels) and the task's read-out of the output (what the metrics take).
   */
  trainStep(batch: Batch, epoch = this.epoch): { loss: number; correct: number; prediction: Float32Array } {
    this.options.model.train();
    const [lossValue, prediction] = this.optimizeOn(batch, epoch);
    requireFiniteLoss(lossValue, `step ${this.step} (epoch ${epoch})`);
    this.step++;
    this.sampleRss();
    return { loss: lossValue, correct: countCorrect(this.task.target, prediction, batch.y), prediction };
  }

  /**
   * Forward, loss, gradients and one optimizer update on a batch; with a mask the loss counts only
   * the samples it selects. Returns the loss and the task's host-side prediction of the batch.
   */
  private optimizeOn(batch: Batch, epoch: number, mask?: Float32Array): readonly [number, Float32Array] {
    const optimizer = this.requireOptimizer();
    return tf.tidy(() => {
      const { loss, grads, prediction } = lossAndGradients(this.parts, this.params, batch, epoch, mask);
      applyGradients(optimizer, grads, this.options.schedule, this.step);
      return [loss, prediction] as const;
    });
  }

  /** A whole graph as one batch of its nodes (indices 0..N-1), its mask checked against the node count. */
  private graphAsBatch(graph: GraphBatch): { batch: Batch; mask: Float32Array } {
    const n = graph.numNodes;
    if (!Number.isInteger(n) || n < 1) throw new SpikeflowError('shape-mismatch', `a graph batch needs a positive integer numNodes, got ${n}`);
    if (graph.mask.length !== n) throw new SpikeflowError('shape-mismatch', `the graph's mask has ${graph.mask.length} entries; expected one per node (${n})`);
    const mask = Float32Array.from(graph.mask, (v) => (v !== 0 ? 1 : 0));
    if (!mask.some((v) => v === 1)) throw new SpikeflowError('invalid-options', "the graph's mask selects no node; a step needs at least one counted node");
    return { batch: { x: graph.x, y: graph.y, indices: Int32Array.from({ length: n }, (_, i) => i), size: n, sampleShape: graph.nodeShape }, mask };
  }

  /**
   * One full-graph optimizer step for a transductive node task: every node goes through the network
   * (`[T, N, ...]`), the loss counts only the nodes the mask selects (the training nodes), and the
   * returned metrics score those nodes. Nodes outside the mask do not change the step, whatever their labels.
   *
   * @example
   * ```ts
   * const { loss, metrics } = trainer.graphStep(graph.graphBatch('train'));
   * ```
   */
  graphStep(graph: GraphBatch, epoch = this.epoch): { loss: number; metrics: Record<string, number> } {
    const { batch, mask } = this.graphAsBatch(graph);
    this.options.model.train();
    const [lossValue, prediction] = this.optimizeOn(batch, epoch, mask);
    requireFiniteLoss(lossValue, `step ${this.step} (graph step)`);
    this.step++;
    this.sampleRss();
    const metrics = this.makeMetrics();
    for (const m of metrics.values()) m.update(prediction, batch.y, mask);
    return { loss: lossValue, metrics: resultsOf(metrics) };
  }

  /** Evaluate a whole graph in eval mode: the loss and the task's metrics over the nodes the mask selects. */
  evaluateGraph(graph: GraphBatch, epoch = this.epoch): { loss: number; metrics: Record<string, number>; nodes: number } {
    const { model } = this.options;
    const { batch, mask } = this.graphAsBatch(graph);
    model.eval();
    try {
      const { loss, prediction } = evaluateBatch(this.parts, batch, epoch, mask);
      const metrics = this.makeMetrics();
      for (const m of metrics.values()) m.update(prediction, batch.y, mask);
      return { loss, metrics: resultsOf(metrics), nodes: mask.reduce((a, v) => a + v, 0) };
    } finally {
      model.train();
    }
  }

  /** Refuse a loader whose targets are not the task's, naming both. */
  private checkLoader(loader: BatchLoader, what: string): void {
    const data = loader.targetSpec ?? { kind: 'class', numClasses: loader.numClasses };
    if (sameTarget(data, this.task.target)) return;
    throw new SpikeflowError(
      'shape-mismatch',
      data.kind === 'class' && this.task.target.kind === 'class'
        ? `the ${what} data has ${data.numClasses} classes but the trainer was set up for ${this.task.target.numClasses}`
        : `the ${what} data has ${describeTarget(data)} but the task '${this.task.id}' learns ${describeTarget(this.task.target)}`,
    );
  }

  /**
   * Evaluate on a loader in eval mode, with firing-rate monitoring: the mean loss and every metric of
   * the task over the whole loader (streamed, exact for the split). `keepPredictions` also returns
   * each sample's read-out and target.
   */
  async evaluate(loader: BatchLoader, epoch = this.epoch, options: { keepPredictions?: boolean } = {}): Promise<EvalResult> {
    const { model } = this.options;
    const { task } = this;
    this.checkLoader(loader, 'evaluation');
    const metrics = this.makeMetrics();
    model.eval();
    const layers = spikingLayers(model);
    for (const [, l] of layers) l.monitor = true;
    let lossSum = 0;
    let correct = 0;
    let samples = 0;
    const kept: { indices: Int32Array[]; prediction: Float32Array[]; target: Array<Int32Array | Float32Array> } = { indices: [], prediction: [], target: [] };
    const t0 = performance.now();
    let done = 0;
    try {
      for await (const batch of loader.batches(0)) {
        const { loss: l, prediction } = evaluateBatch(this.parts, batch, epoch);
        for (const m of metrics.values()) m.update(prediction, batch.y);
        correct += countCorrect(task.target, prediction, batch.y);
        if (options.keepPredictions) {
          kept.indices.push(batch.indices);
          kept.prediction.push(prediction);
          kept.target.push(batch.y);
        }
        lossSum += l * batch.size;
        samples += batch.size;
        done++;
        this.sampleRss();
        await this.emit('onEvalStep', done, loader.batchesPerEpoch);
      }
    } finally {
      for (const [, l] of layers) l.monitor = false;
      model.train();
    }
    const firingRates: Record<string, number> = {};
    for (const [name, l] of layers) firingRates[name] = l.takeFiringRate();
    const seconds = (performance.now() - t0) / 1000;
    const results = samples > 0 ? resultsOf(metrics) : {};
    return {
      loss: lossSum / Math.max(1, samples),
      ...(task.target.kind === 'class' ? { accuracy: correct / Math.max(1, samples) } : {}),
      metrics: results,
      ...(options.keepPredictions
        ? { predictions: { indices: concat(kept.indices, Int32Array), prediction: concat(kept.prediction, Float32Array), target: concatTargets(kept.target) } }
        : {}),
      samples,
      firingRates,
      samplesPerSecond: samples / seconds,
      seconds,
    };
  }

  /** Restore model, optimizer, RNG and data cursor from a checkpoint. */
  restore(checkpoint: LoadedCheckpoint): void {
    const { state } = checkpoint;
    if (this.options.optimizer && !checkpoint.optimizer && state.step > 0) {
      // Resuming with fresh moments/momentum would silently change the training trajectory.
      throw new SpikeflowError(
        'checkpoint-invalid',
        `${checkpoint.dir} holds no optimizer state after ${state.step} step(s); resuming needs it (load only the weights with model.loadStateDict to fine-tune)`,
      );
    }
    this.options.model.loadStateDict(checkpoint.weights);
    if (checkpoint.optimizer) this.requireOptimizer().setState(legacyOptimizerNames(this.options.model, checkpoint.optimizer));
    globalRng().setState(state.rng);
    this.epoch = state.epoch;
    this.step = state.step;
    this.batchInEpoch = state.batchInEpoch;
    const p = state.epochProgress;
    // Sums are only valid for the batches before this cursor (an older checkpoint has none).
    this.progress = p && p.epoch === state.epoch && p.batches === state.batchInEpoch ? { ...p } : undefined;
    const sel = (state.metrics as Partial<EpochMetrics> | undefined)?.selection;
    this.best =
      sel && typeof sel.bestValue === 'number' && typeof sel.bestEpoch === 'number'
        ? { split: sel.split, metric: sel.metric, value: sel.bestValue, epoch: sel.bestEpoch }
        : undefined;
  }

  /** The mode of a selection metric, refusing a split that is not given or a metric the task lacks. */
  private selectionMode(select: FitSelection, loaders: { valid?: BatchLoader; test?: BatchLoader }): 'max' | 'min' {
    if (select.split !== 'train' && !loaders[select.split]) {
      throw new SpikeflowError('invalid-options', `cannot select on the ${select.split} split: no ${select.split} data was given to fit`);
    }
    if (select.metric === 'loss') return 'min';
    const metric = this.makeMetrics().get(select.metric);
    if (!metric) {
      throw new SpikeflowError(
        'invalid-options',
        `cannot select on '${select.metric}': task '${this.task.id}' reports ${[...this.task.metrics.map((m) => m.name), 'loss'].join(', ')}`,
      );
    }
    return metric.mode;
  }

  /** Write a checkpoint named `name` under the configured checkpoints folder. */
  async checkpoint(name: string, metrics?: EpochMetrics): Promise<string | undefined> {
    const cfg = this.options.checkpoints;
    if (!cfg) return undefined;
    const dir = await saveCheckpoint(`${cfg.dir}/${name}`, {
      model: this.options.model,
      optimizer: this.options.optimizer ?? null,
      state: {
        epoch: this.epoch,
        step: this.step,
        batchInEpoch: this.batchInEpoch,
        seed: this.options.seed,
        rng: globalRng().getState(),
        config: cfg.config,
        metrics: metrics as unknown as Record<string, unknown> | undefined,
        ...(this.progress && this.progress.epoch === this.epoch ? { epochProgress: { ...this.progress } } : {}),
        spikeflowVersion: CORE_VERSION,
      },
    });
    await this.emit('onCheckpoint', dir);
    return dir;
  }

  /**
   * Train until `epochs` epochs are complete (counting epochs already done when resumed) or
   * `maxSteps` is reached; evaluate on `valid` and `test` after each epoch; checkpoint after each
   * epoch. With `select`, the epoch whose metric on that split is the best so far (by the metric's
   * mode) is also saved as the `best` checkpoint. With `patience` as well, training stops early once
   * `patience` epochs in a row have not improved on the best (early stopping, as Keras' and
   * Lightning's `EarlyStopping`; the count survives a resume, since the best epoch is checkpointed).
   */
  async fit(train: BatchLoader, options: { epochs: number; test?: BatchLoader; valid?: BatchLoader; select?: FitSelection; patience?: number }): Promise<FitSummary> {
    const { epochs, test, valid, select, patience } = options;
    const optimizer = this.requireOptimizer();
    if (!Number.isInteger(epochs) || epochs < 1) throw new SpikeflowError('invalid-options', `epochs must be a positive integer, got ${epochs}`);
    if (patience !== undefined && !(Number.isInteger(patience) && patience >= 1))
      throw new SpikeflowError('invalid-options', `patience must be a positive integer number of epochs, got ${patience}`);
    if (patience !== undefined && !select)
      throw new SpikeflowError('invalid-options', "early stopping (patience) needs a selection metric to watch: pass select (e.g. { split: 'valid', metric: 'accuracy' })");
    this.checkLoader(train, 'training');
    if (valid) this.checkLoader(valid, 'validation');
    if (test) this.checkLoader(test, 'test');
    const selectMode = select ? this.selectionMode(select, { valid, test }) : undefined;
    if (this.batchInEpoch >= train.batchesPerEpoch) {
      this.epoch++;
      this.batchInEpoch = 0;
    }
    // A run killed mid-save leaves temp folders; the next start clears them (and puts back a set-aside checkpoint).
    if (this.options.checkpoints) await cleanCheckpointTemps(this.options.checkpoints.dir);
    await this.emit('onTrainStart', this);
    const history: EpochMetrics[] = [];
    let stoppedEarly = false;
    let stoppedBy: FitSummary['stoppedBy'];
    let lastCheckpoint: string | undefined;
    const maxSteps = this.options.maxSteps ?? Number.POSITIVE_INFINITY;
    while (this.epoch < epochs && !stoppedEarly) {
      const epoch = this.epoch;
      const startBatch = this.batchInEpoch;
      await this.emit('onEpochStart', epoch, train.batchesPerEpoch, startBatch);
      // Resumed mid-epoch: continue the sums the checkpoint carried, so the epoch line covers every batch.
      const carried = startBatch > 0 && this.progress?.epoch === epoch && this.progress.batches === startBatch ? this.progress : undefined;
      const sums = { epoch, batches: 0, samples: 0, lossSum: 0, correct: 0, trainSeconds: 0, ...carried };
      this.progress = sums;
      const trainMetrics = this.makeMetrics();
      let metricSamples = 0;
      let t0 = performance.now();
      for await (const batch of train.batches(epoch, startBatch)) {
        if (this.step >= maxSteps) break;
        const r = this.trainStep(batch, epoch);
        for (const m of trainMetrics.values()) m.update(r.prediction, batch.y);
        metricSamples += batch.size;
        this.batchInEpoch++;
        sums.lossSum += r.loss * batch.size;
        // NaN without class labels; the checkpointed sum stays a count.
        if (!Number.isNaN(r.correct)) sums.correct += r.correct;
        sums.samples += batch.size;
        sums.batches++;
        const now = performance.now();
        sums.trainSeconds += (now - t0) / 1000;
        t0 = now;
        await this.emit('onStep', {
          epoch,
          batch: this.batchInEpoch - 1,
          batchesPerEpoch: train.batchesPerEpoch,
          step: this.step,
          loss: r.loss,
          accuracy: r.correct / batch.size,
          samples: batch.size,
          lr: optimizer.lr,
        });
      }
      sums.trainSeconds += (performance.now() - t0) / 1000;
      const { lossSum, correct, samples, batches, trainSeconds } = sums;
      let validResult: EvalResult | undefined;
      if (valid) {
        await this.emit('onEvalStart', epoch, valid.batchesPerEpoch);
        validResult = await this.evaluate(valid, epoch);
      }
      let evalResult: EvalResult | undefined;
      if (test) {
        await this.emit('onEvalStart', epoch, test.batchesPerEpoch);
        evalResult = await this.evaluate(test, epoch);
      }
      const classes = this.task.target.kind === 'class';
      const trainLoss = lossSum / Math.max(1, samples);
      const trainResults = metricSamples > 0 ? resultsOf(trainMetrics) : {};
      const base = {
        epoch: epoch + 1,
        step: this.step,
        trainLoss,
        trainAccuracy: classes ? correct / Math.max(1, samples) : undefined,
        testLoss: evalResult?.loss,
        testAccuracy: evalResult?.accuracy,
        // The firing rates of the test split (the last evaluated), else the validation split.
        firingRates: evalResult?.firingRates ?? validResult?.firingRates ?? {},
        samplesPerSecond: samples / Math.max(1e-9, trainSeconds),
        lr: optimizer.lr,
        trainSeconds,
        evalSeconds: evalResult?.seconds ?? 0,
        peakRssMiB: this.peakRss / (1 << 20),
        batches,
        metrics: trainResults,
        ...(validResult ? { validLoss: validResult.loss, validMetrics: validResult.metrics } : {}),
        ...(evalResult ? { testMetrics: evalResult.metrics } : {}),
      };
      let selection: EpochSelection | undefined;
      if (select && selectMode) {
        const results: Record<string, number> | undefined = {
          train: { loss: trainLoss, ...trainResults },
          valid: validResult && { loss: validResult.loss, ...validResult.metrics },
          test: evalResult && { loss: evalResult.loss, ...evalResult.metrics },
        }[select.split];
        const value = results?.[select.metric] ?? Number.NaN;
        const prior = this.best && this.best.split === select.split && this.best.metric === select.metric ? this.best : undefined;
        const improved = selectionImproves({ metric: select.metric, mode: selectMode }, value, prior?.value);
        if (improved) this.best = { split: select.split, metric: select.metric, value, epoch: epoch + 1 };
        const now = improved ? this.best! : prior;
        selection = { split: select.split, metric: select.metric, mode: selectMode, value, best: improved, ...(now ? { bestValue: now.value, bestEpoch: now.epoch } : {}) };
      }
      const metrics: EpochMetrics = { ...base, ...(selection ? { selection } : {}) };
      history.push(metrics);
      const finished = this.batchInEpoch >= train.batchesPerEpoch;
      // Written before the epoch's own checkpoint, so the newest (the one a resume takes) is still the epoch's.
      if (selection?.best) await this.checkpoint('best', metrics);
      lastCheckpoint = (await this.checkpoint(`epoch-${String(epoch + 1).padStart(3, '0')}${finished ? '' : `-step-${this.step}`}`, metrics)) ?? lastCheckpoint;
      await this.emit('onEpochEnd', metrics);
      if (finished) {
        this.epoch++;
        this.batchInEpoch = 0;
        this.progress = undefined;
      }
      if (this.step >= maxSteps) stoppedEarly = this.epoch < epochs;
      // Early stopping: the epochs since the best one (epochs count from 1) reached the patience.
      if (patience !== undefined && finished && selection?.bestEpoch !== undefined && epoch + 1 - selection.bestEpoch >= patience && this.epoch < epochs) {
        stoppedEarly = true;
        stoppedBy = 'patience';
      } else if (stoppedEarly) stoppedBy = 'max-steps';
    }
    const summary: FitSummary = {
      epochs: history,
      stoppedEarly,
      ...(stoppedBy ? { stoppedBy } : {}),
      step: this.step,
      checkpoint: lastCheckpoint,
      ...(this.best && select ? { best: { ...this.best, ...(this.options.checkpoints ? { checkpoint: `${this.options.checkpoints.dir}/best` } : {}) } } : {}),
    };
    await this.emit('onTrainEnd', summary);
    return summary;
  }
}
