import { expectSpikeflowError } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tf } from '../engine/tf.js';
import { createSpikeflow } from '../plugin/spikeflow.js';
import { definePlugin } from '../plugin/plugin.js';
import type { TaskDescriptor } from '../contracts/task.js';
import { regressionTask } from './regression-task.js';
import { selectionImproves } from './selection-improves.js';

const sf = createSpikeflow();

// out[t][b][c]
const out = [
  [
    [1, 0, 0.2],
    [0, 1, 1],
  ],
  [
    [0, 1, 0.4],
    [0, 0, 1],
  ],
  [
    [1, 0, 0.9],
    [1, 0, 0],
  ],
];

describe('classification task', () => {
  const task = sf.task('classification', {}, { target: { kind: 'class', numClasses: 3 } });

  it("keeps today's choices: mean-over-T read-out, mse-rate by default, accuracy selects the checkpoint", () => {
    expect(task.id).toBe('core/classification');
    expect(task.readOut).toBe('mean');
    expect(task.defaultLoss).toBe('mse-rate');
    expect(task.losses).toContain('core/ce-mean');
    expect(task.selection).toEqual({ metric: 'accuracy', mode: 'max' });
    // top5 of 3 classes would always be 1: left out.
    expect(task.metrics.map((m) => m.name)).toEqual(['accuracy']);
    const ten = sf.task('classification', { topK: 3 }, { target: { kind: 'class', numClasses: 10 } });
    expect(ten.metrics).toEqual([
      { name: 'accuracy', id: 'core/accuracy' },
      { name: 'top3', id: 'core/top-k', options: { k: 3 } },
    ]);
    expect([...sf.taskMetrics(ten).keys()]).toEqual(['accuracy', 'top3']);
  });

  it('predicts the firing rate and scores it by arg-max accuracy', () => {
    const pred = task.predict(tf.tensor(out));
    const mean = [0, 1].flatMap((b) => [0, 1, 2].map((c) => (out[0]![b]![c]! + out[1]![b]![c]! + out[2]![b]![c]!) / 3));
    Array.from(pred).forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 6));
    const acc = sf.taskMetrics(task).get('accuracy')!;
    // Sample 0 rates (2/3, 1/3, 0.5) → class 0; sample 1 (1/3, 1/3, 2/3) → class 2.
    acc.update(pred, task.targetTensor(Int32Array.from([0, 1]), 2).dataSync());
    expect(acc.result()).toBe(0.5);
    const last = sf.task('classification', { readOut: 'last' }, { target: { kind: 'class', numClasses: 3 } });
    expect(Array.from(last.predict(tf.tensor(out)))).toEqual(Array.from(Float32Array.from([1, 0, 0.9, 1, 0, 0])));
  });

  it('refuses wrong outputs, targets and options with typed errors', () => {
    expectSpikeflowError(() => task.predict(tf.zeros([3, 2, 4])), 'shape-mismatch', /^task 'core\/classification' expects the network output \[T, B, 3\], got \[3,2,4\]/);
    expectSpikeflowError(() => task.targetTensor(new Float32Array(2), 2), 'shape-mismatch', /an Int32Array of class labels, got Float32Array/);
    expectSpikeflowError(() => task.targetTensor(new Int32Array(3), 2), 'shape-mismatch', /2 samples: 2 values; got 3/);
    expectSpikeflowError(() => task.targetTensor(Int32Array.from([0, 3]), 2), 'shape-mismatch', /label 3 of sample 1 is not a class in \[0, 3\)/);
    expectSpikeflowError(() => sf.task('classification', {}, { target: { kind: 'regression', shape: [2] } }), 'invalid-options', /got a 'regression' target/);
    expectSpikeflowError(
      () => sf.task('classification', { readOut: 'per-step' }, { target: { kind: 'class', numClasses: 3 } }),
      'invalid-options',
      /^invalid options for task 'core\/classification'/,
    );
    expectSpikeflowError(() => sf.task('forecast', {}, { target: { kind: 'none' } }), 'unknown-id', /^unknown task 'forecast'; registered: core\/classification, core\/regression/);
  });
});

