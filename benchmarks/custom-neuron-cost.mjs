#!/usr/bin/env node
// The speed cost of a plugin neuron without a fused kernel: a LIF written the way docs/plugins.md shows
// (a BaseNode subclass with only `neuronalCharge`, run by BaseNode's composed tf ops, ~10 ops per step)
// against the built-in `lif` (one fused multi-step op), in the same network: 784-512-10, T=8, batch 64,
// one forward + backward of the MSE-rate loss w.r.t. every parameter, on the wasm backend. The two
// variants alternate, one warm-up each, then the median of REPS timed runs; both must fire identically.
//
//   npm run build   (or build packages/core and packages/neurons)
//   node benchmarks/custom-neuron-cost.mjs [reps]
//
// Prints a table and writes benchmarks/results/custom-neuron-cost.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseNode, Linear, Sequential, manualSeed, mseRateLoss, selectBackend, tf } from '@spikeflow/core';
import { LIFNode, atan } from '@spikeflow/neurons';

const REPS = Number(process.argv[2] ?? 7);
const [T, B, IN, HIDDEN, OUT] = [8, 64, 784, 512, 10];
const here = dirname(fileURLToPath(import.meta.url));

/** A plugin author's LIF: SpikingJelly's charge with decay_input, everything else from BaseNode. */
class PluginLIF extends BaseNode {
  constructor(tau) {
    super({ surrogate: atan() });
    this.tau = tau;
  }
  neuronalCharge(x, v) {
    return tf.add(v, tf.div(tf.sub(x, v), this.tau));
  }
}

function network(neuron) {
  manualSeed(0);
  return new Sequential(new Linear(IN, HIDDEN), neuron(), new Linear(HIDDEN, OUT), neuron());
}

const info = await selectBackend('wasm');
const variants = {
  'plugin LIF (composed ops)': network(() => new PluginLIF(2)),
  'built-in lif (fused)': network(() => new LIFNode({ tau: 2, surrogate: atan() })),
};
const x = tf.randomUniform([T, B, IN], 0, 1, 'float32', 1);
const y = tf.tensor1d(
  Array.from({ length: B }, (_, i) => i % OUT),
  'int32',
);
const loss = mseRateLoss();

function step(model) {
  const params = model.parameters();
  let spikes = 0;
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const out = model.forward(x);
      spikes = tf.sum(out).dataSync()[0];
      return loss.compute(out, y, OUT);
    }, params);
    for (const g of Object.values(grads)) g.dataSync();
  });
  return spikes;
}

const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const spikes = {};
for (const [k, m] of Object.entries(variants)) spikes[k] = step(m); // warm-up
for (let r = 0; r < REPS; r++) {
  for (const [k, m] of Object.entries(variants)) {
    const t0 = performance.now();
    step(m);
    samples[k].push(performance.now() - t0);
  }
}
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const results = Object.keys(variants).map((k) => ({
  variant: k,
  medianMs: median(samples[k]),
  samplesMs: samples[k],
  outputSpikes: spikes[k],
  samplesPerSecond: (B * 1000) / median(samples[k]),
}));
const base = results[1].medianMs;
const header = ['variant', 'median fwd+bwd', 'samples/s', 'vs fused'];
const rows = results.map((r) => [r.variant, `${r.medianMs.toFixed(1)} ms`, r.samplesPerSecond.toFixed(0), `${(r.medianMs / base).toFixed(2)}x`]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`${info.name}: ${IN}-${HIDDEN}-${OUT}, T=${T}, batch ${B}, forward + backward, median of ${REPS}`);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
const same = results[0].outputSpikes === results[1].outputSpikes;
console.log(`same output spikes: ${same ? 'yes' : `NO (${results[0].outputSpikes} vs ${results[1].outputSpikes})`}`);

const out = join(here, 'results', 'custom-neuron-cost.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'custom-neuron-cost', what: `${IN}-${HIDDEN}-${OUT} LIF tau=2 ATan, T=${T}, B=${B}, MSE-rate loss, forward + backward w.r.t. every parameter`, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), backend: info.name, reps: REPS, tfjs: tf.version.tfjs, sameSpikes: same, results }, null, 2)}\n`,
);
console.log(`\nwrote ${out}`);
