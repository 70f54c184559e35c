import { expectClose, expectSpikeflowError } from '@spikeflow/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../engine/tf.js';
import { Rng } from '../util/rng.js';
import { randnData } from '../ops/test-utils/compare.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { setBatchNormSync, type BatchNormSync } from './batch-norm-sync.js';

type Bn = BatchNorm1d | BatchNorm2d;

interface StepResult {
  y: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array;
  runMean: Float32Array;
  runVar: Float32Array;
}

/**
 * One training step of a fresh layer on `x` (time-first, batch axis 1) with loss
 * `L = (1/B)·Σ_i Σ y_i·R_i` (a per-sample sum of a fixed random projection, averaged over the batch).
 */
function step(make: () => Bn, xData: Float32Array, shape: number[], r: Float32Array): StepResult {
  const bn = make();
  return tf.tidy(() => {
    const x = tf.variable(tf.tensor(xData, shape));
    let y: Tensor | undefined;
    const { grads } = tf.variableGrads(() => {
      y = tf.keep(bn.forward(x));
      return tf.div(tf.sum(tf.mul(y, tf.tensor(r, shape))), Math.max(1, shape[1])) as tf.Scalar;
    }, [x, bn.weight!, bn.bias!]);
    const out = {
      y: y!.dataSync() as Float32Array,
      dx: grads[x.name].dataSync() as Float32Array,
      dw: grads[bn.weight!.name].dataSync() as Float32Array,
      db: grads[bn.bias!.name].dataSync() as Float32Array,
      runMean: bn.runningMean.dataSync() as Float32Array,
      runVar: bn.runningVar.dataSync() as Float32Array,
    };
    x.dispose();
    bn.dispose();
    return out;
  });
}

/** Rows `[from, to)` of batch axis 1 of time-first data of `shape`. */
function sliceBatch(data: Float32Array, shape: number[], from: number, to: number): Float32Array {
  const [t, b, ...rest] = shape;
  const per = rest.reduce((a, d) => a * d, 1);
  const out = new Float32Array(t * (to - from) * per);
  for (let i = 0; i < t; i++) out.set(data.subarray((i * b + from) * per, (i * b + to) * per), i * (to - from) * per);
  return out;
}

/**
 * Data-parallel batch norm simulated in one thread: each part runs with a sync whose all-reduce
 * returns its own values plus the other parts' latest values of the same call (this pass for the
 * parts already run, the previous pass for the others).
 * The forward sums depend only on the inputs and the backward sums only on the forward statistics,
 * so the passes reach a fixed point — exactly the values a real all-reduce would give — within three.
 */
function simulate(make: () => Bn, xData: Float32Array, rData: Float32Array, shape: number[], cuts: number[]): { parts: StepResult[]; passes: number } {
  const b = shape[1];
  let prev: Float32Array[][] = cuts.slice(1).map(() => []);
  for (let pass = 1; pass <= 6; pass++) {
    const cur: Float32Array[][] = cuts.slice(1).map(() => []);
    const parts = cuts.slice(1).map((to, p) => {
      const from = cuts[p];
      const partShape = [shape[0], to - from, ...shape.slice(2)];
      let call = 0;
      const sync: BatchNormSync = {
        lossWeight: (to - from) / b,
        allReduceSum(values) {
          const i = call++;
          cur[p][i] = values.slice();
          const sum = new Float64Array(values.length);
          prev.forEach((calls, q) => {
            const v = q === p ? values : q < p ? cur[q][i] : calls[i];
            if (v) v.forEach((e, k) => (sum[k] += e));
          });
          return Float32Array.from(sum);
        },
      };
      setBatchNormSync(sync);
      try {
        return step(make, sliceBatch(xData, shape, from, to), partShape, sliceBatch(rData, shape, from, to));
      } finally {
        setBatchNormSync(null);
      }
    });
    const same = cur.every((calls, p) => calls.length === prev[p].length && calls.every((v, i) => v.every((e, k) => e === prev[p][i][k])));
    if (same) return { parts, passes: pass };
    prev = cur;
  }
  throw new Error('the simulated all-reduce did not reach a fixed point');
}

