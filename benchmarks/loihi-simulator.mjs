// Throughput of the bit-accurate Loihi simulator (@spikeflow/chips-loihi) on random networks of
// lif-mlp size and larger (T = 8, Lava timing, graded input chosen by calibration).
// Needs `npx tsc -p packages/chips-loihi/tsconfig.build.json` first. Accuracy (float vs chip) is
// `spikeflow simulate --target loihi --checkpoint <run>`.
//
//   node benchmarks/loihi-simulator.mjs
//
// Prints a table and writes benchmarks/results/loihi-simulator.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoihiNetwork, quantizeNetwork, encodeInput } from '@spikeflow/chips-loihi';

const here = dirname(fileURLToPath(import.meta.url));
let s = 12345;
const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;

function randomNet(widths, scale) {
  return {
    inputShape: [widths[0]],
    layers: widths.slice(1).map((out, i) => ({
      kind: 'dense',
      name: `fc${i}`,
      inFeatures: widths[i],
      outFeatures: out,
      weight: Float32Array.from({ length: widths[i] * out }, () => ((2 * rnd() - 1) * scale) / Math.sqrt(widths[i])),
      bias: null,
      neuron: { kind: 'lif', tau: 2, decayInput: true, vThreshold: 1, vReset: 0 },
    })),
  };
}

const rows = [];
for (const [label, widths, density] of [
  ['784-512-10, dense image-like input', [784, 512, 10], 0.5],
  ['784-512-10, sparse input', [784, 512, 10], 0.1],
  ['784-1024-1024-10', [784, 1024, 1024, 10], 0.5],
]) {
  const n = 300;
  const xs = Float32Array.from({ length: n * widths[0] }, () => (rnd() < density ? rnd() : 0));
  const q = quantizeNetwork(randomNet(widths, 4), { calibration: xs.subarray(0, 100 * widths[0]) });
  const net = new LoihiNetwork(q.spec);
  const payload = new Int32Array(widths[0]);
  for (let i = 0; i < 20; i++) net.run(encodeInput(q, xs.subarray(i * widths[0], (i + 1) * widths[0]), payload), 8);
  const t0 = performance.now();
  let spikes = 0;
  for (let i = 0; i < n; i++) {
    const r = net.run(encodeInput(q, xs.subarray(i * widths[0], (i + 1) * widths[0]), payload), 8);
    spikes += r.counts.reduce((a, c) => a + c.reduce((x, y) => x + y, 0), 0);
  }
  const ms = performance.now() - t0;
  rows.push({ network: label, samples: n, timeSteps: 8, samplesPerSecond: Math.round((n / ms) * 1000), spikesPerSample: Math.round(spikes / n) });
}

const header = ['network', 'samples', 'T', 'samples/s', 'spikes/sample'];
const table = [header, ...rows.map((r) => [r.network, String(r.samples), String(r.timeSteps), String(r.samplesPerSecond), String(r.spikesPerSample)])];
const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table) console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  '));
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'loihi-simulator.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, rows }, null, 2)}\n`,
);
