import { describe, expect, it } from 'vitest';
import { Linear, NeuronModule, SGD, Sequential, Trainer, createSpikeflow, crossEntropyMeanLoss, manualSeed, tf, type Batch, type LossFunction, type Tensor } from '@spikeflow/core';
import { LIFNode, atan } from '@spikeflow/neurons';
import { poissonEncoder } from '../encoders/poisson-encoder.js';
import { models } from '../plugin.js';
import { ceRateLoss } from './ce-rate-loss.js';
import { FiringRateRegularizer } from './firing-rate-regularizer.js';
import { mseCountLoss } from './mse-count-loss.js';

// Output [T=2, B=2, C=3] (spike-like values) and labels.
const O = [
  [
    [1, 0, 1],
    [0, 1, 1],
  ],
  [
    [1, 1, 0],
    [0, 0, 1],
  ],
];
const labels = [0, 2];
const [T, B, C] = [2, 2, 3];
const at = (t: number, b: number, c: number) => O[t]![b]![c]!;

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tol);
}

describe('ceRateLoss', () => {
  it('is the batch-mean CE of scale · rate, with gradient s/T · (softmax − onehot)/B', () => {
    const s = 3;
    const probs: number[][] = [];
    let expected = 0;
    for (let b = 0; b < B; b++) {
      const z = [0, 1, 2].map((c) => (s * (at(0, b, c) + at(1, b, c))) / T);
      const e = z.map(Math.exp);
      const sum = e.reduce((a, v) => a + v, 0);
      probs.push(e.map((v) => v / sum));
      expected += -Math.log(e[labels[b]!]! / sum) / B;
    }
    const out = tf.tensor3d(O);
    const y = tf.tensor1d(labels, 'int32');
    const loss = ceRateLoss({ scale: s });
    closeTo(loss.compute(out, y, C).dataSync(), [expected]);
    const grad = tf
      .grad((o: Tensor) => loss.compute(o, y, C))(out)
      .dataSync();
    const expectedGrad: number[] = [];
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) expectedGrad.push(((s / T) * (probs[b]![c]! - (labels[b] === c ? 1 : 0))) / B);
    closeTo(grad, expectedGrad);
    // scale 1 is core's ce-mean, which it reuses.
    closeTo(ceRateLoss().compute(out, y, C).dataSync(), crossEntropyMeanLoss().compute(out, y, C).dataSync());
    expect(() => loss.compute(out, y, 4)).toThrowError(/'ce-rate' expects the network output \[T, B, 4\]/);
    expect(() => ceRateLoss({ scale: 0 })).toThrowError(/scale/);
  });
});

describe('mseCountLoss', () => {
  it('is mean (count − ⌊rate·T⌋)² / T, with gradient 2(count − target)/(B·C·T) at every step', () => {
    const loss = mseCountLoss({ correctRate: 0.75, incorrectRate: 0.25 });
    // T = 2: targets ⌊1.5⌋ = 1 for the label, ⌊0.5⌋ = 0 for the others.
    const target = (b: number, c: number) => (labels[b] === c ? 1 : 0);
    let expected = 0;
    const expectedGrad: number[] = [];
    for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) expected += (at(0, b, c) + at(1, b, c) - target(b, c)) ** 2 / (B * C * T);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) expectedGrad.push((2 * (at(0, b, c) + at(1, b, c) - target(b, c))) / (B * C * T));
    const out = tf.tensor3d(O);
    const y = tf.tensor1d(labels, 'int32');
    closeTo(loss.compute(out, y, C).dataSync(), [expected]);
    closeTo(
      tf
        .grad((o: Tensor) => loss.compute(o, y, C))(out)
        .dataSync(),
      expectedGrad,
    );
    // Defaults 1 / 0: a perfect spike train (correct class every step, others never) costs 0.
    const perfect = tf.tensor3d([
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
    ]);
    expect(mseCountLoss().compute(perfect, y, C).dataSync()[0]).toBe(0);
    expect(() => mseCountLoss({ correctRate: 2 })).toThrowError(/correctRate must be a rate in \[0, 1\], got 2/);
  });
});

/** A "neuron" emitting σ(x): rates and gradients have a closed form. */
class SigmoidNeuron extends NeuronModule {
  forward(x: Tensor): Tensor {
    return tf.sigmoid(x);
  }
}

