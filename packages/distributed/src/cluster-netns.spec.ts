import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, readAllowList, readKeyPair, writeKeyPair } from './transport/security.js';
import { killAll, start, tempDir, waitExit, waitLine } from './test-utils/processes.js';

// Coordinator and two workers in three network namespaces bridged by veth pairs, so all traffic
// (control and ring) crosses real interfaces. Needs root and iproute2; skipped elsewhere.
const tag = `sf${process.pid % 100000}`;
const NS = ['a', 'b', 'c'].map((s) => `${tag}${s}`);
const BR = `${tag}br`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' }).toString();

function canNetns(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  const r = spawnSync('ip', ['netns', 'add', `${tag}probe`], { stdio: 'pipe' });
  if (r.status !== 0) return `ip netns add failed: ${r.stderr?.toString().trim() || r.error?.message}`;
  spawnSync('ip', ['netns', 'del', `${tag}probe`]);
  return undefined;
}

const skip = canNetns();
if (skip) console.warn(`cluster-netns.spec: skipped (${skip}); it needs root and 'ip netns'`);

function teardown(): void {
  for (const ns of NS) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  spawnSync('ip', ['link', 'del', BR], { stdio: 'ignore' });
}

describe.skipIf(Boolean(skip))('across network namespaces joined by veth (real interfaces)', () => {
  beforeAll(() => {
    teardown();
    ip('link', 'add', BR, 'type', 'bridge');
    ip('link', 'set', BR, 'up');
    NS.forEach((ns, i) => {
      ip('netns', 'add', ns);
      ip('link', 'add', `${ns}h`, 'type', 'veth', 'peer', 'name', `${ns}n`);
      ip('link', 'set', `${ns}n`, 'netns', ns);
      ip('link', 'set', `${ns}h`, 'master', BR);
      ip('link', 'set', `${ns}h`, 'up');
      ip('netns', 'exec', ns, 'ip', 'addr', 'add', `10.213.7.${i + 1}/24`, 'dev', `${ns}n`);
      ip('netns', 'exec', ns, 'ip', 'link', 'set', `${ns}n`, 'up');
      ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    });
  });
  afterEach(killAll);
  afterAll(teardown);

  const bytes = (ns: string, dir: 'rx' | 'tx') => Number(ip('netns', 'exec', ns, 'cat', `/sys/class/net/${ns}n/statistics/${dir}_bytes`).trim());

  it('a CURVE-secured cluster trains to the end with identical parameters on both workers', async () => {
    const dir = tempDir();
    for (const name of ['coord', 'w0', 'w1']) await writeKeyPair(path.join(dir, `${name}.key`), generateKeyPair());
    const coordKey = (await readKeyPair(path.join(dir, 'coord.key'))).publicKey;
    const allow = [...(await readAllowList([path.join(dir, 'w0.key.pub'), path.join(dir, 'w1.key.pub')]))];
    const c = start(
      'coordinator-main.js',
      {
        bind: 'tcp://10.213.7.1:0',
        minWorkers: 2,
        config: { samples: 96, globalBatch: 12, epochs: 1 },
        plan: { globalBatch: 12, epochs: 1, commitEvery: 4 },
        runDir: path.join(dir, 'run'),
        keyFile: path.join(dir, 'coord.key'),
        allow,
        joinTimeoutMs: 60_000,
      },
      { netns: NS[0] },
    );
    const { endpoint } = await waitLine<{ endpoint: string }>(c, (l) => 'endpoint' in l, 20_000);
    expect(endpoint).toMatch(/^tcp:\/\/10\.213\.7\.1:\d+$/);
    const before = [bytes(NS[1], 'rx'), bytes(NS[2], 'rx')];
    const ws = [1, 2].map((i) =>
      start(
        'worker-main.js',
        {
          connect: endpoint,
          dumpDir: dir,
          workerId: `w${i - 1}`,
          keyFile: path.join(dir, `w${i - 1}.key`),
          serverKey: coordKey,
          stepTimeoutMs: 30_000,
        },
        { netns: NS[i] },
      ),
    );
    const res = await waitLine<Record<string, unknown>>(c, (l) => 'result' in l || 'error' in l, 90_000);
    expect(res.result, JSON.stringify(res)).toBeDefined();
    expect((res.result as { steps: number }).steps).toBe(8);
    for (const w of ws) expect(await waitExit(w, 10_000)).toBe(0);
    const hashes = ['w0', 'w1'].map((id) =>
      readFileSync(path.join(dir, `${id}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => 'paramHash' in l)
        .map((l) => l.paramHash),
    );
    expect(hashes[0]).toHaveLength(8);
    expect(hashes[1]).toEqual(hashes[0]);
    // Each worker published its ring endpoint on its own namespace's address.
    const joined = c.lines.filter((l) => (l as { type?: string }).type === 'joined') as Array<{ workerId: string; endpoint: string }>;
    expect(joined.map((j) => j.endpoint.replace(/:\d+$/, '')).sort()).toEqual(['tcp://10.213.7.2', 'tcp://10.213.7.3']);
    // Real traffic crossed the veth interfaces: at least the initial state (a few kB) per worker.
    const after = [bytes(NS[1], 'rx'), bytes(NS[2], 'rx')];
    for (let i = 0; i < 2; i++) expect(after[i] - before[i]).toBeGreaterThan(10_000);
  });
});
