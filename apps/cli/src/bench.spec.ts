import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '@spikeflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './test-utils/run-cli.js';
import { formatTable, speedups } from './commands/bench.js';
import type { BenchRow } from './bench/workloads.js';
import { haveFashionMnist as haveData } from './test-utils/fashion-mnist.js';

const haveTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

const run = runCli;

afterEach(() => vi.restoreAllMocks());

describe('spikeflow bench', () => {
  it('W3 on wasm: fused and composed rows as JSON, written atomically with --out', async () => {
    const out = path.join(tempDir('sf-bench-'), 'bench.json');
    const r = await run('bench', 'w3', '--backend', 'wasm', '--time-steps', '2,3', '--repeats', '1', '--no-peer', '--json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(result);
    const rows = result.rows as BenchRow[];
    expect(rows.map((x) => `${x.variant}:${x.T}`)).toEqual(['fused:2', 'composed:2', 'fused:3', 'composed:3']);
    for (const row of rows) {
      expect(row.backend).toBe('wasm');
      expect(row.metric).toBe('ms/call');
      expect(row.value).toBeGreaterThan(0);
      expect(row.runs).toHaveLength(1);
    }
  });

  it.skipIf(!haveData)('W1 trains a few steps and reports samples/s', async () => {
    const r = await run('bench', 'W1', '--backend', 'wasm', '--steps', '2', '--repeats', '1', '--no-peer', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [row] = JSON.parse(r.stdout).rows as BenchRow[];
    expect(row).toMatchObject({ workload: 'W1', engine: 'spikeflow', backend: 'wasm', metric: 'samples/s' });
    expect(row.value).toBeGreaterThan(0);
  });

  it.skipIf(!haveTorch)('runs the PyTorch peer side by side and reports the ratio (W3, small)', async () => {
    const r = await run('bench', 'W3', '--backend', 'wasm', '--time-steps', '2', '--repeats', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rows as Array<BenchRow & { speedupVsPytorch?: number }>;
    const peer = rows.find((x) => x.engine === 'pytorch');
    expect(peer).toMatchObject({ workload: 'W3', T: 2, metric: 'ms/call' });
    expect(rows.find((x) => x.variant === 'fused')!.speedupVsPytorch).toBeCloseTo(peer!.value / rows.find((x) => x.variant === 'fused')!.value, 6);
  });

  it('rejects an unknown workload and bad numbers with a typed error', async () => {
    const bad = await run('bench', 'W9');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown workload 'W9'; expected one of W1, W2, W3 or all/);
    const reps = await run('bench', 'W3', '--repeats', '0', '--no-peer');
    expect(reps.code).toBe(2);
    expect(reps.stderr).toMatch(/--repeats must be a positive integer/);
  });

  it('speed-ups compare like with like: samples/s as a ratio, ms as an inverse ratio', () => {
    const rows: BenchRow[] = [
      { workload: 'W1', engine: 'spikeflow', backend: 'wasm', variant: 'a', metric: 'samples/s', value: 600, runs: [600] },
      { workload: 'W1', engine: 'pytorch', backend: 'cpu-eager', variant: 't', metric: 'samples/s', value: 400, runs: [400] },
      { workload: 'W3', engine: 'spikeflow', backend: 'wasm', variant: 'fused', T: 16, metric: 'ms/call', value: 50, runs: [50] },
      { workload: 'W3', engine: 'pytorch', backend: 'cpu-eager', variant: 'loop', T: 16, metric: 'ms/call', value: 1000, runs: [1000] },
      { workload: 'W3', engine: 'spikeflow', backend: 'wasm', variant: 'fused', T: 8, metric: 'ms/call', value: 20, runs: [20] },
    ];
    const s = speedups(rows);
    expect(s.get(rows[0])).toBeCloseTo(1.5);
    expect(s.get(rows[2])).toBeCloseTo(20);
    expect(s.has(rows[4])).toBe(false); // no peer at T=8
    expect(formatTable(rows)).toMatch(/20\.00x/);
  });
});
