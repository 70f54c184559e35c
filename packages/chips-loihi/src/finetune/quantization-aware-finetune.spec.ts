import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, Sequential, SpikeflowError, directEncoder, mseRateLoss, type Batch, type BatchLoader, type Module } from '@spikeflow/core';
import { readFloatNetwork } from '../quantize/float-network.js';
import { quantizeNetwork, quantizeWeight } from '../quantize/quantize.js';
import { TestLif, makeRandom, randomInputs } from '../test-utils/fixtures.js';
import { quantizationAwareFinetune, quantizationGains } from './quantization-aware-finetune.js';

/** Two classes in 6 features: class 1 has the larger first half. */
function loader(n: number, seed: number): BatchLoader {
  const x = randomInputs(n, 6, seed);
  const y = Int32Array.from({ length: n }, (_, i) => (x[i * 6] + x[i * 6 + 1] + x[i * 6 + 2] > x[i * 6 + 3] + x[i * 6 + 4] + x[i * 6 + 5] ? 1 : 0));
  const batchSize = 8;
  return {
    batchSize,
    length: n,
    batchesPerEpoch: Math.ceil(n / batchSize),
    sampleShape: [6],
    numClasses: 2,
    async *batches(_epoch: number, start = 0): AsyncIterable<Batch> {
      for (let b = start * batchSize; b < n; b += batchSize) {
        const size = Math.min(batchSize, n - b);
        yield { x: x.slice(b * 6, (b + size) * 6), y: y.slice(b, b + size), indices: Int32Array.from({ length: size }, (_, i) => b + i), size, sampleShape: [6] };
      }
    },
  };
}

function mlp(seed: number, ...extra: Module[]): Sequential {
  const rnd = makeRandom(seed);
  const model = new Sequential(new Linear(6, 5), ...extra, new TestLif(2), new Linear(5, 2), new TestLif(2));
  model.loadStateDict(
    new Map(
      model.namedTensors().map((e) => [
        e.name,
        {
          shape: [...e.variable.shape],
          data: Float32Array.from({ length: e.variable.size }, () => (e.name.endsWith('running_var') ? 1 : (rnd() * 2 - 1) * 1.5)),
        },
      ]),
    ),
  );
  return model;
}

describe('quantizationAwareFinetune', () => {
  it("trains and leaves every mapped weight on the chip's levels (even integers / gain)", async () => {
    const model = mlp(3);
    const quantized = quantizeNetwork(readFloatNetwork(model, [6]), { calibration: randomInputs(32, 6, 9), inputBits: 4 });
    const before = new Map(model.namedParameters().map(([n, p]) => [n, Float32Array.from(p.dataSync())]));
    const fit = await quantizationAwareFinetune({
      model,
      quantized,
      encoder: directEncoder(),
      loss: mseRateLoss(),
      numClasses: 2,
      timeSteps: 4,
      seed: 0,
      train: loader(48, 5),
      epochs: 1,
      lr: 1e-2,
    });
    expect(fit.epochs).toHaveLength(1);
    const gains = quantizationGains(model, quantized);
    expect([...gains.keys()]).toEqual(['0.weight', '2.weight']);
    let moved = 0;
    for (const [name, p] of model.namedParameters()) {
      const g = gains.get(name);
      if (g === undefined) continue;
      const w = p.dataSync();
      for (let i = 0; i < w.length; i++) {
        // On the grid: w·g is the even integer lava-dl stores.
        expect(Math.abs(w[i] * g - quantizeWeight(w[i], g))).toBeLessThan(1e-3 * Math.max(1, Math.abs(w[i] * g)));
        if (Math.abs(w[i] - before.get(name)![i]) > 1e-6) moved++;
      }
    }
    expect(moved).toBeGreaterThan(0);
    model.dispose();
  });

  it('refuses a model whose BatchNorm would be folded into a weight, naming it', () => {
    const model = mlp(4, new BatchNorm1d(5));
    model.eval();
    const quantized = quantizeNetwork(readFloatNetwork(model, [6]), { inputBits: 4 });
    let err: unknown;
    try {
      quantizationGains(model, quantized);
    } catch (e) {
      err = e;
    }
    expect(SpikeflowError.is(err, 'not-supported')).toBe(true);
    expect((err as Error).message).toContain("'1' (BatchNorm1d(5))");
    model.dispose();
  });
});
