#!/usr/bin/env node
// Event-driven vs dense products on spike inputs, by input density: the forward and the weight
// gradient of a Linear and a Conv2d layer (the parts the event-driven kernels replace), on the wasm
// backend. The crossover sets EVENT_DRIVEN_MAX_DENSITY (linear) and CONV_EVENT_DRIVEN_MAX_DENSITY.
//
//   npm run build && node benchmarks/event-driven.mjs [--repeats 5]
//
// Prints a table (median ms of forward + weight gradient, and the dense/event-driven ratio) and
// writes benchmarks/results/event-driven.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend, setEventDriven, setEventDrivenConv, tf, conv2d, linear, useParallelWorker } from '@spikeflow/core';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } });
const REPEATS = Number(values.repeats);
await selectBackend('wasm');
useParallelWorker(false); // compare the kernels themselves, one core each
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spikes = (shape, p, seed) => tf.tidy(() => tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed), p), 'float32'));

const layers = [
  { name: 'linear 1024x512 -> 10 (W1 fc2)', kind: 'linear', x: [1024, 512], w: [512, 10] },
  { name: 'linear 256x1568 -> 128 (W2 fc1)', kind: 'linear', x: [256, 1568], w: [1568, 128] },
  { name: 'linear 1024x512 -> 512', kind: 'linear', x: [1024, 512], w: [512, 512] },
  { name: 'conv 256x14x14x32 3x3 -> 32 (W2 conv2)', kind: 'conv', x: [256, 14, 14, 32], w: [3, 3, 32, 32] },
];
const densities = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4];
const rows = [];
for (const layer of layers) {
  const w = tf.randomNormal(layer.w, 0, 0.1, 'float32', 3);
  for (const p of densities) {
    const x = spikes(layer.x, p, 7);
    const timeMode = (mode) => {
      if (layer.kind === 'linear') setEventDriven(mode);
      else setEventDrivenConv(mode);
      const f = (a, b) => (layer.kind === 'linear' ? linear(a, b) : conv2d(a, b, { padding: 1 }));
      const g = tf.grads((b) => tf.sum(f(x, b)));
      const once = () =>
        tf.tidy(() => {
          const [dw] = g([w]);
          return dw.dataSync()[0];
        });
      once();
      const ts = [];
      for (let r = 0; r < REPEATS; r++) {
        const t0 = performance.now();
        once();
        ts.push(performance.now() - t0);
      }
      return median(ts);
    };
    const dense = timeMode('never');
    const sparse = timeMode('always');
    rows.push({ layer: layer.name, density: p, denseMs: +dense.toFixed(2), eventDrivenMs: +sparse.toFixed(2), speedup: +(dense / sparse).toFixed(2) });
    console.error(JSON.stringify(rows.at(-1)));
    x.dispose();
  }
  w.dispose();
}
setEventDriven('auto');
setEventDrivenConv('auto');
console.log(['layer'.padEnd(40), 'density', 'dense ms', 'event ms', 'speedup'].join('  '));
for (const r of rows)
  console.log(
    [r.layer.padEnd(40), String(r.density).padStart(7), r.denseMs.toFixed(2).padStart(8), r.eventDrivenMs.toFixed(2).padStart(8), `${r.speedup.toFixed(2)}x`.padStart(7)].join(
      '  ',
    ),
  );
const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'event-driven.json'), `${JSON.stringify({ date: new Date().toISOString(), repeats: REPEATS, rows }, null, 2)}\n`);
