import { describe, expect, it } from 'vitest';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tf } from '../engine/tf.js';
import { Trainer, type EpochMetrics } from './trainer.js';
import { jsonlMetricsCallback } from './callbacks.js';
import { Adam } from '../optim/adam.js';
import { cosineLr, type LrSchedule } from '../optim/schedule.js';
import { directEncoder } from '../encoders/direct.js';
import { mseRateLoss } from '../losses/losses.js';
import { manualSeed } from '../util/seed.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import { ArrayLoader, TestDense, TestIF, TestNet, sigmoidSurrogate, syntheticData } from '../test-utils/fixtures.js';
import { Sequential } from '../nn/sequential.js';
import type { Module } from '../nn/module.js';

const FEATURES = 16;
const train = syntheticData(192, FEATURES, 1);
const test = syntheticData(64, FEATURES, 2);

interface TrainerExtra {
  maxSteps?: number;
  ckptDir?: string;
  callbacks?: Trainer['options']['callbacks'];
  schedule?: LrSchedule;
}

/** A two-class rate-coded trainer of `model` (Adam lr 0.01, 4 steps), checkpointing to `extra.ckptDir` if given. */
function classifierTrainer(model: Module, seed: number, extra: TrainerExtra = {}): { optimizer: Adam; trainer: Trainer } {
  const optimizer = new Adam(model.namedParameters(), { lr: 0.01 });
  const trainer = new Trainer({
    model,
    optimizer,
    encoder: directEncoder(),
    loss: mseRateLoss(),
    timeSteps: 4,
    numClasses: 2,
    seed,
    schedule: extra.schedule,
    maxSteps: extra.maxSteps,
    callbacks: extra.callbacks,
    checkpoints: extra.ckptDir ? { dir: extra.ckptDir, config: { test: true } } : undefined,
  });
  return { optimizer, trainer };
}

function setup(seed: number, extra: Omit<TrainerExtra, 'schedule'> = {}) {
  manualSeed(seed);
  const model = new TestNet(FEATURES, 32, 2);
  const loader = new ArrayLoader(train, 32, 2, seed);
  const { optimizer, trainer } = classifierTrainer(model, seed, { ...extra, schedule: cosineLr({ lr: 0.01, totalSteps: 3 * loader.batchesPerEpoch }) });
  return { model, optimizer, loader, trainer, testLoader: new ArrayLoader(test, 64, 2, seed, false) };
}

const weights = (m: Module) => m.namedTensors().map((e) => Array.from(e.variable.dataSync()));