describe('FiringRateRegularizer', () => {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const xs = [-1, 0.5, 2, 0.3, 1.2, -0.4];
  // Float64 reference of the band penalty over the two layers a = σ(x), b = σ(a).
  function refPenalty(v: ArrayLike<number>, low: number, high: number, w: number): number {
    const a = Array.from(v, sig);
    const b = a.map(sig);
    const p = (r: number) => Math.max(0, low - r) ** 2 + Math.max(0, r - high) ** 2;
    const mean = (arr: number[]) => arr.reduce((s, u) => s + u, 0) / arr.length;
    return w * (p(mean(a)) + p(mean(b)));
  }

  it('penalises layer rates outside [low, high], with gradients matching central differences', () => {
    const model = new Sequential(new SigmoidNeuron(), new SigmoidNeuron());
    const reg = FiringRateRegularizer.attach(model, { low: 0.62, high: 0.66, weight: 2 });
    expect(reg.layerNames).toEqual(['0', '1']);
    const x = tf.tensor(xs, [2, 3, 1]);
    const value = tf.tidy(() => {
      model.forward(x);
      return reg.penalty().dataSync()[0]!;
    });
    // mean σ(x) = 0.6187 is below low; mean σ(σ(x)) = 0.6483 is inside: only layer 0 counts.
    expect(Math.abs(value - refPenalty(xs, 0.62, 0.66, 2))).toBeLessThan(1e-7);
    expect(value).toBeGreaterThan(0);
    const g = tf
      .grad((xi: Tensor) => {
        model.forward(xi);
        return reg.penalty();
      })(x)
      .dataSync();
    const h = 1e-5;
    const numeric = xs.map((_, i) => {
      const plus = xs.slice();
      const minus = xs.slice();
      plus[i]! += h;
      minus[i]! -= h;
      return (refPenalty(plus, 0.62, 0.66, 2) - refPenalty(minus, 0.62, 0.66, 2)) / (2 * h);
    });
    closeTo(g, numeric, 1e-6);
    // The records were consumed: nothing recorded since gives 0.
    expect(reg.penalty().dataSync()[0]).toBe(0);
    reg.detach();
  });

  it('target mode, layer selection and detach', () => {
    const n0 = new SigmoidNeuron();
    const model = new Sequential(n0, new SigmoidNeuron());
    const reg = FiringRateRegularizer.attach(model, { target: 0.5, layers: ['1'] });
    const x = tf.tensor(xs, [2, 3, 1]);
    model.forward(x);
    model.forward(x); // two forwards: the rate is over both
    const b = xs.map((v) => sig(sig(v)));
    const rate = b.reduce((s, u) => s + u, 0) / b.length;
    expect(Math.abs(reg.penalty().dataSync()[0]! - (rate - 0.5) ** 2)).toBeLessThan(1e-6);
    expect(() => FiringRateRegularizer.attach(model, { layers: ['2'] })).toThrowError(/no spiking layer named '2'; the model has '0', '1'/);
    expect(() => FiringRateRegularizer.attach(new Linear(2, 2))).toThrowError(/no spiking layer/);
    expect(Object.prototype.hasOwnProperty.call(model.at(1), 'forward')).toBe(true);
    reg.detach();
    expect(Object.prototype.hasOwnProperty.call(model.at(1), 'forward')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(n0, 'forward')).toBe(false);
  });

  it('wraps a loss: base loss plus the penalty of the LIF layer, inside a gradient scope', () => {
    manualSeed(3);
    const model = new Sequential(new Linear(4, 3), new LIFNode({ surrogate: atan() }));
    const reg = FiringRateRegularizer.attach(model, { high: 0.1, weight: 0.5 });
    const loss = reg.wrap(mseCountLoss());
    expect(loss.id).toBe('models/mse-count+rate-reg');
    const x = tf.randomUniform([4, 2, 4], 0, 3, 'float32', 1);
    const y = tf.tensor1d([0, 2], 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forward(x);
      const rate = out.mean().dataSync()[0]!;
      const expected = mseCountLoss().compute(out, y, 3).dataSync()[0]! + 0.5 * Math.max(0, rate - 0.1) ** 2;
      const l = loss.compute(out, y, 3) as tf.Scalar;
      expect(Math.abs(l.dataSync()[0]! - expected)).toBeLessThan(1e-5);
      expect(rate).toBeGreaterThan(0.1); // the penalty is active in this case
      return l;
    }, model.parameters());
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    expect(Object.keys(grads)).toHaveLength(2);
    reg.detach();
  });

  it('drives the firing rate into the band when the trainer minimises it (Poisson-encoded input)', () => {
    manualSeed(5);
    const fc1 = new Linear(6, 8);
    fc1.weight.assign(tf.fill([6, 8], 0.7));
    const lif = new LIFNode({ surrogate: atan() });
    const model = new Sequential(fc1, lif, new Linear(8, 3), new LIFNode({ surrogate: atan() }));
    const reg = FiringRateRegularizer.attach(model, { high: 0.1, weight: 10, layers: ['1'] });
    // Only the penalty has a gradient: the base loss is 0·Σ output.
    const zero: LossFunction = { id: 'zero', compute: (o) => tf.mul(tf.sum(o), 0) };
    const trainer = new Trainer({
      model,
      encoder: poissonEncoder(),
      loss: reg.wrap(zero),
      optimizer: new SGD(model.namedParameters(), { lr: 2 }),
      timeSteps: 8,
      numClasses: 3,
      seed: 1,
    });
    const x = Float32Array.from({ length: 16 * 6 }, (_, i) => ((i * 7) % 10) / 10);
    const batch: Batch = { x, y: new Int32Array(16), indices: Int32Array.from({ length: 16 }, (_, i) => i), size: 16, sampleShape: [6] };
    const rate = () =>
      tf.tidy(() => {
        const enc = poissonEncoder().encode(tf.tensor(x, [16, 6]), { timeSteps: 8, sampleIndices: batch.indices, epoch: 0, seed: 1 });
        return lif.forward(fc1.forward(enc)).mean().dataSync()[0]!;
      });
    const before = rate();
    const losses: number[] = [];
    for (let i = 0; i < 15; i++) losses.push(trainer.trainStep(batch, 0).loss);
    const after = rate();
    expect(before).toBeGreaterThan(0.3);
    expect(losses[0]).toBeCloseTo(10 * (before - 0.1) ** 2, 4);
    // Once inside [0, 0.1] the penalty and its gradient vanish, so the rate stays there.
    expect(after).toBeLessThanOrEqual(0.1);
    expect(losses.at(-1)).toBe(0);
    reg.detach();
  });

  it('is usable from the registry for the two losses', () => {
    const sf = createSpikeflow({ plugins: [models()] });
    expect(sf.loss('models/ce-rate', { scale: 2 }).id).toBe('models/ce-rate');
    expect(sf.loss('mse-count', {}).id).toBe('models/mse-count');
  });
});
