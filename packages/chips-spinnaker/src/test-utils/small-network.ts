// A small trained network for tests: 20 spike inputs → 10 LIF → 4 LIF, trained with BPTT on
// four Poisson rate patterns (class c fires inputs 5c..5c+4 often). Seeded, so every run trains
// the same weights on a given backend.
import { Adam, Linear, Rng, Sequential, manualSeed, mseRateLoss, tf, type Module } from '@spikeflow/core';
import { LIFNode, atan } from '@spikeflow/neurons';

export const SMALL = { inputs: 20, hidden: 10, classes: 4, timeSteps: 60 } as const;

/** `count` rasters `[T, 20]` (0/1) and their labels, drawn from `seed`. */
export function poissonPatterns(count: number, seed: number, T: number = SMALL.timeSteps): { rasters: Uint8Array[]; labels: Int32Array } {
  const rng = new Rng(seed);
  const rasters: Uint8Array[] = [];
  const labels = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const c = s % SMALL.classes;
    labels[s] = c;
    const r = new Uint8Array(T * SMALL.inputs);
    for (let t = 0; t < T; t++) for (let i = 0; i < SMALL.inputs; i++) r[t * SMALL.inputs + i] = rng.uniform() < (Math.floor(i / 5) === c ? 0.3 : 0.05) ? 1 : 0;
    rasters.push(r);
  }
  return { rasters, labels };
}

/** Rasters `[T, inputs]` each → a time-first float tensor `[T, B, inputs]`. */
export function rastersToTensor(rasters: readonly Uint8Array[], T: number, n: number): tf.Tensor {
  const data = new Float32Array(T * rasters.length * n);
  rasters.forEach((r, b) => {
    for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) data[(t * rasters.length + b) * n + i] = r[t * n + i];
  });
  return tf.tensor3d(data, [T, rasters.length, n]);
}

/**
 * Train the 20 → 10 → 4 network (no bias, hard reset; LIF τ = 2 unless `neuron` makes another
 * neuron per layer) for `steps` Adam steps.
 */
export function trainSmallNetwork(steps = 60, neuron: (layer: number) => Module = () => new LIFNode({ surrogate: atan(), fused: false })): Module {
  manualSeed(3);
  const model = new Sequential(new Linear(SMALL.inputs, SMALL.hidden, { bias: false }), neuron(0), new Linear(SMALL.hidden, SMALL.classes, { bias: false }), neuron(1));
  const opt = new Adam(model.namedParameters(), { lr: 0.02 });
  const loss = mseRateLoss();
  const params = model.namedParameters();
  for (let step = 0; step < steps; step++) {
    const { rasters, labels } = poissonPatterns(16, 1000 + step);
    tf.tidy(() => {
      const x = rastersToTensor(rasters, SMALL.timeSteps, SMALL.inputs);
      const y = tf.tensor1d(labels, 'int32');
      const { grads } = tf.variableGrads(
        () => loss.compute(model.forward(x), y, SMALL.classes) as tf.Scalar,
        params.map(([, v]) => v),
      );
      opt.step(new Map(params.map(([name, v]) => [name, grads[v.name]])));
    });
  }
  return model;
}

/** The spikes of every neuron layer of a Sequential `[Linear, neuron]*`, each `[T, B·size]` as 0/1 rows. */
export function layerSpikes(model: Module, input: tf.Tensor): Uint8Array[] {
  const out: Uint8Array[] = [];
  let x = input;
  for (const [, layer] of model.namedChildren()) {
    const y = layer.forward(x);
    if (x !== input) x.dispose();
    x = y;
    if (layer.describe().includes('Node')) out.push(Uint8Array.from(x.dataSync()));
  }
  x.dispose();
  return out;
}
