#!/usr/bin/env node
// Image decoding of @spikeflow/datasets on the shared CIFAR-10 JPEG archive: images/s of the first
// pass (sharp decoding every JPEG into the image cache) on this thread and on worker threads, and
// of later opens (the cache read back into memory), plus batches/s of getBatch. The archive is
// extracted once with extractTar (its time is reported too). Median of REPS runs.
//
//   (cd packages/datasets && npx tsc -p tsconfig.build.json)
//   nice node benchmarks/image-decode.mjs            # the test split: 10,000 images
//   IMAGES_SPLIT=train nice node benchmarks/image-decode.mjs   # 50,000 images
//
// Prints a table and writes benchmarks/results/image-decode.json.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractTar, openImageFolder } from '@spikeflow/datasets';

const REPS = Number(process.env.REPS ?? 3);
const split = process.env.IMAGES_SPLIT ?? 'test';
const here = dirname(fileURLToPath(import.meta.url));
const archive = join(process.env.SPIKEFLOW_CIFAR10_JPEG_DIR ?? join(here, '..', '..', 'shared', 'data', 'cifar10-jpeg'), 'cifar10-images.tar.gz');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (!existsSync(archive)) {
  console.error(`${archive} is absent (set SPIKEFLOW_CIFAR10_JPEG_DIR)`);
  process.exit(1);
}

async function timeIt(reps, fn) {
  const ms = [];
  let last;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    last = await fn(i);
    ms.push(performance.now() - t0);
  }
  return { medianMs: median(ms), samplesMs: ms, last };
}

const tmp = mkdtempSync(join(os.tmpdir(), 'sf-bench-images-'));
const rows = [];
let images = 0;
try {
  const ex = await timeIt(1, () => extractTar(archive, tmp));
  const root = join(tmp, 'cifar10-images');
  rows.push({ step: 'extract archive (extractTar)', threads: '-', images: 60000, ms: ex.medianMs, samplesMs: ex.samplesMs });
  const open = (cacheDir, threads) => openImageFolder({ root, split, cacheDir, threads, progress: false });
  for (const threads of [0, os.availableParallelism()]) {
    const r = await timeIt(REPS, (i) => open(join(tmp, `cache-${threads}-${i}`), threads));
    images = r.last.length;
    rows.push({ step: 'first pass: decode + cache', threads, images, ms: r.medianMs, samplesMs: r.samplesMs });
  }
  const cacheDir = join(tmp, `cache-0-0`);
  const cached = await timeIt(REPS, () => open(cacheDir, 0));
  rows.push({ step: 'later open: read cache', threads: 0, images, ms: cached.medianMs, samplesMs: cached.samplesMs });
  const ds = cached.last;
  const batch = Array.from({ length: 256 }, (_, i) => (i * 7919) % ds.length);
  const gather = await timeIt(REPS, () => {
    for (let k = 0; k < 40; k++) ds.getBatch(batch);
  });
  rows.push({ step: 'getBatch (256, float32 NHWC)', threads: 0, images: 40 * 256, ms: gather.medianMs, samplesMs: gather.samplesMs });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

for (const r of rows) r.imagesPerSec = r.images / (r.ms / 1000);
console.log(`CIFAR-10 JPEG, ${split} split (${images} images of 32x32), ${os.cpus().length} CPUs, median of ${REPS}`);
console.log('step'.padEnd(30), 'threads'.padStart(8), 'images'.padStart(8), 'ms'.padStart(9), 'images/s'.padStart(10));
for (const r of rows)
  console.log(r.step.padEnd(30), String(r.threads).padStart(8), String(r.images).padStart(8), r.ms.toFixed(0).padStart(9), Math.round(r.imagesPerSec).toString().padStart(10));
const out = join(here, 'results', 'image-decode.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    { benchmark: 'image-decode', date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg(), reps: REPS, split, rows },
    null,
    2,
  ),
);
console.log(`\nwrote ${out}`);
