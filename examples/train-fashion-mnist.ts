import { Adam, Trainer, cosineLr, createSpikeflow, manualSeed, progressCallback, selectBackend } from '@spikeflow/core';
import { DataLoader, datasets } from '@spikeflow/datasets';
import { models } from '@spikeflow/models';
import { neurons } from '@spikeflow/neurons';

await selectBackend('auto');
const sf = createSpikeflow({ plugins: [neurons(), datasets(), models()] });
const train = await sf.dataset('fashion-mnist', { split: 'train' });
const test = await sf.dataset('fashion-mnist', { split: 'test' });
manualSeed(0);
const model = sf.model('lif-mlp', {}, { inputShape: train.sampleShape, numClasses: 10, neuron: { id: 'lif', options: { tau: 2 } }, staticInput: true });
const trainLoader = new DataLoader({ dataset: train, batchSize: 64, seed: 0 });
const trainer = new Trainer({
  model,
  optimizer: new Adam(model.namedParameters(), { lr: 3e-3 }),
  encoder: sf.encoder('direct'),
  loss: sf.loss('mse-rate'),
  schedule: cosineLr({ lr: 3e-3, totalSteps: trainLoader.batchesPerEpoch }),
  timeSteps: 8,
  numClasses: 10,
  seed: 0,
  callbacks: [progressCallback()],
});
await trainer.fit(trainLoader, { epochs: 1, test: new DataLoader({ dataset: test, batchSize: 256, shuffle: false, seed: 0 }) });
