#!/usr/bin/env node
// Forward+backward time of Linear and Conv2d (plus BatchNorm2d and MaxPool2d) with tfjs' native
// gradients (composed ops for batch norm) vs spikeflow's ops,
// on the wasm and cpu backends (median of 5 after one warm-up run).
//
//   cd packages/core && npx tsc -p tsconfig.build.json && cd ../.. && node benchmarks/conv-linear-backprop.mjs
//
// Prints a table and writes benchmarks/results/conv-linear-backprop.json. A native case that
// takes longer than NATIVE_LIMIT_MS for one run (tfjs' cpu Conv2DBackpropFilter: ~80 s) is probed
// in a child process, killed at the limit and reported as skipped.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf, selectBackend, linear, conv2d, maxPool2d, batchNormTrain } from '@spikeflow/core';

const REPS = 5;
const NATIVE_LIMIT_MS = 10_000;
const here = dirname(fileURLToPath(import.meta.url));

/** A benchmark case: `make()` builds inputs and returns the function timed (it must return tensors). */
const cases = {
  'linear/native': () => {
    const [x, w, b] = [tf.randomNormal([1024, 784]), tf.randomNormal([784, 512]), tf.randomNormal([512])];
    const f = (a, c, d) => tf.sum(tf.add(tf.matMul(a, c), d));
    return () => tf.grads(f)([x, w, b]);
  },
  'linear/ours': () => {
    const [x, w, b] = [tf.randomNormal([1024, 784]), tf.randomNormal([784, 512]), tf.randomNormal([512])];
    const f = (a, c, d) => tf.sum(linear(a, c, d));
    return () => tf.grads(f)([x, w, b]);
  },
  'conv/native': () => {
    const [x, w] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([3, 3, 32, 32])];
    return () => tf.grads((a, c) => tf.sum(tf.conv2d(a, c, 1, 'same')))([x, w]);
  },
  'conv/native-dx-only': () => {
    const [x, w] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([3, 3, 32, 32])];
    return () => [tf.grad((a) => tf.sum(tf.conv2d(a, w, 1, 'same')))(x)];
  },
  'conv/ours': () => {
    const [x, w] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([3, 3, 32, 32])];
    return () => tf.grads((a, c) => tf.sum(conv2d(a, c, { padding: 'same' })))([x, w]);
  },
  'conv/ours-im2col': () => {
    const [x, w] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([3, 3, 32, 32])];
    return () => tf.grads((a, c) => tf.sum(conv2d(a, c, { padding: 'same', filterGrad: 'im2col' })))([x, w]);
  },
  'conv-s2/native': () => {
    const [x, w] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([3, 3, 32, 32])];
    return () => tf.grads((a, c) => tf.sum(tf.conv2d(a, c, 2, 'same')))([x, w]);
  },
  'conv-s2/native-dx-only': () => {
    const [x, w] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([3, 3, 32, 32])];
    return () => [tf.grad((a) => tf.sum(tf.conv2d(a, w, 2, 'same')))(x)];
  },
  'conv-s2/ours': () => {
    const [x, w] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([3, 3, 32, 32])];
    return () => tf.grads((a, c) => tf.sum(conv2d(a, c, { strides: 2, padding: 'same' })))([x, w]);
  },
  'batchnorm/native': () => {
    const [x, w, b] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([32]), tf.randomNormal([32])];
    const f = (a, c, d) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), c), d));
    };
    return () => tf.grads(f)([x, w, b]);
  },
  'batchnorm/ours': () => {
    const [x, w, b] = [tf.randomNormal([32, 28, 28, 32]), tf.randomNormal([32]), tf.randomNormal([32])];
    const f = (a, c, d) => {
      const { y, mean, variance } = batchNormTrain(tf.reshape(a, [-1, 32]), c, d, 1e-5);
      tf.dispose([mean, variance]);
      return tf.sum(y);
    };
    return () => tf.grads(f)([x, w, b]);
  },
  'maxpool/native': () => {
    const x = tf.randomNormal([32, 28, 28, 32]);
    return () => [tf.grad((a) => tf.sum(tf.maxPool(a, 2, 2, 'valid')))(x)];
  },
  'maxpool/ours': () => {
    const x = tf.randomNormal([32, 28, 28, 32]);
    return () => [tf.grad((a) => tf.sum(maxPool2d(a, 2)))(x)];
  },
};

