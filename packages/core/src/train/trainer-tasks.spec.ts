import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Tensor } from '../engine/tf.js';
import { Trainer, type TrainerOptions } from './trainer.js';
import { formatEpochLine } from './callbacks.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { directEncoder } from '../encoders/direct.js';
import { mseRateLoss } from '../losses/losses.js';
import { mseRegressionLoss } from '../losses/regression-losses.js';
import { regressionTask } from '../tasks/regression-task.js';
import { classificationTask } from '../tasks/classification-task.js';
import { NonSpikingLIF } from '../spike/non-spiking-lif.js';
import { Module } from '../nn/module.js';
import { manualSeed } from '../util/seed.js';
import { Rng } from '../util/rng.js';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import type { TargetSpec, Task } from '../contracts/task.js';
import type { GraphBatch } from '../contracts/graph-batch.js';
import { tf } from '../engine/tf.js';
import { ArrayLoader, TestDense, TestIF, TestNet, sigmoidSurrogate, syntheticData } from '../test-utils/fixtures.js';

const FEATURES = 8;

/** y = 0.8·mean(x[:4]) − 0.5·mean(x[4:]) + noise-free: a smooth function a small net can fit. */
function regressionData(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * FEATURES }, () => rng.uniform());
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let f = 0; f < FEATURES; f++) f < 4 ? (a += x[i * FEATURES + f]!) : (b += x[i * FEATURES + f]!);
    y[i] = (0.8 * a) / 4 - (0.5 * b) / 4;
  }
  return { x, y };
}

/** A loader of float targets (one value per sample). */
class FloatLoader extends ArrayLoader {
  readonly targetSpec: TargetSpec = { kind: 'regression', shape: [1] };
  constructor(data: { x: Float32Array; y: Float32Array }, batchSize: number, shuffle = true) {
    super(data, batchSize, 0, 3, shuffle);
  }
}

/** Dense → IF → Dense → non-spiking LIF: a spiking regressor read out by its membrane. */
class Regressor extends Module {
  readonly l1 = this.registerModule('l1', new TestDense(FEATURES, 32));
  readonly n1 = this.registerModule('n1', new TestIF({ surrogate: sigmoidSurrogate() }));
  readonly l2 = this.registerModule('l2', new TestDense(32, 1));
  readonly out = this.registerModule('out', new NonSpikingLIF({ tau: 2 }));
  forward(x: Tensor): Tensor {
    return this.out.forward(this.l2.forward(this.n1.forward(this.l1.forward(x))));
  }
}

/** The float64 references the regression metrics must equal: MSE, R² (pooled) and RRSE. */
function reference(prediction: ArrayLike<number>, target: ArrayLike<number>) {
  const n = target.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += target[i]! / n;
  let sse = 0;
  let sst = 0;
  let sae = 0;
  for (let i = 0; i < n; i++) {
    sse += (target[i]! - prediction[i]!) ** 2;
    sae += Math.abs(target[i]! - prediction[i]!);
    sst += (target[i]! - mean) ** 2;
  }
  return { mse: sse / n, mae: sae / n, r2: 1 - sse / sst, rrse: Math.sqrt(sse) / Math.sqrt(sst) };
}

/** The regression task these tests train: one float target, read out by the membrane, selected on r2. */
function membraneRegression(): Task {
  return regressionTask({ readOut: 'membrane', loss: 'mse', select: 'r2' }, { target: { kind: 'regression', shape: [1] } });
}

/** A trainer of `model` on `task` with the MSE task loss, direct encoding, 4 steps and seed 0 (`extra` overrides). */
function regressionTrainer(model: Module, task: Task, optimizer: Optimizer, extra: Partial<TrainerOptions> = {}): Trainer {
  return new Trainer({ model, encoder: directEncoder(), taskLoss: mseRegressionLoss(), task, optimizer, timeSteps: 4, seed: 0, ...extra });
}

