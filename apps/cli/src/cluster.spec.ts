import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@spikeflow/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpikeflowError, loadCheckpoint } from '@spikeflow/core';
import { runWorker } from '@spikeflow/distributed';
import { runCli as run } from './test-utils/run-cli.js';
import { jsonLines } from './test-utils/json-lines.js';
import { haveFashionMnist as haveData, fmnistFlags } from './test-utils/fashion-mnist.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const tmp = () => tempDir('sf-cluster-cli-');
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
    // The ring socket too: a loopback coordinator does not make --data-host 0.0.0.0 safe.
    r = await run('cluster', 'worker', '--connect', 'tcp://127.0.0.1:9', '--data-host', '0.0.0.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(unauthorized\): ring socket \(--data-host\) endpoint tcp:\/\/0\.0\.0\.0:0 is not loopback: .*--insecure/);
    r = await run('cluster', 'coordinator', '--bind', 'tcp://127.0.0.1:0', '--min-workers', '0', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(invalid-options\): --min-workers expects an integer >= 1 \(workers needed to train\), got '0'/);
    r = await run('train', '--workers', '0', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be an integer >= 1, got 0/);
  });

  it('bad durations and counts are typed errors naming the flag and what it expects', async () => {
    const coord = ['cluster', 'coordinator', '--bind', 'tcp://127.0.0.1:0', '--min-workers', '1', '--out', tmp()];
    const worker = ['cluster', 'worker', '--connect', 'tcp://127.0.0.1:9'];
    const cases: Array<[string[], RegExp]> = [
      [[...worker, '--heartbeat-timeout', '-1'], /error \(invalid-options\): --heartbeat-timeout expects a positive number of seconds \(e\.g\. 30 or 2\.5\), got '-1'/],
      [[...worker, '--step-timeout', 'abc'], /error \(invalid-options\): --step-timeout expects a positive number of seconds .*, got 'abc'/],
      [[...worker, '--join-timeout', '0'], /error \(invalid-options\): --join-timeout expects a positive number of seconds .*, got '0'/],
      [[...coord, '--join-timeout', 'abc'], /error \(invalid-options\): --join-timeout expects a positive number of seconds .*, got 'abc'/],
      [[...coord, '--heartbeat-timeout', 'Infinity'], /error \(invalid-options\): --heartbeat-timeout expects a positive number of seconds .*, got 'Infinity'/],
      [[...coord, '--step-timeout', 'abc'], /error \(invalid-options\): --step-timeout expects a positive number of seconds .*, got 'abc'/],
      [[...coord, '--commit-every', 'abc'], /error \(invalid-options\): --commit-every expects an integer >= 1 \(steps between commits\), got 'abc'/],
      [[...coord, '--commit-every', '0'], /error \(invalid-options\): --commit-every expects an integer >= 1 \(steps between commits\), got '0'/],
      [[...coord, '--max-workers', '1.5'], /error \(invalid-options\): --max-workers expects an integer >= 1 .*, got '1\.5'/],
    ];
    for (const [argv, expected] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(expected);
      expect(r.stderr).not.toMatch(/unexpected error/);
    }
  });

  it('keygen into a folder that does not exist fails at once with a typed error', async () => {
    const r = await Promise.race([
      run('cluster', 'keygen', '--out', '/proc/no-such-dir/k.key'),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('keygen did not return within 10 s')), 10_000)),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error \(invalid-options\): cannot write key file \/proc\/no-such-dir\/k\.key: \/proc\/no-such-dir is not an existing folder/);
  });
});

describe.skipIf(!haveData)('spikeflow train --workers (real Fashion-MNIST)', () => {
  beforeAll(() => {
    // The worker processes run the built CLI (bin/spikeflow.js imports dist/): build it first.
    execFileSync(process.execPath, [path.join(here, '../../../node_modules/typescript/bin/tsc'), '-p', path.join(here, '../tsconfig.build.json')], { stdio: 'inherit' });
  }, 180_000);

  it('2 workers × batch 16 match one process with batch 32 and leave a checkpoint eval reads', async () => {
    const common = ['--subset', '512', '--test-subset', '200', '--max-steps', '4', '--seed', '3', ...fmnistFlags(), '--json'];
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
    // One run-folder layout: the same files, checkpoint names and metrics lines as one process.
    expect(listTree(dp)).toEqual(listTree(single));
    expect(listTree(single)).toContain('checkpoints/epoch-001-step-4/state.json');
    const metrics = (dir: string) =>
      readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const [dm, sm] = [metrics(dp), metrics(single)];
    expect(dm.map((l) => Object.keys(l))).toEqual(sm.map((l) => Object.keys(l)));
    expect(dm.map((l) => [l.epoch, l.step, l.batches])).toEqual(sm.map((l) => [l.epoch, l.step, l.batches]));
    // Test accuracy of the same weights on the same test subset: equal up to float rounding.
    expect(Math.abs(dm[0].testAccuracy - sm[0].testAccuracy)).toBeLessThanOrEqual(2 / 200);
    expect(dm[0].testAccuracy).toBe(summary.testAccuracy);
    const config = JSON.parse(readFileSync(path.join(dp, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ batchSize: 32, out: dp, subset: 512, seed: 3 });
  });

  it('train --workers uses CURVE with keys of its own even on loopback: a plain local client gets nothing', async () => {
    const dir = tmp();
    const bin = path.join(here, '../bin/spikeflow.js');
    const child = spawn(
      process.execPath,
      [
        bin,
        'train',
        '--workers',
        '1',
        '--batch-size',
        '16',
        '--out',
        dir,
        '--subset',
        '64',
        '--test-subset',
        '50',
        '--max-steps',
        '2',
        '--seed',
        '3',
        ...fmnistFlags(),
        '--no-color',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      let endpoint: string | undefined;
      for (let i = 0; i < 600 && !endpoint; i++) {
        endpoint = /coordinator listening on (tcp:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (!endpoint) await new Promise((r) => setTimeout(r, 50));
      }
      expect(endpoint, stderr).toBeDefined();
      // Another local process, as a plain-TCP worker (what loopback allowed until now): it must not even get the configuration.
      let gotConfig = false;
      const e = await runWorker({
        connect: endpoint!,
        workerId: 'intruder',
        joinTimeoutMs: 20_000,
        coordinatorTimeoutMs: 5000,
        factory: () => {
          gotConfig = true;
          throw new SpikeflowError('invalid-state', 'the intruder received the run configuration');
        },
      }).catch((x: unknown) => x);
      expect(gotConfig).toBe(false);
      expect(SpikeflowError.is(e, 'unauthorized'), String(e)).toBe(true);
      expect(await exited, stderr).toBe(0);
      expect(stderr).not.toMatch(/intruder/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--sync-bn: a BatchNorm model on 2 workers matches one process with the global batch; without it, it does not', async () => {
    const common = [
      '--model',
      'conv-fmnist',
      '--model-opt',
      'channels=4',
      '--model-opt',
      'hidden=16',
      '--subset',
      '256',
      '--test-subset',
      '100',
      '--max-steps',
      '3',
      '--seed',
      '5',
      '-T',
      '2',
      ...fmnistFlags(),
      '--json',
    ];
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

/** Files under `dir`, relative and sorted. */
function listTree(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listTree(dir, path.join(prefix, e.name)) : [path.join(prefix, e.name)]))
    .sort();
}