const labels = {
  linear: 'Linear [1024x784]->512, dx+dw+db',
  conv: 'Conv2d [32,28,28,32]->32 3x3 s1 same, dx+dw',
  'conv-s2': 'Conv2d [32,28,28,32]->32 3x3 s2 same, dx+dw',
  batchnorm: 'BatchNorm2d (train) on [32,28,28,32], dx+dw+db',
  maxpool: 'MaxPool2d 2x2 on [32,28,28,32], dx',
};

function timeCase(name, reps) {
  const fn = cases[name]();
  const run = () => {
    const t0 = performance.now();
    tf.tidy(() => {
      for (const g of fn()) g.dataSync();
    });
    return performance.now() - t0;
  };
  const warmupMs = run(); // kernel setup, XNNPACK operator creation
  const samples = Array.from({ length: reps }, run);
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(reps / 2)] ?? null, samplesMs: samples, warmupMs };
}

// Child mode: run one case on one backend and print the timing as JSON.
if (process.argv[2] === '--child') {
  const [, , , backend, name, reps] = process.argv;
  await selectBackend(backend);
  console.log(JSON.stringify(timeCase(name, Number(reps))));
  process.exit(0);
}

/** Run a case in a child process so that a pathologically slow native kernel can be cut off. */
function probe(backend, name) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', backend, name, '0'], {
    timeout: NATIVE_LIMIT_MS + 5_000, // one run plus process start-up
    encoding: 'utf8',
  });
  const skipped = `skipped (one run > ${NATIVE_LIMIT_MS / 1000} s)`;
  if (child.error?.code === 'ETIMEDOUT' || child.signal) return { skipped };
  if (child.status !== 0) return { error: (child.stderr.match(/Error: ([^\n]+)/)?.[1] ?? child.stderr.trim().split('\n').pop()).slice(0, 120) };
  const { warmupMs } = JSON.parse(child.stdout.trim().split('\n').pop());
  return warmupMs > NATIVE_LIMIT_MS ? { skipped: `${skipped.slice(0, -1)}: ${(warmupMs / 1000).toFixed(1)} s)` } : {};
}

const results = [];
for (const backend of ['wasm', 'cpu']) {
  const info = await selectBackend(backend);
  for (const name of Object.keys(cases)) {
    const [group, variant] = name.split('/');
    const row = { backend: info.name, case: labels[group], variant };
    try {
      if (variant.startsWith('native') && backend === 'cpu' && group.startsWith('conv') && variant === 'native') {
        const p = probe(backend, name);
        if (p.skipped || p.error) {
          results.push({ ...row, medianMs: null, note: p.skipped ?? `not available: ${p.error}` });
          continue;
        }
      }
      results.push({ ...row, ...timeCase(name, REPS) });
    } catch (e) {
      results.push({ ...row, medianMs: null, note: `not available: ${String(e.message).split('\n')[0].slice(0, 120)}` });
    }
    const r = results.at(-1);
    process.stderr.write(`${backend} ${name}: ${r.medianMs === null ? r.note : `${r.medianMs.toFixed(1)} ms`}\n`);
  }
}

// Notes on correctness that the timings alone would hide.
for (const r of results) {
  if (r.backend === 'wasm' && r.variant === 'native' && r.case === labels.maxpool) {
    r.note = 'wrong: drops the gradient of windows whose max <= 0';
  }
}

const fmt = (ms) => (ms === null ? '' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const header = ['backend', 'case', 'variant', 'median fwd+bwd', 'vs native', 'note'];
const rows = results.map((r) => {
  const native = results.find((n) => n.backend === r.backend && n.case === r.case && n.variant === 'native');
  const ratio = !r.variant.startsWith('native') && r.medianMs && native?.medianMs ? native.medianMs / r.medianMs : null;
  const speedup = ratio === null ? '' : ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`;
  return [r.backend, r.case, r.variant, fmt(r.medianMs), speedup, r.note ?? ''];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));

const out = join(here, 'results', 'conv-linear-backprop.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ benchmark: 'conv-linear-backprop', date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, reps: REPS, tfjs: tf.version.tfjs, results }, null, 2)}\n`,
);
console.log(`\nwrote ${out}`);
