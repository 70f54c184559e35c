#!/usr/bin/env node
// Event-data throughput of @spikeflow/datasets: events/s read by each format reader (the real
// sample recordings in ../shared/data/events when present, plus large generated files), frames/s
// integrated (SpikingJelly split by number and by time), samples/s building a frame cache on one
// thread vs. worker threads, and frames/s streamed back by EventFrameLoader. Median of REPS runs.
//
//   (cd packages/datasets && npx tsc -p tsconfig.build.json)
//   nice node benchmarks/events-read.mjs
//
// Prints a table and writes benchmarks/results/events-read.json.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventFrameLoader, FrameCache, FrameDataset, buildFrameCache, integrateFrames, openEventFile, readAllEvents } from '@spikeflow/datasets';

const REPS = 5;
const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.SPIKEFLOW_EVENT_DATA ?? join(here, '..', '..', 'shared', 'data', 'events');
const tmp = mkdtempSync(join(os.tmpdir(), 'sf-bench-events-'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeIt(fn, reps = REPS) {
  await fn(); // warm-up
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return { medianMs: median(ms), samplesMs: ms };
}

// xorshift stream with non-decreasing timestamps in a W x H sensor.
function stream(n, W, H, seed, tStep = 4) {
  let s = seed >>> 0 || 1;
  const next = () => ((s ^= s << 13), (s >>>= 0), (s ^= s >>> 17), (s ^= s << 5), (s >>>= 0), s);
  const t = new Float64Array(n),
    x = new Uint16Array(n),
    y = new Uint16Array(n),
    p = new Uint8Array(n);
  let tt = 0;
  for (let i = 0; i < n; i++) {
    tt += next() % tStep;
    t[i] = tt;
    x[i] = next() % W;
    y[i] = next() % H;
    p[i] = next() & 1;
  }
  return { length: n, t, x, y, p };
}

function writeNmnist(file, ev) {
  const b = Buffer.alloc(ev.length * 5);
  for (let i = 0; i < ev.length; i++) {
    const t = ev.t[i] & 0x7fffff;
    b[5 * i] = ev.x[i];
    b[5 * i + 1] = ev.y[i];
    b[5 * i + 2] = (ev.p[i] << 7) | (t >> 16);
    b[5 * i + 3] = (t >> 8) & 0xff;
    b[5 * i + 4] = t & 0xff;
  }
  writeFileSync(file, b);
}

function writeAedat31(file, ev) {
  const head = Buffer.from('#!AER-DAT3.1\r\n#!END-HEADER\r\n', 'latin1');
  const parts = [head];
  for (let at = 0; at < ev.length; at += 8192) {
    const n = Math.min(8192, ev.length - at);
    const b = Buffer.alloc(28 + 8 * n);
    b.writeUInt16LE(1, 0);
    b.writeUInt32LE(8, 4);
    b.writeUInt32LE(n, 16);
    b.writeUInt32LE(n, 20);
    b.writeUInt32LE(n, 24);
    for (let i = 0; i < n; i++) {
      b.writeUInt32LE(((ev.x[at + i] << 17) | (ev.y[at + i] << 2) | (ev.p[at + i] << 1) | 1) >>> 0, 28 + 8 * i);
      b.writeUInt32LE(ev.t[at + i], 32 + 8 * i);
    }
    parts.push(b);
  }
  writeFileSync(file, Buffer.concat(parts));
}

const results = { reads: [], integrate: [], cache: [], loader: [] };

// 1. Reading.
const readFiles = [
  ['nmnist/sample_nmnist.bin', 'real'],
  ['aedat4/sample.aedat4', 'real'],
  ['prophesee/evt2_sample.raw', 'real'],
  ['prophesee/evt3_sample.raw', 'real'],
  ['prophesee/sample_ncars.dat', 'real'],
]
  .map(([rel, kind]) => [join(shared, rel), kind, rel])
  .filter(([f]) => existsSync(f));
const big = stream(2_000_000, 128, 128, 7);
writeNmnist(join(tmp, 'big.bin'), big);
writeAedat31(join(tmp, 'big.aedat'), big);
readFiles.push([join(tmp, 'big.bin'), 'generated', 'generated 2M-event .bin'], [join(tmp, 'big.aedat'), 'generated', 'generated 2M-event AEDAT 3.1']);
for (const [file, kind, name] of readFiles) {
  let count = 0;
  const r = await timeIt(async () => {
    count = (await readAllEvents(await openEventFile(file))).length;
  });
  results.reads.push({ file: name, kind, events: count, ...r, eventsPerSec: count / (r.medianMs / 1000) });
}

// 2. Integration (DVS128-sized: 128x128, 300k events, T = 16).
const ev = stream(300_000, 128, 128, 3);
for (const by of ['number', 'time']) {
  for (const T of [8, 16]) {
    const r = await timeIt(() => integrateFrames(ev, { width: 128, height: 128, split: { by, frames: T } }));
    results.integrate.push({ split: by, T, events: ev.length, size: '128x128x2', ...r, framesPerSec: T / (r.medianMs / 1000), eventsPerSec: ev.length / (r.medianMs / 1000) });
  }
}

// 3. Cache build: 32 gesture-like recordings of 400k events (~100 MB of AEDAT 3.1), T = 16,
// one thread vs worker threads (each worker pays a start-up: it loads core, hence TensorFlow.js).
const RECORDINGS = 32;
const EVENTS_PER_RECORDING = 400_000;
const sources = [];
for (let i = 0; i < RECORDINGS; i++) {
  const f = join(tmp, `rec${i}.aedat`);
  writeAedat31(f, stream(EVENTS_PER_RECORDING, 128, 128, 100 + i));
  sources.push({ file: f, format: 'aedat3', samples: [{ index: i, label: i % 11 }] });
}
let lastDir;
for (const threads of [0, Math.min(2, os.availableParallelism())]) {
  const root = join(tmp, `cache-${threads}`);
  const t0 = performance.now();
  const r = await buildFrameCache({
    root,
    key: { dataset: 'bench', split: 'train', pipeline: { width: 128, height: 128, split: { by: 'number', frames: 16 } } },
    sources,
    threads,
    progress: false,
  });
  const ms = performance.now() - t0;
  lastDir = r.dir;
  results.cache.push({
    threads: r.threads,
    samples: sources.length,
    eventsPerSample: EVENTS_PER_RECORDING,
    T: 16,
    ms,
    samplesPerSec: sources.length / (ms / 1000),
    framesPerSec: (16 * sources.length) / (ms / 1000),
    cacheBytes: r.index.bytes,
  });
}

// 4. Loader: stream the cache back in batches of 16 (with and without augmentation).
const ds = new FrameDataset({ name: 'bench', split: 'train', cache: FrameCache.open(lastDir), numClasses: 11 });
for (const augment of [undefined, { flipX: true, maxShift: 8 }]) {
  const loader = new EventFrameLoader({ dataset: ds, batchSize: 16, seed: 0, prefetch: 2, augment });
  const r = await timeIt(async () => {
    for await (const b of loader.batches(0)) void b;
  }, 3);
  results.loader.push({
    augment: augment ? 'flipX + shift 8' : 'none',
    batchSize: 16,
    samples: ds.length,
    ...r,
    samplesPerSec: ds.length / (r.medianMs / 1000),
    framesPerSec: (16 * ds.length) / (r.medianMs / 1000),
  });
}
rmSync(tmp, { recursive: true, force: true });

const f = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1));
console.log('\nreading (median of 5)');
console.log('file'.padEnd(34), 'events'.padStart(10), 'ms'.padStart(9), 'events/s'.padStart(12));
for (const r of results.reads) console.log(r.file.padEnd(34), String(r.events).padStart(10), r.medianMs.toFixed(1).padStart(9), f(r.eventsPerSec).padStart(12));
console.log('\nintegration, 300k events, 128x128 (median of 5)');
console.log('split'.padEnd(8), 'T'.padStart(4), 'ms'.padStart(9), 'frames/s'.padStart(12), 'events/s'.padStart(12));
for (const r of results.integrate)
  console.log(r.split.padEnd(8), String(r.T).padStart(4), r.medianMs.toFixed(2).padStart(9), f(r.framesPerSec).padStart(12), f(r.eventsPerSec).padStart(12));
