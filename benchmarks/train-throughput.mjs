// Training throughput of the spine's two architectures on each available backend.
// Run after `npm run build`:  node benchmarks/train-throughput.mjs [--steps 20] [--repeats 5] [--backends wasm,cpu]
// Prints a table of median step times and samples/s, and writes benchmarks/results/train-throughput.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Adam, Trainer, createSpikeflow, manualSeed, selectBackend } from '@spikeflow/core';
import { DataLoader, datasets } from '@spikeflow/datasets';
import { models } from '@spikeflow/models';
import { neurons } from '@spikeflow/neurons';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '5' },
    backends: { type: 'string', default: 'wasm,cpu' },
    'data-dir': { type: 'string' },
  },
});
const steps = Number(values.steps);
const repeats = Number(values.repeats);
const cases = [
  { model: 'lif-mlp', options: {}, batchSize: 64, T: 8 },
  { model: 'conv-fmnist', options: { channels: 32 }, batchSize: 32, T: 4 },
  { model: 'conv-fmnist', options: { channels: 128 }, batchSize: 16, T: 4 },
];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const sf = createSpikeflow({ plugins: [neurons(), datasets(), models()] });
const train = await sf.dataset('fashion-mnist', { split: 'train', dataDir: values['data-dir'] });
const rows = [];
for (const backendName of values.backends.split(',')) {
  const backend = await selectBackend(backendName);
  for (const c of cases) {
    // The cpu backend's conv backprop is orders of magnitude slower; time fewer steps there.
    const n = backendName === 'cpu' && c.model !== 'lif-mlp' ? Math.min(steps, 2) : steps;
    manualSeed(0);
    const model = sf.model(c.model, c.options, { inputShape: train.sampleShape, numClasses: 10, neuron: { id: 'lif' }, staticInput: true });
    const trainer = new Trainer({
      model,
      optimizer: new Adam(model.namedParameters(), { lr: 1e-3 }),
      encoder: sf.encoder('direct'),
      loss: sf.loss('mse-rate'),
      timeSteps: c.T,
      numClasses: 10,
      seed: 0,
    });
    const loader = new DataLoader({ dataset: train, batchSize: c.batchSize, seed: 0 });
    const batches = [];
    for await (const b of loader.batches(0)) {
      batches.push(b);
      if (batches.length >= n + 1) break;
    }
    trainer.trainStep(batches[0]); // warm-up (kernel compilation, allocation)
    const times = [];
    for (let r = 0; r < (backendName === 'cpu' && c.model !== 'lif-mlp' ? 1 : repeats); r++) {
      const t0 = performance.now();
      for (let i = 1; i <= n; i++) trainer.trainStep(batches[i]);
      times.push((performance.now() - t0) / n);
    }
    const ms = median(times);
    rows.push({
      backend: backend.name,
      model: `${c.model}${c.options.channels ? `(C=${c.options.channels})` : ''}`,
      T: c.T,
      batchSize: c.batchSize,
      stepMs: +ms.toFixed(1),
      samplesPerSecond: +((c.batchSize * 1000) / ms).toFixed(1),
      runs: times.length,
      stepsPerRun: n,
      peakRssMiB: +(process.memoryUsage.rss() / 2 ** 20).toFixed(0),
    });
    console.error(JSON.stringify(rows.at(-1)));
    model.dispose();
  }
}
console.log('\n| backend | model | T | batch | median step (ms) | samples/s | runs x steps |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.backend} | ${r.model} | ${r.T} | ${r.batchSize} | ${r.stepMs} | ${r.samplesPerSecond} | ${r.runs} x ${r.stepsPerRun} |`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/train-throughput.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
