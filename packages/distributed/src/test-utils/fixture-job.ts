// A small, fast, deterministic training job for the cluster's tests: a two-layer spiking MLP
// (core layers + an IF neuron), a synthetic 4-class dataset, Poisson encoding keyed by the global
// sample index, Adam with a cosine schedule. Built only from @spikeflow/core's public API.
import {
  Adam,
  BaseNode,
  BatchNorm1d,
  Linear,
  Module,
  Rng,
  cosineLr,
  epochPermutation,
  manualSeed,
  mseRateLoss,
  mseRegressionLoss,
  regressionTask,
  tf,
  type Encoder,
  type SurrogateFunction,
  type Tensor,
} from '@spikeflow/core';
import type { DistributedJob } from '../job.js';

export interface FixtureConfig {
  readonly seed?: number;
  readonly samples?: number;
  readonly features?: number;
  readonly hidden?: number;
  readonly timeSteps?: number;
  readonly lr?: number;
  readonly epochs?: number;
  readonly globalBatch?: number;
  /** Sleep this long (synchronously) in every getBatch: makes steps slow enough to kill one mid-run. */
  readonly slowMs?: number;
  /** A different hidden width gives a different model (fingerprint tests). */
  readonly variant?: string;
  /** Put a BatchNorm1d between the first Linear layer and its neuron (synchronised-BN tests). */
  readonly batchNorm?: boolean;
  /**
   * `regression`: the target is one float per sample (the mean of the first feature group, in
   * [0, 1]), read out as the output's firing rate with core's regression task and MSE.
   */
  readonly task?: 'classification' | 'regression';
}

const sigmoid4: SurrogateFunction = {
  id: 'fixture/sigmoid',
  params: { alpha: 4 },
  primitive: (x) => tf.sigmoid(tf.mul(x, 4)),
  derivative: (x) =>
    tf.tidy(() => {
      const s = tf.sigmoid(tf.mul(x, 4));
      return tf.mul(tf.mul(s, tf.sub(1, s)), 4);
    }),
};

/** Integrate-and-fire: H = V + X. */
class IfNode extends BaseNode {
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }
}

class FixtureNet extends Module {
  private readonly l1: Linear;
  private readonly bn1: BatchNorm1d | null;
  private readonly n1: IfNode;
  private readonly l2: Linear;
  private readonly n2: IfNode;
  constructor(features: number, hidden: number, classes: number, batchNorm: boolean) {
    super();
    // No bias before batch norm: its gradient is exactly zero in theory, float noise in practice.
    this.l1 = this.registerModule('l1', new Linear(features, hidden, { bias: !batchNorm }));
    this.bn1 = batchNorm ? this.registerModule('bn1', new BatchNorm1d(hidden)) : null;
    this.n1 = this.registerModule('n1', new IfNode({ surrogate: sigmoid4 }));
    this.l2 = this.registerModule('l2', new Linear(hidden, classes));
    this.n2 = this.registerModule('n2', new IfNode({ surrogate: sigmoid4 }));
  }
  forward(x: Tensor): Tensor {
    const h = this.l1.forward(x);
    return this.n2.forward(this.l2.forward(this.n1.forward(this.bn1 ? this.bn1.forward(h) : h)));
  }
}

/** Poisson (Bernoulli-rate) encoding whose draws depend only on (seed, epoch, global sample index). */
export function poissonByIndex(): Encoder {
  return {
    id: 'fixture/poisson',
    encode(x, { timeSteps, sampleIndices, epoch, seed }) {
      const [b, ...rest] = x.shape;
      const per = rest.reduce((a, d) => a * d, 1);
      const xs = x.dataSync();
      const out = new Float32Array(timeSteps * b * per);
      for (let i = 0; i < b; i++) {
        const rng = new Rng(`poisson:${seed}:${epoch}:${sampleIndices[i]}`);
        for (let t = 0; t < timeSteps; t++) for (let j = 0; j < per; j++) out[(t * b + i) * per + j] = rng.uniform() < xs[i * per + j] ? 1 : 0;
      }
      return tf.tensor(out, [timeSteps, b, ...rest]);
    },
  };
}

/** The synthetic dataset: features in [0, 1] drawn per index; the label is the argmax of 4 fixed feature groups. */
export function fixtureSample(index: number, features: number): { x: Float32Array; y: number } {
  const rng = new Rng(`fixture-sample:${index}`);
  const x = Float32Array.from({ length: features }, () => rng.uniform());
  const group = features / 4;
  let best = 0;
  let bestSum = -1;
  for (let c = 0; c < 4; c++) {
    let s = 0;
    for (let j = 0; j < group; j++) s += x[c * group + j];
    if (s > bestSum) [best, bestSum] = [c, s];
  }
  return { x, y: best };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Build the fixture job (the same function serves the workers and the single-process reference). */
export function fixtureJob(config: FixtureConfig = {}): DistributedJob {
  const seed = config.seed ?? 7;
  const n = config.samples ?? 96;
  const features = config.features ?? 16;
  const hidden = (config.hidden ?? 24) + (config.variant === 'wider' ? 8 : 0);
  const timeSteps = config.timeSteps ?? 4;
  const globalBatch = config.globalBatch ?? 12;
  manualSeed(seed);
  const regression = config.task === 'regression';
  const model = new FixtureNet(features, hidden, regression ? 1 : 4, config.batchNorm ?? false);
  const optimizer = new Adam(model.namedParameters(), { lr: config.lr ?? 5e-3 });
  const stepsPerEpoch = Math.ceil(n / globalBatch);
  return {
    model,
    optimizer,
    encoder: poissonByIndex(),
    ...(regression
      ? { task: regressionTask({ readOut: 'mean', loss: 'mse', select: 'r2' }, { target: { kind: 'regression', shape: [1] } }), taskLoss: mseRegressionLoss() }
      : { loss: mseRateLoss() }),
    schedule: cosineLr({ lr: config.lr ?? 5e-3, totalSteps: stepsPerEpoch * (config.epochs ?? 1) }),
    timeSteps,
    numClasses: regression ? 0 : 4,
    seed,
    samplesPerEpoch: n,
    sampleShape: [features],
    order: (epoch) => epochPermutation(n, seed, epoch),
    getBatch(indices) {
      if (config.slowMs) Atomics.wait(sleeper, 0, 0, config.slowMs);
      const x = new Float32Array(indices.length * features);
      const y = regression ? new Float32Array(indices.length) : new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) {
        const s = fixtureSample(indices[i], features);
        x.set(s.x, i * features);
        y[i] = regression ? s.x.subarray(0, features / 4).reduce((a, v) => a + v, 0) / (features / 4) : s.y;
      }
      return { x, y };
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
    },
  };
}
