import { describe, expect, it } from 'vitest';
import { tf } from '../engine/tf.js';
import { Trainer } from './trainer.js';
import { applyGradients, countCorrect, evaluateBatch, lossAndGradients, type StepParts } from './training-step.js';
import { SGD } from '../optim/sgd.js';
import { directEncoder } from '../encoders/direct.js';
import { mseRateLoss } from '../losses/losses.js';
import { taskLossOf } from '../losses/task-loss-of.js';
import { classificationTask } from '../tasks/classification-task.js';
import { manualSeed } from '../util/seed.js';
import type { Batch } from '../contracts/batch-loader.js';
import { TestNet, syntheticData } from '../test-utils/fixtures.js';

const F = 8;

function setup(seed: number) {
  manualSeed(seed);
  const model = new TestNet(F, 12, 3);
  const optimizer = new SGD(model.namedParameters(), { lr: 0.5 });
  const task = classificationTask({ readOut: 'mean', topK: 2, loss: 'mse-rate' }, { target: { kind: 'class', numClasses: 3 } });
  const parts: StepParts = { model, encoder: directEncoder(), task, loss: taskLossOf(mseRateLoss()), timeSteps: 4, seed: 0 };
  return { model, optimizer, parts };
}

function batchOf(n: number, seed: number): Batch {
  const { x, y } = syntheticData(n, F, seed);
  return { x, y: Int32Array.from(y, (v) => v % 3), indices: Int32Array.from({ length: n }, (_, i) => i), size: n, sampleShape: [F] };
}

const weights = (m: { namedParameters(): Array<[string, tf.Variable]> }) => m.namedParameters().map(([, v]) => Array.from(v.dataSync()));

describe("the training step's parts", () => {
  it('lossAndGradients then applyGradients is exactly Trainer.trainStep (same loss, same weights to the bit)', () => {
    const a = setup(3);
    const b = setup(3);
    const trainer = new Trainer({ model: b.model, encoder: b.parts.encoder, task: b.parts.task, taskLoss: b.parts.loss, optimizer: b.optimizer, timeSteps: 4, seed: 0 });
    for (let s = 0; s < 3; s++) {
      const batch = batchOf(10, 20 + s);
      a.model.train();
      const l = tf.tidy(() => {
        const { loss, grads } = lossAndGradients(a.parts, a.model.namedParameters(), batch, 0);
        applyGradients(a.optimizer, grads);
        return loss;
      });
      expect(trainer.trainStep(batch, 0).loss).toBe(l);
      expect(weights(a.model)).toEqual(weights(b.model));
    }
  });

  it('a mask makes the unselected samples irrelevant: the gradients equal those of the selected samples alone', () => {
    const { model, parts } = setup(4);
    const full = batchOf(6, 9);
    const mask = Float32Array.from([1, 0, 1, 1, 0, 0]);
    const keep = [0, 2, 3];
    const sub: Batch = {
      x: Float32Array.from(keep.flatMap((i) => Array.from(full.x.subarray(i * F, (i + 1) * F)))),
      y: Int32Array.from(keep, (i) => full.y[i]!),
      indices: Int32Array.from(keep),
      size: 3,
      sampleShape: [F],
    };
    const grab = (batch: Batch, m?: Float32Array) => {
      let out: { loss: number; grads: Map<string, number[]> } | undefined;
      tf.tidy(() => {
        const { loss, grads } = lossAndGradients(parts, model.namedParameters(), batch, 0, m);
        out = { loss, grads: new Map([...grads].map(([k, g]) => [k, Array.from(g.dataSync())])) };
      });
      return out!;
    };
    const masked = grab(full, mask);
    const alone = grab(sub);
    expect(masked.loss).toBeCloseTo(alone.loss, 6);
    expect(masked.grads.size).toBeGreaterThan(0);
    for (const [k, g] of alone.grads) masked.grads.get(k)!.forEach((v, i) => expect(v).toBeCloseTo(g[i]!, 6));
  });

  it('evaluateBatch gives the loss lossAndGradients gives, without changing weights; countCorrect is the first arg-max', () => {
    const { model, parts } = setup(5);
    const batch = batchOf(8, 2);
    const before = weights(model);
    const e = evaluateBatch(parts, batch, 0);
    const g = tf.tidy(() => lossAndGradients(parts, model.namedParameters(), batch, 0).loss);
    expect(e.loss).toBe(g);
    expect(weights(model)).toEqual(before);
    expect(e.prediction).toHaveLength(8 * 3);
    // Ties go to the first class, as tf.argMax.
    expect(countCorrect({ kind: 'class', numClasses: 3 }, Float32Array.from([0.5, 0.5, 0, 0, 0.2, 0.9]), Int32Array.from([0, 2]))).toBe(2);
    expect(countCorrect({ kind: 'class', numClasses: 3 }, Float32Array.from([0.5, 0.5, 0]), Int32Array.from([1]))).toBe(0);
    expect(countCorrect({ kind: 'regression', shape: [1] }, Float32Array.from([1]), Float32Array.from([1]))).toBeNaN();
  });

  it('a model whose output is not [T, B, C] is refused by name', () => {
    const { parts } = setup(6);
    const task = classificationTask({ readOut: 'mean', topK: 2, loss: 'mse-rate' }, { target: { kind: 'class', numClasses: 4 } });
    const wrong: StepParts = { ...parts, task };
    expect(() => tf.tidy(() => evaluateBatch(wrong, batchOf(2, 1), 0))).toThrow(/the model output must be \[T=4, B=2, C=4\], got \[4,2,3\]/);
  });
});
