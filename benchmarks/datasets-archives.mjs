#!/usr/bin/env node
// Archive and Zstd throughput of @spikeflow/datasets: MB/s of extractTar on a .tar.gz made by GNU
// tar (against `tar -xzf` itself) with the peak RSS growth during extraction (it streams, so this
// stays far below the archive size), and events/s of openAedat4 on the real LZ4 DVXplorer sample
// vs. the same packets re-encoded with the `zstd` tool (decoded by fzstd). Median of REPS runs.
//
//   (cd packages/datasets && npx tsc -p tsconfig.build.json)
//   nice node benchmarks/datasets-archives.mjs
//
// Prints a table and writes benchmarks/results/datasets-archives.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decompressFrameSync } from 'lz4-napi';
import { extractTar, openAedat4, readAllEvents } from '@spikeflow/datasets';

const REPS = 3;
const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.SPIKEFLOW_EVENT_DATA ?? join(here, '..', '..', 'shared', 'data', 'events');
const tmp = mkdtempSync(join(os.tmpdir(), 'sf-bench-archives-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeIt(fn) {
  await fn();
  const ms = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return { medianMs: median(ms), samplesMs: ms };
}

const results = { tar: [], aedat4: [] };
try {
  // 48 files of 1 MiB, half pseudo-random (incompressible), half text-like.
  const src = join(tmp, 'src', 'DvsGesture');
  mkdirSync(src, { recursive: true });
  let s = 12345;
  for (let f = 0; f < 48; f++) {
    const b = Buffer.alloc(1 << 20);
    for (let i = 0; i < b.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      b[i] = f % 2 ? s >>> 24 : 48 + ((s >>> 24) % 10);
    }
    writeFileSync(join(src, `user${String(f).padStart(2, '0')}_led.aedat`), b);
  }
  const archive = join(tmp, 'DvsGesture.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', join(tmp, 'src'), 'DvsGesture']);
  const archiveBytes = statSync(archive).size;
  const dataBytes = 48 << 20;
  let n = 0;
  let peak = 0;
  const ours = await timeIt(async () => {
    const out = join(tmp, `x${n++}`);
    const base = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - base)), 5);
    await extractTar(archive, out);
    clearInterval(timer);
    rmSync(out, { recursive: true });
  });
  results.tar.push({ tool: 'extractTar', archiveBytes, dataBytes, ...ours, mbPerSec: dataBytes / 1e6 / (ours.medianMs / 1000), peakRssGrowthBytes: peak });
  const gnu = await timeIt(async () => {
    const out = join(tmp, `g${n++}`);
    mkdirSync(out);
    execFileSync('tar', ['-xzf', archive, '-C', out]);
    rmSync(out, { recursive: true });
  });
  results.tar.push({ tool: 'GNU tar -xzf', archiveBytes, dataBytes, ...gnu, mbPerSec: dataBytes / 1e6 / (gnu.medianMs / 1000) });

  const lz4 = join(shared, 'aedat4', 'sample.aedat4');
  if (!existsSync(lz4)) console.warn(`skipping the AEDAT4 rows: ${lz4} is absent`);
  else if (spawnSync('zstd', ['--version']).status !== 0) console.warn('skipping the AEDAT4 rows: the zstd command is not installed');
  else {
    // Re-encode every packet body and the data table with zstd -3 (offsets in the table are left
    // stale: the reader does not use them).
    const bytes = readFileSync(lz4);
    const n0 = bytes.readUInt32LE(14);
    const header = Buffer.from(bytes.subarray(0, 18 + n0));
    // IOHeader flatbuffer: root table, its vtable, field 0 = compression (int32), field 1 =
    // dataTablePosition (int64).
    const table = 18 + header.readUInt32LE(18);
    const vtable = table - header.readInt32LE(table);
    const compressionAt = table + header.readUInt16LE(vtable + 4);
    const tablePosAt = table + header.readUInt16LE(vtable + 6);
    const tablePos = Number(header.readBigInt64LE(tablePosAt));
    // --stream-size records the content size in each frame, as DV's one-call ZSTD_compressCCtx does.
    const zstd = (d) => spawnSync('zstd', ['-q', '-c', '-3', `--stream-size=${d.length}`], { input: d, maxBuffer: 1 << 26 }).stdout;
    const parts = [header];
    let pos = header.length;
    for (let at = 18 + n0; at < tablePos; ) {
      const size = bytes.readInt32LE(at + 4);
      const body = zstd(decompressFrameSync(bytes.subarray(at + 8, at + 8 + size)));
      const h = Buffer.alloc(8);
      h.writeInt32LE(bytes.readInt32LE(at), 0);
      h.writeInt32LE(body.length, 4);
      parts.push(h, body);
      pos += 8 + body.length;
      at += 8 + size;
    }
    header.writeInt32LE(3, compressionAt); // Zstd
    header.writeBigInt64LE(BigInt(pos), tablePosAt);
    parts.push(zstd(decompressFrameSync(bytes.subarray(tablePos))));
    const zfile = join(tmp, 'zstd.aedat4');
    writeFileSync(zfile, Buffer.concat(parts));
    for (const [name, file] of [
      ['lz4 (real sample)', lz4],
      ['zstd -3 (re-encoded)', zfile],
    ]) {
      const count = (await readAllEvents(await openAedat4(file))).length;
      const r = await timeIt(async () => readAllEvents(await openAedat4(file)));
      results.aedat4.push({ file: name, bytes: statSync(file).size, events: count, ...r, eventsPerSec: count / (r.medianMs / 1000) });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const f = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(1)}k`);
console.log('tool'.padEnd(16), 'archive MB'.padStart(11), 'data MB'.padStart(8), 'ms'.padStart(8), 'MB/s'.padStart(7), 'peak RSS +MB'.padStart(13));
for (const r of results.tar)
  console.log(
    r.tool.padEnd(16),
    (r.archiveBytes / 1e6).toFixed(1).padStart(11),
    (r.dataBytes / 1e6).toFixed(1).padStart(8),
    r.medianMs.toFixed(0).padStart(8),
    r.mbPerSec.toFixed(0).padStart(7),
    (r.peakRssGrowthBytes === undefined ? '-' : (r.peakRssGrowthBytes / 1e6).toFixed(1)).padStart(13),
  );
console.log();
console.log('AEDAT4'.padEnd(22), 'bytes'.padStart(9), 'events'.padStart(8), 'ms'.padStart(8), 'events/s'.padStart(10));
for (const r of results.aedat4)
  console.log(r.file.padEnd(22), String(r.bytes).padStart(9), String(r.events).padStart(8), r.medianMs.toFixed(1).padStart(8), f(r.eventsPerSec).padStart(10));
const out = join(here, 'results', 'datasets-archives.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    { benchmark: 'datasets-archives', date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg(), reps: REPS, ...results },
    null,
    2,
  ),
);
console.log(`\nwrote ${out}`);