console.log(`\nframe cache build: ${RECORDINGS} AEDAT 3.1 recordings x ${EVENTS_PER_RECORDING / 1000}k events -> T=16, 128x128x2`);
console.log('threads'.padEnd(8), 'ms'.padStart(9), 'samples/s'.padStart(11), 'frames/s'.padStart(11), 'MB'.padStart(7));
for (const r of results.cache)
  console.log(
    String(r.threads).padEnd(8),
    r.ms.toFixed(0).padStart(9),
    r.samplesPerSec.toFixed(1).padStart(11),
    f(r.framesPerSec).padStart(11),
    (r.cacheBytes / 1e6).toFixed(1).padStart(7),
  );
console.log('\nEventFrameLoader over the cache, batch 16 (median of 3)');
for (const r of results.loader)
  console.log(r.augment.padEnd(16), r.medianMs.toFixed(0).padStart(7), 'ms', r.samplesPerSec.toFixed(1).padStart(8), 'samples/s', f(r.framesPerSec).padStart(8), 'frames/s');

console.log(
  `load average during the run: ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')} on ${os.availableParallelism()} cores`,
);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'events-read.json'),
  JSON.stringify(
    {
      benchmark: 'events-read',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model,
      loadAverage: os.loadavg(),
      reps: REPS,
      ...results,
    },
    null,
    2,
  ),
);
console.log('\nwrote benchmarks/results/events-read.json');
