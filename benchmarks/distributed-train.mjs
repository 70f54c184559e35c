// Data-parallel training throughput: `spikeflow train --workers N` for N = 1, 2, 4 on this machine
// (lif-mlp, Fashion-MNIST, T=8, per-worker batch 64) against one plain process, and the scaling
// efficiency samples/s(N) / (N · samples/s(1 worker)).
// Run after building (packages/distributed and apps/cli):
//   node benchmarks/distributed-train.mjs [--workers 1,2,4] [--steps 30] [--batch-size 64]
// Prints a table and writes benchmarks/results/distributed-train.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    steps: { type: 'string', default: '30' },
    'batch-size': { type: 'string', default: '64' },
    'data-dir': { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const cli = fileURLToPath(new URL('../apps/cli/bin/spikeflow.js', import.meta.url));
const b = Number(values['batch-size']);
const steps = Number(values.steps);

function train(workers) {
  const out = mkdtempSync(path.join(tmpdir(), 'sf-dist-bench-'));
  const global = (workers ?? 1) * b;
  const args = [
    cli,
    'train',
    '--json',
    '--backend',
    values.backend,
    '--max-steps',
    String(steps),
    '--subset',
    String(global * steps),
    '--test-subset',
    '256',
    '--out',
    out,
    '--batch-size',
    String(b),
  ];
  if (workers) args.push('--workers', String(workers));
  if (values['data-dir']) args.push('--data-dir', values['data-dir']);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`spikeflow train ${workers ? `--workers ${workers}` : ''} failed:\n${r.stderr.slice(-2000)}`);
  const summary = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((l) => l.type === 'summary');
  return { samplesPerSecond: summary.samplesPerSecond, wallSeconds: wall, testAccuracy: summary.testAccuracy };
}

const rows = [];
const single = train(undefined);
rows.push({ setup: 'one process (no cluster)', workers: 1, globalBatch: b, ...single });
console.error(JSON.stringify(rows.at(-1)));
let base;
for (const n of values.workers.split(',').map(Number)) {
  const r = train(n);
  base ??= n === 1 ? r.samplesPerSecond : undefined;
  rows.push({ setup: `train --workers ${n}`, workers: n, globalBatch: n * b, ...r, efficiency: base ? r.samplesPerSecond / (n * base) : undefined });
  console.error(JSON.stringify(rows.at(-1)));
}
console.log(`\n${cpus().length} cores; lif-mlp T=8, per-worker batch ${b}, ${steps} steps each\n`);
console.log('| setup | global batch | samples/s (training) | scaling efficiency | wall (s) |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.setup} | ${r.globalBatch} | ${r.samplesPerSecond.toFixed(0)} | ${r.efficiency === undefined ? '' : `${(r.efficiency * 100).toFixed(0)} %`} | ${r.wallSeconds.toFixed(1)} |`,
  );
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/distributed-train.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: cpus().length, steps, perWorkerBatch: b, rows }, null, 2),
);
