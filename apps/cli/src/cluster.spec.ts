import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCheckpoint } from '@spikeflow/core';
import { runCli } from './test-utils/run-cli.js';

const FMNIST = '/usr/share/datasets/fashion-mnist';
const haveData = existsSync(path.join(FMNIST, 'train-images-idx3-ubyte.gz'));
const here = path.dirname(fileURLToPath(import.meta.url));

const run = runCli;

const tmp = () => mkdtempSync(path.join(tmpdir(), 'sf-cluster-cli-'));
const jsonLines = (s: string) => s.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

afterEach(() => vi.restoreAllMocks());

describe('spikeflow cluster', () => {
  it('keygen writes a key pair (0600) and its .pub, and prints the public key', async () => {
    const dir = tmp();
    const r = await run('cluster', 'keygen', '--out', path.join(dir, 'c.key'));
    expect(r.code).toBe(0);
    const keys = JSON.parse(readFileSync(path.join(dir, 'c.key'), 'utf8'));
    expect(r.stdout.trim()).toBe(keys.publicKey);
    expect(readFileSync(path.join(dir, 'c.key.pub'), 'utf8').trim()).toBe(keys.publicKey);
    expect(statSync(path.join(dir, 'c.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses plain TCP beyond loopback, and bad worker counts, with typed errors', async () => {
    let r = await run('cluster', 'coordinator', '--bind', 'tcp://0.0.0.0:0', '--min-workers', '1', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(unauthorized\): coordinator endpoint tcp:\/\/0\.0\.0\.0:0 is not loopback: .*--insecure/);
    r = await run('cluster', 'worker', '--connect', 'tcp://10.1.2.3:5555');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(unauthorized\)/);
    r = await run('cluster', 'coordinator', '--bind', 'tcp://127.0.0.1:0', '--min-workers', '0', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(invalid-options\): coordinator: --min-workers must be an integer >= 1, got 0/);
    r = await run('train', '--workers', '0', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be an integer >= 1, got 0/);
  });
});

describe.skipIf(!haveData)('spikeflow train --workers (real Fashion-MNIST)', () => {
  beforeAll(() => {
    // The worker processes run the built CLI (bin/spikeflow.js imports dist/): build it first.
    execFileSync(process.execPath, [path.join(here, '../../../node_modules/typescript/bin/tsc'), '-p', path.join(here, '../tsconfig.build.json')], { stdio: 'inherit' });
  }, 180_000);

  it('2 workers × batch 16 match one process with batch 32 and leave a checkpoint eval reads', async () => {
    const common = ['--subset', '512', '--test-subset', '200', '--max-steps', '4', '--seed', '3', '--backend', 'wasm', '--data-dir', FMNIST, '--json'];
    const dp = tmp();
    const r = await run('train', '--workers', '2', '--batch-size', '16', '--out', dp, ...common);
    expect(r.code, r.stderr).toBe(0);
    const summary = jsonLines(r.stdout).find((l) => l.type === 'summary');
    expect(summary.steps).toBe(4);
    expect(summary.testAccuracy).toBeGreaterThan(0.1);
    const single = tmp();
    const s = await run('train', '--batch-size', '32', '--out', single, ...common);
    expect(s.code, s.stderr).toBe(0);
    const a = await loadCheckpoint(dp);
    const b = await loadCheckpoint(single);
    expect(a.state.step).toBe(4);
    expect(b.state.step).toBe(4);
    // Same data order, same global batch: the weights agree up to float rounding of the sums.
    for (const [name, w] of b.weights) {
      const got = a.weights.get(name)!.data;
      let d = 0;
      let n = 0;
      w.data.forEach((v, i) => {
        d += (got[i] - v) ** 2;
        n += v * v;
      });
      expect(Math.sqrt(d / Math.max(n, 1e-30)), name).toBeLessThan(1e-3);
    }
    // No worker process is left behind.
    const ps = execFileSync('ps', ['-eo', 'args']).toString();
    expect(ps).not.toMatch(/cluster worker --connect/);
  });

  it('--sync-bn: a BatchNorm model on 2 workers matches one process with the global batch; without it, it does not', async () => {
    const common = ['--model', 'conv-fmnist', '--model-opt', 'channels=4', '--model-opt', 'hidden=16', '--subset', '256', '--test-subset', '100', '--max-steps', '3',
      '--seed', '5', '-T', '2', '--backend', 'wasm', '--data-dir', FMNIST, '--json'];
    const single = tmp();
    expect((await run('train', '--batch-size', '32', '--out', single, ...common)).code).toBe(0);
    const synced = tmp();
    const r = await run('train', '--workers', '2', '--sync-bn', '--batch-size', '16', '--out', synced, ...common);
    expect(r.code, r.stderr).toBe(0);
    const local = tmp();
    expect((await run('train', '--workers', '2', '--batch-size', '16', '--out', local, ...common)).code).toBe(0);
    const ref = await loadCheckpoint(single);
    const worst = async (dir: string) => {
      const got = await loadCheckpoint(dir);
      let max = 0;
      // Weights and the BatchNorm running statistics.
      for (const [name, w] of ref.weights) max = Math.max(max, relativeDifference(got.weights.get(name)!.data, w.data));
      return max;
    };
    const syncedDiff = await worst(synced);
    const localDiff = await worst(local);
    console.log(`--sync-bn: worst relative difference to one process ${syncedDiff.toExponential(2)}; local BatchNorm statistics: ${localDiff.toExponential(2)}`);
    expect(syncedDiff).toBeLessThan(1e-4);
    expect(localDiff).toBeGreaterThan(100 * syncedDiff);
  });
});

/** ‖a − b‖ / ‖b‖. */
function relativeDifference(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  b.forEach((v, i) => {
    d += (a[i] - v) ** 2;
    n += v * v;
  });
  return Math.sqrt(d / Math.max(n, 1e-30));
}