describe('regression task', () => {
  const target = { kind: 'regression', shape: [3] } as const;

  it('reads out the last step or the mean, and selects by R² (max) or an error (min)', () => {
    const last = sf.task('regression', { readOut: 'last' }, { target });
    expect(Array.from(last.predict(tf.tensor(out)))).toEqual(Array.from(Float32Array.from([1, 0, 0.9, 1, 0, 0])));
    expect(last.selection).toEqual({ metric: 'r2', mode: 'max' });
    expect(last.metrics.map((m) => m.name)).toEqual(['mse', 'mae', 'rmse', 'r2', 'rrse', 'corr']);
    expect(last.defaultLoss).toBe('mse');
    expect(sf.task('regression', { select: 'rrse' }, { target }).selection).toEqual({ metric: 'rrse', mode: 'min' });
    const mean = sf.task('regression', {}, { target });
    const m = Array.from(mean.predict(tf.tensor(out)));
    expect(m[2]).toBeCloseTo((0.2 + 0.4 + 0.9) / 3, 6);
    const y = mean.targetTensor(Float32Array.from([1, 2, 3, 4, 5, 6]), 2);
    expect(y.shape).toEqual([2, 3]);
    expect(y.dtype).toBe('float32');
  });

  it('per-step read-out gives [B, T, ...] predictions for a sequence target', () => {
    const seq = regressionTask({ readOut: 'per-step', loss: 'mse', select: 'mse' }, { target: { kind: 'sequence', steps: 3, item: { kind: 'regression', shape: [3] } } });
    const pred = seq.predict(tf.tensor(out));
    // [B=2, T=3, 3]: sample 1, step 2 is out[2][1].
    expect(Array.from(pred.subarray((1 * 3 + 2) * 3, (1 * 3 + 3) * 3))).toEqual([1, 0, 0]);
    expectSpikeflowError(() => seq.predict(tf.zeros([4, 2, 3])), 'shape-mismatch', /\[3, B, 3\] \(one step per target step\), got \[4,2,3\]/);
  });

  it('refuses class targets, NaN targets and outputs of the wrong shape', () => {
    expectSpikeflowError(() => sf.task('regression', {}, { target: { kind: 'class', numClasses: 2 } }), 'invalid-options', /got a 'class' target; use the classification task/);
    const task = sf.task('regression', {}, { target });
    expectSpikeflowError(() => task.targetTensor(Float32Array.from([1, Number.NaN, 3]), 1), 'dataset-corrupt', /target value 1 is NaN/);
    expectSpikeflowError(() => task.targetTensor(Int32Array.from([1, 2, 3]), 1), 'shape-mismatch', /a Float32Array of target values, got Int32Array/);
    expectSpikeflowError(() => task.readOutput(tf.zeros([2, 2])), 'shape-mismatch', /\[T, B, 3\], got \[2,2\]/);
  });
});

describe('tasks are a contribution kind', () => {
  it('a third-party plugin adds a task', () => {
    const denoise: TaskDescriptor<{ level: number }> = {
      id: 'denoise',
      description: 'test task',
      options: z.object({ level: z.number().default(1) }).strict(),
      targetKinds: ['regression'],
      create: (o, context) => ({ ...regressionTask({ readOut: 'mean', loss: 'mse', select: 'mse' }, context), id: `mine/denoise@${o.level}` }),
    };
    const mine = definePlugin({ name: 'mine', version: '1.0.0', namespace: 'mine' }, { tasks: [denoise] });
    const with3p = createSpikeflow({ plugins: [mine] });
    expect(with3p.tasks.ids()).toEqual(['core/classification', 'core/regression', 'mine/denoise']);
    expect(with3p.task('denoise', {}, { target: { kind: 'regression', shape: [1] } }).id).toBe('mine/denoise@1');
  });
});

describe('selectionImproves', () => {
  it('compares by the selection mode, keeps the earlier on ties and never selects NaN', () => {
    const max = { metric: 'r2', mode: 'max' } as const;
    const min = { metric: 'mse', mode: 'min' } as const;
    expect([selectionImproves(max, 0.5, 0.4), selectionImproves(max, 0.4, 0.5), selectionImproves(max, 0.5, 0.5)]).toEqual([true, false, false]);
    expect([selectionImproves(min, 0.2, 0.3), selectionImproves(min, 0.3, 0.2)]).toEqual([true, false]);
    expect([selectionImproves(min, Number.NaN, undefined), selectionImproves(min, 1, undefined), selectionImproves(max, -5, Number.NaN)]).toEqual([false, true, true]);
  });
});
