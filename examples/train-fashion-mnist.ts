// Train a multi-step LIF network on Fashion-MNIST with the public APIs (run: npx tsx examples/train-fashion-mnist.ts).
import { Adam, Trainer, cosineLr, createSpikeflow, manualSeed, progressCallback, selectBackend } from '@spikeflow/core';
import { DataLoader, datasets } from '@spikeflow/datasets';
import { models } from '@spikeflow/models';
import { neurons } from '@spikeflow/neurons';

export async function main({ epochs = 1, timeSteps = 8, subset = undefined as number | undefined, testSubset = undefined as number | undefined, dataDir = undefined as string | undefined } = {}) {
  await selectBackend('auto');
  const sf = createSpikeflow({ plugins: [neurons(), datasets(), models()] });
  const train = await sf.dataset('fashion-mnist', { split: 'train', dataDir });
  const test = await sf.dataset('fashion-mnist', { split: 'test', dataDir });
  manualSeed(0);
  const model = sf.model('lif-mlp', { hidden: [512] }, { inputShape: train.sampleShape, numClasses: 10, neuron: { id: 'lif', options: { tau: 2 } }, staticInput: true });
  const trainLoader = new DataLoader({ dataset: train, batchSize: 64, seed: 0, subset });
  const testLoader = new DataLoader({ dataset: test, batchSize: 256, shuffle: false, seed: 0, subset: testSubset });
  const trainer = new Trainer({
    model, optimizer: new Adam(model.namedParameters(), { lr: 3e-3 }), encoder: sf.encoder('direct'), loss: sf.loss('mse-rate'),
    schedule: cosineLr({ lr: 3e-3, totalSteps: epochs * trainLoader.batchesPerEpoch }), timeSteps, numClasses: train.numClasses, seed: 0,
    callbacks: [progressCallback()],
  });
  return trainer.fit(trainLoader, { epochs, test: testLoader });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