describe('Trainer', () => {
  it('learns a separable problem, reports firing rates, logs metrics.jsonl', async () => {
    const dir = tempDir('sf-train-');
    const { trainer, loader, testLoader } = setup(0, { callbacks: [jsonlMetricsCallback(path.join(dir, 'metrics.jsonl'))] });
    const summary = await trainer.fit(loader, { epochs: 3, test: testLoader });
    const last = summary.epochs[2];
    expect(summary.epochs[0].trainLoss).toBeGreaterThan(last.trainLoss);
    expect(last.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(Object.keys(last.firingRates)).toEqual(['n1', 'n2']);
    for (const r of Object.values(last.firingRates)) expect(r).toBeGreaterThan(0);
    const lines = readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EpochMetrics);
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(lines[2].testAccuracy).toBe(last.testAccuracy);
  });

  it('keys firing rates by module path and resumes a checkpoint stored with index names', async () => {
    // fc/lif children in named Sequentials: rates read `body.lif1`, not `0.1`.
    const named = (seed: number, extra: { maxSteps?: number; ckptDir?: string } = {}) => {
      manualSeed(seed);
      const lif = () => new TestIF({ surrogate: sigmoidSurrogate() });
      const model = new Sequential({ body: new Sequential({ fc1: new TestDense(FEATURES, 32), lif1: lif() }), fc2: new TestDense(32, 2), lif2: lif() });
      const { trainer } = classifierTrainer(model, seed, extra);
      return { model, trainer, loader: new ArrayLoader(train, 32, 2, seed) };
    };
    const straight = named(4);
    const summary = await straight.trainer.fit(straight.loader, { epochs: 1, test: new ArrayLoader(test, 64, 2, 4, false) });
    expect(Object.keys(summary.epochs[0].firingRates)).toEqual(['body.lif1', 'lif2']);

    // A checkpoint as spikeflow wrote it when Sequential children were numbered: weights and Adam
    // slots under `0.0.weight`, `1.weight`, ...
    const dir = tempDir('sf-legacy-');
    const first = named(4, { maxSteps: 3, ckptDir: dir });
    await first.trainer.fit(first.loader, { epochs: 1 });
    const ckpt = await loadCheckpoint(dir);
    const toOld = new Map([...first.model.legacyTensorNames()].map(([o, n]) => [n, o]));
    expect([...ckpt.weights.keys()].map((k) => toOld.get(k) ?? k)).toEqual(['0.0.weight', '1.weight']);
    const legacyWeights = new Map([...ckpt.weights].map(([k, v]) => [toOld.get(k)!, v]));
    const slots = ckpt.optimizer!.slots;
    const legacySlots = new Map([...slots].map(([k, v]) => [`${toOld.get(k.slice(0, k.lastIndexOf('.')))!}${k.slice(k.lastIndexOf('.'))}`, v]));
    expect([...legacySlots.keys()].every((k) => /^[01]\./.test(k))).toBe(true);
    const resumed = named(4);
    manualSeed(999);
    resumed.trainer.restore({ ...ckpt, weights: legacyWeights, optimizer: { ...ckpt.optimizer!, slots: legacySlots } });
    await resumed.trainer.fit(resumed.loader, { epochs: 1, test: new ArrayLoader(test, 64, 2, 4, false) });
    expect(weights(resumed.model)).toEqual(weights(straight.model));
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const a = setup(5);
    await a.trainer.fit(a.loader, { epochs: 1 });
    const b = setup(5);
    await b.trainer.fit(b.loader, { epochs: 1 });
    const c = setup(6);
    await c.trainer.fit(c.loader, { epochs: 1 });
    expect(weights(b.model)).toEqual(weights(a.model));
    expect(weights(c.model)).not.toEqual(weights(a.model));
  });

  it('resumes mid-epoch from a checkpoint to exactly the uninterrupted result', async () => {
    const straight = setup(7);
    await straight.trainer.fit(straight.loader, { epochs: 2 });

    const dir = tempDir('sf-resume-');
    const first = setup(7, { maxSteps: 9, ckptDir: dir });
    const s1 = await first.trainer.fit(first.loader, { epochs: 2 });
    expect(s1.stoppedEarly).toBe(true);
    const ckpt = await loadCheckpoint(dir);
    expect(ckpt.state.step).toBe(9);
    expect(ckpt.state.epoch).toBe(1);
    expect(ckpt.state.batchInEpoch).toBe(3);

    // A different init seed: the weights, optimizer state and RNG must all come from the checkpoint.
    const resumed = setup(7, { ckptDir: dir });
    manualSeed(12345);
    resumed.trainer.restore(ckpt);
    const s2 = await resumed.trainer.fit(resumed.loader, { epochs: 2 });
    expect(s2.step).toBe(12);
    expect(weights(resumed.model)).toEqual(weights(straight.model));
  });

  it('a run resumed mid-epoch reports the whole epoch, as the uninterrupted run does', async () => {
    const straight = setup(11);
    const full = await straight.trainer.fit(straight.loader, { epochs: 2 });

    const dir = tempDir('sf-resume-m-');
    const first = setup(11, { maxSteps: 8, ckptDir: dir });
    await first.trainer.fit(first.loader, { epochs: 2 });
    const ckpt = await loadCheckpoint(dir);
    expect(ckpt.state.batchInEpoch).toBe(2);
    const resumed = setup(11, { ckptDir: dir });
    resumed.trainer.restore(ckpt);
    const rest = await resumed.trainer.fit(resumed.loader, { epochs: 2 });
    const a = full.epochs[1];
    const b = rest.epochs[0];
    expect(b.epoch).toBe(a.epoch);
    expect(b.batches).toBe(a.batches);
    expect(b.trainLoss).toBeCloseTo(a.trainLoss, 6);
    expect(b.trainAccuracy).toBeCloseTo(a.trainAccuracy!, 12);
    // The reference: the whole epoch's sample-weighted mean of the per-step losses.
    const steps: number[] = [];
    const probe = setup(11, { callbacks: [{ onStep: (s) => void (s.epoch === 1 && steps.push(s.loss * s.samples)) }] });
    await probe.trainer.fit(probe.loader, { epochs: 2 });
    expect(b.trainLoss).toBeCloseTo(steps.reduce((x, y) => x + y, 0) / 192, 6);

    // Stopped by a callback mid-epoch (as the CLI's Ctrl-C does), then checkpointed by hand.
    const dir2 = tempDir('sf-resume-i-');
    const stop = new Error('stop');
    const interrupted = setup(11, {
      ckptDir: dir2,
      callbacks: [
        {
          onStep: (s) => {
            if (s.step === 9) throw stop;
          },
        },
      ],
    });
    await expect(interrupted.trainer.fit(interrupted.loader, { epochs: 2 })).rejects.toBe(stop);
    await interrupted.trainer.checkpoint('epoch-002-step-9');
    const again = setup(11, { ckptDir: dir2 });
    again.trainer.restore(await loadCheckpoint(dir2));
    const tail = await again.trainer.fit(again.loader, { epochs: 2 });
    expect(tail.epochs[0].batches).toBe(a.batches);
    expect(tail.epochs[0].trainLoss).toBeCloseTo(a.trainLoss, 6);
    expect(tail.epochs[0].trainAccuracy).toBeCloseTo(a.trainAccuracy!, 12);
  });

  it('refuses to resume a trained checkpoint that lost its optimizer state', async () => {
    const dir = tempDir('sf-resume-noopt-');
    const { model, trainer } = setup(3);
    // Written without an optimizer after 5 steps: the Adam moments are gone.
    await saveCheckpoint(path.join(dir, 'epoch-001'), { model, state: { epoch: 0, step: 5, batchInEpoch: 5, seed: 3, rng: [1, 2, 3, 4], config: {}, spikeflowVersion: '0.1.0' } });
    const ckpt = await loadCheckpoint(dir);
    expect(() => trainer.restore(ckpt)).toThrowError(/holds no optimizer state after 5 step\(s\)/);
    expect(trainer.step).toBe(0);
  });

  it('stops with a clear error when the loss becomes non-finite', async () => {
    manualSeed(0);
    const model = new TestNet(FEATURES, 8, 2);
    const nanLoss = { id: 'test/nan', compute: (out: tf.Tensor) => tf.mul(tf.sum(out), Number.NaN) };
    const trainer = new Trainer({ model, optimizer: new Adam(model.namedParameters()), encoder: directEncoder(), loss: nanLoss, timeSteps: 2, numClasses: 2, seed: 0 });
    await expect(trainer.fit(new ArrayLoader(train, 32, 2, 0), { epochs: 1 })).rejects.toThrowError(/loss became NaN at step 0/);
  });

  it('evaluates without an optimizer and refuses to train without one', async () => {
    manualSeed(0);
    const model = new TestNet(FEATURES, 8, 2);
    const trainer = new Trainer({ model, encoder: directEncoder(), loss: mseRateLoss(), timeSteps: 2, numClasses: 2, seed: 0 });
    const r = await trainer.evaluate(new ArrayLoader(test, 64, 2, 0, false));
    expect(r.samples).toBe(64);
    await expect(trainer.fit(new ArrayLoader(train, 32, 2, 0), { epochs: 1 })).rejects.toThrowError(/no optimizer/);
  });

  it('checks the output shape and class count', async () => {
    const { trainer } = setup(0);
    await expectSpikeflowError(trainer.fit(new ArrayLoader(train, 32, 3, 0), { epochs: 1 }), 'shape-mismatch');
  });

  it('multi-step forward starts from rest every call (no forgotten reset)', () => {
    const { model } = setup(0);
    const x = tf.randomUniform([4, 3, FEATURES], 0, 1, 'float32', 1);
    const a = model.forward(x).dataSync();
    const b = model.forward(x).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
