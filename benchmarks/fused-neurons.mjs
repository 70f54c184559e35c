#!/usr/bin/env node
// Forward+backward time of a multi-step LIF layer: the fused op (one JS pass over T, one surrogate
// call in backward) vs BaseNode's composed tf ops (~10 ops per time step), on the wasm and cpu
// backends (median of 5 after one warm-up run). Also checks that both give the same spikes.
//
//   (cd packages/core && npx tsc -p tsconfig.build.json) && (cd packages/neurons && npx tsc -p tsconfig.build.json)
//   node benchmarks/fused-neurons.mjs
//
// Prints a table and writes benchmarks/results/fused-neurons.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, selectBackend } from '@spikeflow/core';
import { LIFNode } from '@spikeflow/neurons';

const REPS = 5;
const here = dirname(fileURLToPath(import.meta.url));
const SHAPES = [
  [8, 64, 512],
  [4, 32, 28, 28, 32],
];

/** One forward+backward of `sum(c · LIF(x))` w.r.t. x; returns the spikes' sum and dL/dx (read back). */
function makeStep(node, x, c) {
  return () => {
    let spikeSum = 0;
    tf.tidy(() => {
      const g = tf.grad((xi) => {
        const s = node.forward(xi);
        spikeSum = tf.sum(s).dataSync()[0];
        return tf.sum(tf.mul(s, c));
      })(x);
      g.dataSync();
    });
    return spikeSum;
  };
}

function timeCase(backend, shape, fused) {
  const x = tf.randomUniform(shape, -1, 3, 'float32', 1);
  const c = tf.randomUniform(shape, -1, 1, 'float32', 2);
  const node = new LIFNode({ tau: 2, fused });
  const step = makeStep(node, x, c);
  const t0 = performance.now();
  const spikeSum = step();
  const warmupMs = performance.now() - t0;
  const samplesMs = [];
  for (let r = 0; r < REPS; r++) {
    const start = performance.now();
    step();
    samplesMs.push(performance.now() - start);
  }
  tf.dispose([x, c]);
  node.dispose();
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { backend, shape: `[${shape.join(',')}]`, variant: fused ? 'fused' : 'composed', medianMs: sorted[Math.floor(REPS / 2)], samplesMs, warmupMs, spikeSum };
}

const results = [];
for (const backend of ['wasm', 'cpu']) {
  const info = await selectBackend(backend);
  for (const shape of SHAPES) {
    for (const fused of [false, true]) {
      const before = tf.memory().numTensors;
      const r = timeCase(info.name, shape, fused);
      r.leakedTensors = tf.memory().numTensors - before;
      results.push(r);
      process.stderr.write(`${backend} ${r.shape} ${r.variant}: ${r.medianMs.toFixed(1)} ms\n`);
    }
  }
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const header = ['backend', 'LIF input [T,B,...]', 'variant', 'median fwd+bwd', 'speed-up', 'same spikes'];
const rows = results.map((r) => {
  const composed = results.find((o) => o.backend === r.backend && o.shape === r.shape && o.variant === 'composed');
  const speedup = r.variant === 'fused' ? `${(composed.medianMs / r.medianMs).toFixed(1)}x` : '';
  const same = r.variant === 'fused' ? (r.spikeSum === composed.spikeSum ? 'yes' : `NO (${r.spikeSum} vs ${composed.spikeSum})`) : '';
  return [r.backend, r.shape, r.variant, fmt(r.medianMs), speedup, same];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));

const out = join(here, 'results', 'fused-neurons.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'fused-neurons', what: 'LIF (tau=2, hard reset, sigmoid surrogate) forward + backward w.r.t. the input, dL/dx read back', date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, reps: REPS, tfjs: tf.version.tfjs, results }, null, 2)}\n`,
);
console.log(`\nwrote ${out}`);
