// Small fixtures shared by core's tests: a synthetic loader, a tiny spiking model, a sigmoid surrogate.
import { tf, type Tensor } from '../engine/tf.js';
import type { Batch, BatchLoader } from '../contracts/batch-loader.js';
import type { SurrogateFunction } from '../contracts/surrogate.js';
import { Module, foldTime } from '../nn/module.js';
import { BaseNode } from '../spike/base-node.js';
import { epochPermutation, Rng } from '../util/rng.js';
import { globalRng } from '../util/seed.js';

export function sigmoidSurrogate(alpha = 4): SurrogateFunction {
  return {
    id: 'test/sigmoid',
    params: { alpha },
    primitive: (x) => tf.sigmoid(tf.mul(x, alpha)),
    derivative: (x) =>
      tf.tidy(() => {
        const s = tf.sigmoid(tf.mul(x, alpha));
        return tf.mul(tf.mul(s, tf.sub(1, s)), alpha);
      }),
  };
}

/** IF-style neuron for tests: H = V + X. */
export class TestIF extends BaseNode {
  protected neuronalCharge(x: Tensor, v: Tensor): Tensor {
    return tf.add(v, x);
  }
}

/** Dense layer drawn from the global RNG, time folded into batch. */
export class TestDense extends Module {
  readonly w: tf.Variable;
  constructor(inF: number, outF: number) {
    super();
    const rng = globalRng();
    const bound = 1 / Math.sqrt(inF);
    const data = Float32Array.from({ length: inF * outF }, () => (rng.uniform() * 2 - 1) * bound);
    this.w = this.registerParameter('weight', tf.tensor(data, [inF, outF]));
  }
  forward(x: Tensor): Tensor {
    const { folded, unfold } = foldTime(x);
    return unfold(tf.matMul(tf.reshape(folded, [folded.shape[0], -1]), this.w));
  }
}

export class TestNet extends Module {
  readonly l1: TestDense;
  readonly n1: TestIF;
  readonly l2: TestDense;
  readonly n2: TestIF;
  constructor(inF: number, hidden: number, classes: number) {
    super();
    this.l1 = this.registerModule('l1', new TestDense(inF, hidden));
    this.n1 = this.registerModule('n1', new TestIF({ surrogate: sigmoidSurrogate() }));
    this.l2 = this.registerModule('l2', new TestDense(hidden, classes));
    this.n2 = this.registerModule('n2', new TestIF({ surrogate: sigmoidSurrogate() }));
  }
  forward(x: Tensor): Tensor {
    return this.n2.forward(this.l2.forward(this.n1.forward(this.l1.forward(x))));
  }
}

/** A linearly separable 2-class problem in `features` dimensions, values in [0, 1]. */
export function syntheticData(n: number, features: number, seed = 1): { x: Float32Array; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    y[i] = label;
    for (let f = 0; f < features; f++) {
      const centre = f < features / 2 === (label === 0) ? 0.8 : 0.2;
      x[i * features + f] = Math.min(1, Math.max(0, centre + (rng.uniform() - 0.5) * 0.3));
    }
  }
  return { x, y };
}

/** Batches of flat samples `x` with class labels (Int32Array) or float targets (Float32Array) `y`, shuffled by `seed`. */
export class ArrayLoader implements BatchLoader {
  readonly batchesPerEpoch: number;
  readonly sampleShape: readonly number[];
  constructor(
    private readonly data: { x: Float32Array; y: Int32Array | Float32Array },
    readonly batchSize: number,
    readonly numClasses: number,
    private readonly seed: number,
    private readonly shuffle = true,
  ) {
    this.sampleShape = [data.x.length / data.y.length];
    this.batchesPerEpoch = Math.ceil(this.length / batchSize);
  }
  get length(): number {
    return this.data.y.length;
  }
  async *batches(epoch: number, startBatch = 0): AsyncIterable<Batch> {
    const f = this.sampleShape[0];
    const order = this.shuffle ? epochPermutation(this.length, this.seed, epoch) : Int32Array.from({ length: this.length }, (_, i) => i);
    for (let b = startBatch; b < this.batchesPerEpoch; b++) {
      const idx = order.slice(b * this.batchSize, Math.min(this.length, (b + 1) * this.batchSize));
      const x = new Float32Array(idx.length * f);
      const y = this.data.y instanceof Float32Array ? new Float32Array(idx.length) : new Int32Array(idx.length);
      idx.forEach((s, i) => {
        x.set(this.data.x.subarray(s * f, (s + 1) * f), i * f);
        y[i] = this.data.y[s];
      });
      yield { x, y, indices: idx, size: idx.length, sampleShape: this.sampleShape };
    }
  }
}
