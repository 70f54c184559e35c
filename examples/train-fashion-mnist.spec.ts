import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from './train-fashion-mnist.js';

const FMNIST = '/usr/share/datasets/fashion-mnist';
const have = existsSync(`${FMNIST}/train-images-idx3-ubyte.gz`);

describe('examples/train-fashion-mnist.ts', () => {
  it.skipIf(!have)('(needs apt-get install dataset-fashion-mnist) trains lif-mlp on a 2000-sample subset of the real Fashion-MNIST well above chance', async () => {
    const summary = await main({ epochs: 1, timeSteps: 4, subset: 2000, testSubset: 1000, dataDir: FMNIST });
    const m = summary.epochs[0];
    expect(m.batches).toBe(32);
    expect(m.testAccuracy).toBeGreaterThan(0.6);
    expect(Object.keys(m.firingRates).length).toBe(2);
  });
});
