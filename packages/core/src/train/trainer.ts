import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import type { Encoder } from '../contracts/encoder.js';
import type { LossFunction } from '../contracts/loss.js';
import type { Batch, BatchLoader } from '../contracts/batch-loader.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedule.js';
import { spikingLayers } from '../spike/neuron-module.js';
import { markDataTensor } from '../ops/data-tensor.js';
import { globalRng } from '../util/seed.js';
import { cleanCheckpointTemps, saveCheckpoint, type EpochProgress, type LoadedCheckpoint } from '../checkpoint/checkpoint.js';
import { legacyOptimizerNames } from '../checkpoint/legacy-optimizer-names.js';
import { CORE_VERSION } from '../version.js';

/** Samples whose time-mean output `[T, B, C]` peaks at the label (a scalar tensor). */
function countCorrect(output: Tensor, labels: Tensor): Tensor {
  return tf.sum(tf.cast(tf.equal(tf.argMax(tf.mean(output, 0), -1), tf.cast(labels, 'int32')), 'float32'));
}

/** Metrics of one finished epoch (also one line of `metrics.jsonl`). */
export interface EpochMetrics {
  /** Which epoch this is, counting from 1 (as the progress lines and checkpoint names count). */
  readonly epoch: number;
  readonly step: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly testLoss?: number;
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
}

/** One training step as reported to callbacks. */
export interface StepInfo {
  readonly epoch: number;
  readonly batch: number;
  readonly batchesPerEpoch: number;
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly samples: number;
  readonly lr: number;
}

/** Evaluation result over a whole loader. */
export interface EvalResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly samples: number;
  readonly firingRates: Readonly<Record<string, number>>;
  readonly samplesPerSecond: number;
  readonly seconds: number;
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
  readonly step: number;
  readonly checkpoint?: string;
}

export interface TrainerOptions {
  readonly model: Module;
  readonly encoder: Encoder;
  readonly loss: LossFunction;
  /** Needed to train; a trainer without one can still evaluate. */
  readonly optimizer?: Optimizer;
  readonly schedule?: LrSchedule;
  readonly timeSteps: number;
  readonly numClasses: number;
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
  private readonly params: Array<[string, tf.Variable]>;