describe('Trainer with a task', () => {
  it('trains a regression task: loss falls, metrics per split equal a float64 recomputation of the predictions', async () => {
    manualSeed(4);
    const model = new Regressor();
    const task = membraneRegression();
    const trainer = regressionTrainer(model, task, new Adam(model.namedParameters(), { lr: 0.01 }));
    const train = new FloatLoader(regressionData(256, 1), 32);
    const valid = new FloatLoader(regressionData(96, 2), 40, false);
    const test = new FloatLoader(regressionData(96, 3), 40, false);
    const summary = await trainer.fit(train, { epochs: 6, valid, test });
    const [first, last] = [summary.epochs[0]!, summary.epochs.at(-1)!];
    expect(last.trainLoss).toBeLessThan(first.trainLoss / 2);
    expect(last.trainAccuracy).toBeUndefined();
    expect(Object.keys(last.metrics!).sort()).toEqual(['corr', 'mae', 'mse', 'r2', 'rmse', 'rrse']);
    expect(last.testMetrics!.r2).toBeGreaterThan(0.5);
    expect(last.validLoss).toBeGreaterThan(0);

    const evaluated = await trainer.evaluate(test, undefined, { keepPredictions: true });
    const p = evaluated.predictions!;
    expect(Array.from(p.indices)).toEqual(Array.from({ length: 96 }, (_, i) => i));
    expect(Array.from(p.target)).toEqual(Array.from(regressionData(96, 3).y));
    const ref = reference(p.prediction, p.target);
    for (const k of ['mse', 'mae', 'r2', 'rrse'] as const) {
      expect(evaluated.metrics[k]).toBeCloseTo(ref[k], 9);
      expect(last.testMetrics![k]).toBeCloseTo(ref[k], 9);
    }
    // The loss is the MSE of the membrane read-out (same data, same weights).
    expect(evaluated.loss).toBeCloseTo(ref.mse, 6);
    expect(formatEpochLine(last)).toMatch(/^epoch 6: train loss \d\.\d{4} mse .* r2 .* \| valid loss .* r2 .* \| test loss .* r2 /);
  });

  it('classification without a task reports accuracy and the task metrics alike', async () => {
    manualSeed(2);
    const model = new TestNet(16, 32, 2);
    const trainer = new Trainer({
      model,
      encoder: directEncoder(),
      loss: mseRateLoss(),
      optimizer: new Adam(model.namedParameters(), { lr: 0.01 }),
      timeSteps: 4,
      numClasses: 2,
      seed: 0,
    });
    const summary = await trainer.fit(new ArrayLoader(syntheticData(128, 16, 1), 32, 2, 0), { epochs: 2, test: new ArrayLoader(syntheticData(64, 16, 2), 64, 2, 0, false) });
    for (const m of summary.epochs) {
      // Two classes: no top-5; accuracy equals the counted arg-max accuracy exactly.
      expect(Object.keys(m.metrics!)).toEqual(['accuracy']);
      expect(m.metrics!.accuracy).toBe(m.trainAccuracy);
      expect(m.testMetrics!.accuracy).toBe(m.testAccuracy);
    }
    expect(formatEpochLine(summary.epochs[1]!)).toMatch(/^epoch 2: train loss \d\.\d{4} acc [\d.]+% \| test loss \d\.\d{4} acc [\d.]+% \| firing /);
  });

  it('saves the epoch that is best on the selection metric as `best`, and refuses unknown selections', async () => {
    const dir = tempDir('sf-best-');
    manualSeed(4);
    const model = new Regressor();
    const task = membraneRegression();
    const make = () => regressionTrainer(model, task, new Adam(model.namedParameters(), { lr: 0.05 }), { checkpoints: { dir, config: {} } });
    const train = new FloatLoader(regressionData(128, 1), 32);
    const valid = new FloatLoader(regressionData(64, 2), 64, false);
    const summary = await make().fit(train, { epochs: 4, valid, select: { split: 'valid', metric: 'mse' } });
    const values = summary.epochs.map((m) => m.validMetrics!.mse);
    const bestEpoch = values.indexOf(Math.min(...values)) + 1;
    expect(summary.best).toMatchObject({ split: 'valid', metric: 'mse', value: Math.min(...values), epoch: bestEpoch });
    expect(summary.epochs.map((m) => m.selection!.best)).toEqual(values.map((v, i) => v < Math.min(...values.slice(0, i), Infinity)));
    const state = JSON.parse(readFileSync(path.join(dir, 'best', 'state.json'), 'utf8'));
    expect(state.metrics.epoch).toBe(bestEpoch);
    expect(state.metrics.validMetrics.mse).toBe(Math.min(...values));
    // `latest` still names the newest epoch, so a resume continues from there.
    expect(readFileSync(path.join(dir, 'latest'), 'utf8').trim()).toBe('epoch-004');
    // A resumed run keeps the best so far: epoch 5 is `best` only if it beats it.
    const resumed = make();
    resumed.restore(await loadCheckpoint(dir));
    const more = await resumed.fit(train, { epochs: 5, valid, select: { split: 'valid', metric: 'mse' } });
    const fifth = more.epochs[0]!;
    expect(fifth.epoch).toBe(5);
    expect(fifth.selection).toMatchObject({ best: fifth.validMetrics!.mse < Math.min(...values), bestValue: Math.min(fifth.validMetrics!.mse, ...values) });

    await expectSpikeflowError(
      make().fit(train, { epochs: 6, valid, select: { split: 'valid', metric: 'accuracy' } }),
      'invalid-options',
      /^cannot select on 'accuracy': task 'core\/regression' reports mse, mae, rmse, r2, rrse, corr, loss/,
    );
    await expectSpikeflowError(make().fit(train, { epochs: 6, select: { split: 'test', metric: 'r2' } }), 'invalid-options', /^cannot select on the test split: no test data/);
    expect(existsSync(path.join(dir, 'epoch-006'))).toBe(false);
  });

  it('early stopping: stops once `patience` epochs in a row did not improve on the best, and says why', async () => {
    manualSeed(6);
    const model = new Regressor();
    const task = membraneRegression();
    // A zero learning rate: the weights never move, so every epoch scores the first epoch's value and none improves.
    const frozen = () => {
      const optimizer = new SGD(model.namedParameters(), { lr: 1 });
      optimizer.lr = 0;
      return regressionTrainer(model, task, optimizer);
    };
    const train = new FloatLoader(regressionData(64, 1), 32);
    const valid = new FloatLoader(regressionData(32, 2), 32, false);
    const stopped = await frozen().fit(train, { epochs: 10, valid, select: { split: 'valid', metric: 'r2' }, patience: 2 });
    expect(stopped.epochs.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(stopped.epochs.map((m) => m.selection!.bestEpoch)).toEqual([1, 1, 1]);
    expect(stopped).toMatchObject({ stoppedEarly: true, stoppedBy: 'patience', best: { epoch: 1 } });
    // A learning run that keeps improving is not stopped by a patience it never exhausts.
    const learning = regressionTrainer(model, task, new Adam(model.namedParameters(), { lr: 0.05 }));
    const full = await learning.fit(train, { epochs: 3, valid, select: { split: 'valid', metric: 'r2' }, patience: 3 });
    expect(full.epochs).toHaveLength(3);
    expect(full.stoppedEarly).toBe(false);
    expect(full.stoppedBy).toBeUndefined();
    await expectSpikeflowError(frozen().fit(train, { epochs: 2, valid, patience: 2 }), 'invalid-options', /^early stopping \(patience\) needs a selection metric/);
    await expectSpikeflowError(
      frozen().fit(train, { epochs: 2, valid, select: { split: 'valid', metric: 'r2' }, patience: 0 }),
      'invalid-options',
      /^patience must be a positive integer/,
    );
  });

  it("refuses data whose targets are not the task's, and a task without a loss, naming both", async () => {
    manualSeed(1);
    const model = new Regressor();
    const task = membraneRegression();
    const trainer = regressionTrainer(model, task, new Adam(model.namedParameters()), { timeSteps: 2 });
    await expect(trainer.fit(new ArrayLoader(syntheticData(32, FEATURES, 1), 16, 2, 0), { epochs: 1 })).rejects.toThrowError(
      /the training data has 2 classes but the task 'core\/regression' learns regression targets of shape \[1\]/,
    );
    expect(() => new Trainer({ model, encoder: directEncoder(), task, timeSteps: 2, seed: 0 })).toThrowError(/needs a loss: .*sf.taskLoss\('mse'\)/);
    expect(() => new Trainer({ model, encoder: directEncoder(), loss: mseRateLoss(), timeSteps: 2, seed: 0 })).toThrowError(/needs a task or a positive integer numClasses/);
    const cls = classificationTask({ readOut: 'mean', topK: 5, loss: 'mse-rate' }, { target: { kind: 'class', numClasses: 3 } });
    expect(() => new Trainer({ model, encoder: directEncoder(), loss: mseRateLoss(), task: cls, numClasses: 2, timeSteps: 2, seed: 0 })).toThrowError(
      /numClasses 2 contradicts the task 'core\/classification', which learns 3 classes/,
    );
  });

  describe('a full-graph step (node classification, transductive)', () => {
    const N = 40;
    const data = syntheticData(N, 16, 5);
    // A ring graph; the test model ignores edges, the batch carries them as the contract says.
    const edges = { source: Int32Array.from({ length: N }, (_, i) => i), destination: Int32Array.from({ length: N }, (_, i) => (i + 1) % N) };
    const trainMask = Uint8Array.from({ length: N }, (_, i) => (i % 4 === 0 ? 0 : 1));
    const graph = (mask: Uint8Array, y = data.y): GraphBatch => ({ x: data.x, y, mask, numNodes: N, nodeShape: [16], edges });
    const make = () => {
      manualSeed(9);
      const model = new TestNet(16, 24, 2);
      // SGD: the step is linear in the gradient, so equal gradients give equal weights (Adam's sign-like first step would magnify float noise).
      return {
        model,
        trainer: new Trainer({
          model,
          encoder: directEncoder(),
          loss: mseRateLoss(),
          optimizer: new SGD(model.namedParameters(), { lr: 0.5, momentum: 0.9 }),
          timeSteps: 4,
          numClasses: 2,
          seed: 0,
        }),
      };
    };
    const weights = (m: Module) => m.namedTensors().map((e) => Array.from(e.variable.dataSync()));

    it("steps as a batch of only the training nodes would, whatever the other nodes' labels", () => {
      const a = make();
      const ra = a.trainer.graphStep(graph(trainMask));
      // Reference: an ordinary step on a batch holding just the masked nodes.
      const b = make();
      const keep = Array.from({ length: N }, (_, i) => i).filter((i) => trainMask[i] === 1);
      const x = new Float32Array(keep.length * 16);
      keep.forEach((n, i) => x.set(data.x.subarray(n * 16, (n + 1) * 16), i * 16));
      const rb = b.trainer.trainStep({ x, y: Int32Array.from(keep, (n) => data.y[n]!), indices: Int32Array.from(keep), size: keep.length, sampleShape: [16] });
      expect(ra.loss).toBeCloseTo(rb.loss, 6);
      const wa = weights(a.model);
      const wb = weights(b.model);
      // Equal up to float32 summation order (the graph step sums over all 40 nodes, 10 with weight 0).
      wa.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(wb[i]![j]!, 4)));
      // Flipping the labels of the nodes outside the mask changes nothing.
      const c = make();
      const flipped = Int32Array.from(data.y, (v, i) => (trainMask[i] ? v : 1 - v));
      expect(c.trainer.graphStep(graph(trainMask, flipped)).loss).toBe(ra.loss);
      expect(weights(c.model)).toEqual(wa);
      expect(ra.metrics.accuracy).toBe(rb.correct / keep.length);
    });

    it("evaluates the test mask's nodes only, and refuses a mask of the wrong length or selecting nothing", async () => {
      const { model, trainer } = make();
      for (let i = 0; i < 15; i++) trainer.graphStep(graph(trainMask));
      const testMask = Uint8Array.from(trainMask, (v) => 1 - v);
      const r = trainer.evaluateGraph(graph(testMask));
      expect(r.nodes).toBe(10);
      // Reference: arg-max of the mean over T of the model's output, on the test nodes.
      model.eval();
      model.resetState();
      const out = tf.tidy(() => tf.mean(model.forward(tf.tile(tf.tensor(data.x, [1, N, 16]), [4, 1, 1])), 0).arraySync() as number[][]);
      let correct = 0;
      for (let i = 0; i < N; i++) if (testMask[i] && (out[i]![1]! > out[i]![0]! ? 1 : 0) === data.y[i]) correct++;
      expect(r.metrics.accuracy).toBe(correct / 10);
      expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(() => trainer.graphStep(graph(new Uint8Array(N - 1).fill(1)))).toThrowError(/mask has 39 entries; expected one per node \(40\)/);
      expect(() => trainer.evaluateGraph(graph(new Uint8Array(N)))).toThrowError(/selects no node/);
    });
  });
});