function checkAgainstFullBatch(make: () => Bn, shape: number[], cuts: number[], seed: string): void {
  const rng = new Rng(seed);
  const c = shape[shape.length - 1];
  const size = shape.reduce((a, d) => a * d, 1);
  // Channel means far from 0 and unequal scales: the shift (running mean) matters for the variance.
  const xData = Float32Array.from(randnData(size, rng), (v, i) => v * (0.5 + (i % c)) + 3 * (i % c) - 4);
  const rData = randnData(size, rng);
  const full = step(make, xData, shape, rData);
  const { parts, passes } = simulate(make, xData, rData, shape, cuts);
  expect(passes).toBeLessThanOrEqual(3);
  const b = shape[1];
  parts.forEach((part, p) => {
    const [from, to] = [cuts[p], cuts[p + 1]];
    const lambda = (to - from) / b;
    expectClose(part.y, sliceBatch(full.y, shape, from, to), 1e-5, `y of part ${p}`);
    // Each part's loss is the mean over its rows; the trainer weights it by λ = n_p / B.
    expectClose(
      part.dx.map((v) => v * lambda),
      sliceBatch(full.dx, shape, from, to),
      1e-5,
      `dx of part ${p}`,
    );
    expectClose(part.runMean, full.runMean, 1e-5, `running_mean of part ${p}`);
    expectClose(part.runVar, full.runVar, 1e-5, `running_var of part ${p}`);
  });
  const sumWeighted = (pick: (r: StepResult) => Float32Array) =>
    Float64Array.from(pick(parts[0]), (_, k) => parts.reduce((a, r, p) => a + pick(r)[k] * ((cuts[p + 1] - cuts[p]) / b), 0));
  expectClose(
    sumWeighted((r) => r.dw),
    full.dw,
    1e-5,
    'dweight',
  );
  expectClose(
    sumWeighted((r) => r.db),
    full.db,
    1e-5,
    'dbias',
  );
  // The local-statistics run really differs: the test could fail.
  const local = step(make, sliceBatch(xData, shape, cuts[0], cuts[1]), [shape[0], cuts[1] - cuts[0], ...shape.slice(2)], sliceBatch(rData, shape, cuts[0], cuts[1]));
  const diff = Math.max(...local.y.map((v, i) => Math.abs(v - parts[0].y[i])));
  expect(diff).toBeGreaterThan(1e-2);
}

describe('synchronised batch norm (setBatchNormSync)', () => {
  afterEach(() => setBatchNormSync(null));

  const withParams = <T extends Bn>(bn: T, seed: string): T => {
    const rng = new Rng(seed);
    const c = bn.numFeatures;
    bn.weight!.assign(tf.tensor(Array.from({ length: c }, () => 0.5 + rng.uniform())));
    bn.bias!.assign(tf.tensor(Array.from({ length: c }, () => rng.normal())));
    // A running mean near (not at) the channel means: the shift the synced variance is taken about.
    bn.runningMean.assign(tf.tensor(Array.from({ length: c }, (_, j) => 3 * j - 4 + rng.normal())));
    return bn;
  };

  it('BatchNorm2d on 2 unequal parts equals the full batch: outputs, λ-weighted input/weight/bias grads and running stats within 1e-5', () => {
    checkAgainstFullBatch(() => withParams(new BatchNorm2d(3, { momentum: 0.3 }), 'p2d'), [2, 6, 3, 2, 3], [0, 2, 6], 'bn2d-sync');
  });

  it('BatchNorm1d on 3 parts equals the full batch within 1e-5', () => {
    checkAgainstFullBatch(() => withParams(new BatchNorm1d(5), 'p1d'), [3, 7, 5], [0, 2, 5, 7], 'bn1d-sync');
  });

  it('a part without rows joins the sums with zeros (λ = 0) and the others still equal the full batch', () => {
    checkAgainstFullBatch(() => withParams(new BatchNorm1d(4), 'p1e'), [2, 7, 4], [0, 3, 3, 7], 'bn1d-empty');
  });

  it('calls the sync once forward and once backward with the layer name, and checks what it returns', () => {
    const calls: string[] = [];
    setBatchNormSync({ allReduceSum: (v, ctx) => (calls.push(`${ctx.layer}:${ctx.phase}:${v.length}`), v) });
    const bn = new BatchNorm1d(4);
    tf.tidy(() => tf.variableGrads(() => tf.sum(tf.mul(bn.forward(tf.randomNormal([2, 3, 4])), tf.randomNormal([2, 3, 4]))) as tf.Scalar, [bn.weight!]));
    expect(calls).toEqual(['BatchNorm1d(4):forward:9', 'BatchNorm1d(4):backward:8']);
    setBatchNormSync({ allReduceSum: (v) => v.slice(1) });
    const e = expectSpikeflowError(() => tf.tidy(() => bn.forward(tf.randomNormal([2, 3, 4]))), 'protocol-error');
    expect(e.message).toContain('BatchNorm1d(4)');
    // One row here is fine when the ranks together have more; one row in total is not.
    setBatchNormSync({ allReduceSum: (v) => v });
    expectSpikeflowError(() => tf.tidy(() => bn.forward(tf.randomNormal([1, 1, 4]))), 'shape-mismatch');
    setBatchNormSync({ allReduceSum: (v) => Float32Array.from(v, (e, i) => (i === v.length - 1 ? e + 5 : e)) });
    expect(() => tf.tidy(() => bn.forward(tf.randomNormal([1, 1, 4])))).not.toThrow();
    bn.dispose();
  });
});