  constructor(readonly options: TrainerOptions) {
    if (!Number.isInteger(options.timeSteps) || options.timeSteps < 1) {
      throw new SpikeflowError('invalid-options', `timeSteps must be a positive integer, got ${options.timeSteps}`);
    }
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

  private forward(batch: Batch, epoch: number): { y: Tensor; run: () => Tensor } {
    const x = tf.tensor(batch.x, [batch.size, ...batch.sampleShape]);
    const y = tf.tensor1d(batch.y, 'int32');
    const run = () => {
      this.options.model.resetState();
      const { encoder, model, timeSteps } = this.options;
      // A time-invariant encoding's every step is x itself: models that compute their first block
      // once take x directly (forwardStatic), so the input is never repeated T times.
      const out = (encoder.timeInvariant ? model.forwardStatic(markDataTensor(x), timeSteps) : null)
        ?? model.forward(markDataTensor(encoder.encode(x, { timeSteps, sampleIndices: batch.indices, epoch, seed: this.options.seed })));
      if (out.rank !== 3 || out.shape[0] !== this.options.timeSteps || out.shape[1] !== batch.size || out.shape[2] !== this.options.numClasses) {
        throw new SpikeflowError('shape-mismatch', `the model output must be [T=${this.options.timeSteps}, B=${batch.size}, C=${this.options.numClasses}], got [${out.shape}]`);
      }
      return out;
    };
    return { y, run };
  }

  private requireOptimizer(): Optimizer {
    const { optimizer } = this.options;
    if (!optimizer) throw new SpikeflowError('invalid-options', 'this trainer has no optimizer: pass one to train (evaluation works without)');
    return optimizer;
  }

  /** One optimizer step on a batch; returns the loss and the number of correct predictions. */
  trainStep(batch: Batch, epoch = this.epoch): { loss: number; correct: number } {
    const { model, loss, schedule } = this.options;
    const optimizer = this.requireOptimizer();
    model.train();
    if (schedule) optimizer.lr = schedule.lrAt(this.step);
    const [lossValue, correct] = tf.tidy(() => {
      const { y, run } = this.forward(batch, epoch);
      let output: Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        output = tf.keep(run());
        return loss.compute(output, y, this.options.numClasses) as tf.Scalar;
      }, this.params.map(([, v]) => v));
      const byName = new Map<string, Tensor>();
      for (const [name, v] of this.params) if (grads[v.name]) byName.set(name, grads[v.name]);
      optimizer.step(byName);
      const c = countCorrect(output!, y);
      output!.dispose();
      return [value.dataSync()[0], c.dataSync()[0]];
    });
    if (!Number.isFinite(lossValue)) {
      throw new SpikeflowError('invalid-state', `loss became ${lossValue} at step ${this.step} (epoch ${epoch}); lower the learning rate or check the data`);
    }
    this.step++;
    this.sampleRss();
    return { loss: lossValue, correct };
  }

  /** Evaluate on a loader in eval mode, with firing-rate monitoring. */
  async evaluate(loader: BatchLoader, epoch = this.epoch): Promise<EvalResult> {
    const { model } = this.options;
    model.eval();
    const layers = spikingLayers(model);
    for (const [, l] of layers) l.monitor = true;
    let lossSum = 0;
    let correct = 0;
    let samples = 0;
    const t0 = performance.now();
    let done = 0;
    try {
      for await (const batch of loader.batches(0)) {
        const [l, c] = tf.tidy(() => {
          const { y, run } = this.forward(batch, epoch);
          const out = run();
          const lv = this.options.loss.compute(out, y, this.options.numClasses);
          const cv = countCorrect(out, y);
          return [lv.dataSync()[0], cv.dataSync()[0]];
        });
        lossSum += l * batch.size;
        correct += c;
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
    return { loss: lossSum / Math.max(1, samples), accuracy: correct / Math.max(1, samples), samples, firingRates, samplesPerSecond: samples / seconds, seconds };
  }

  /** Restore model, optimizer, RNG and data cursor from a checkpoint. */
  restore(checkpoint: LoadedCheckpoint): void {
    const { state } = checkpoint;
    if (this.options.optimizer && !checkpoint.optimizer && state.step > 0) {
      // Resuming with fresh moments/momentum would silently change the training trajectory.
      throw new SpikeflowError('checkpoint-invalid', `${checkpoint.dir} holds no optimizer state after ${state.step} step(s); resuming needs it (load only the weights with model.loadStateDict to fine-tune)`);
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
   * `maxSteps` is reached; evaluate on `test` after each epoch; checkpoint after each epoch.
   */
  async fit(train: BatchLoader, options: { epochs: number; test?: BatchLoader }): Promise<FitSummary> {
    const { epochs, test } = options;
    const optimizer = this.requireOptimizer();
    if (!Number.isInteger(epochs) || epochs < 1) throw new SpikeflowError('invalid-options', `epochs must be a positive integer, got ${epochs}`);
    if (train.numClasses !== this.options.numClasses) {
      throw new SpikeflowError('shape-mismatch', `the training data has ${train.numClasses} classes but the trainer was set up for ${this.options.numClasses}`);
    }
    if (this.batchInEpoch >= train.batchesPerEpoch) {
      this.epoch++;
      this.batchInEpoch = 0;
    }
    // A run killed mid-save leaves temp folders; the next start clears them (and puts back a set-aside checkpoint).
    if (this.options.checkpoints) await cleanCheckpointTemps(this.options.checkpoints.dir);
    await this.emit('onTrainStart', this);
    const history: EpochMetrics[] = [];
    let stoppedEarly = false;
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
      let t0 = performance.now();
      for await (const batch of train.batches(epoch, startBatch)) {
        if (this.step >= maxSteps) break;
        const r = this.trainStep(batch, epoch);
        this.batchInEpoch++;
        sums.lossSum += r.loss * batch.size;
        sums.correct += r.correct;
        sums.samples += batch.size;
        sums.batches++;
        const now = performance.now();
        sums.trainSeconds += (now - t0) / 1000;
        t0 = now;
        await this.emit('onStep', {
          epoch, batch: this.batchInEpoch - 1, batchesPerEpoch: train.batchesPerEpoch, step: this.step,
          loss: r.loss, accuracy: r.correct / batch.size, samples: batch.size, lr: optimizer.lr,
        });
      }
      sums.trainSeconds += (performance.now() - t0) / 1000;
      const { lossSum, correct, samples, batches, trainSeconds } = sums;
      let evalResult: EvalResult | undefined;
      if (test) {
        await this.emit('onEvalStart', epoch, test.batchesPerEpoch);
        evalResult = await this.evaluate(test, epoch);
      }
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        step: this.step,
        trainLoss: lossSum / Math.max(1, samples),
        trainAccuracy: correct / Math.max(1, samples),
        testLoss: evalResult?.loss,
        testAccuracy: evalResult?.accuracy,
        firingRates: evalResult?.firingRates ?? {},
        samplesPerSecond: samples / Math.max(1e-9, trainSeconds),
        lr: optimizer.lr,
        trainSeconds,
        evalSeconds: evalResult?.seconds ?? 0,
        peakRssMiB: this.peakRss / (1 << 20),
        batches,
      };
      history.push(metrics);
      const finished = this.batchInEpoch >= train.batchesPerEpoch;
      lastCheckpoint = (await this.checkpoint(`epoch-${String(epoch + 1).padStart(3, '0')}${finished ? '' : `-step-${this.step}`}`, metrics)) ?? lastCheckpoint;
      await this.emit('onEpochEnd', metrics);
      if (finished) {
        this.epoch++;
        this.batchInEpoch = 0;
        this.progress = undefined;
      }
      if (this.step >= maxSteps) stoppedEarly = this.epoch < epochs;
    }
    const summary: FitSummary = { epochs: history, stoppedEarly, step: this.step, checkpoint: lastCheckpoint };
    await this.emit('onTrainEnd', summary);
    return summary;
  }
}
