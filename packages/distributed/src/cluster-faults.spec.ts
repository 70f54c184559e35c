import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '@spikeflow/core';
import { killAll, start, tempDir, waitExit, waitLine, type Proc } from './test-utils/processes.js';

// 20 steps per epoch; every getBatch sleeps so a step takes long enough to hit it mid-run.
const CONFIG = { samples: 240, globalBatch: 12, epochs: 2, seed: 3, slowMs: 40 };
const FAST = { stepTimeoutMs: 8000, heartbeatMs: 200, coordinatorTimeoutMs: 2500 };

type Line = Record<string, unknown>;
const events = (p: Proc, type: string) => p.lines.filter((l): l is Line => typeof l === 'object' && l !== null && (l as Line).type === type);

function coordinator(dir: string, extra: Record<string, unknown> = {}): Proc {
  return start('coordinator-main.js', {
    bind: 'tcp://127.0.0.1:0',
    minWorkers: 2,
    config: CONFIG,
    plan: { globalBatch: 12, epochs: 2, commitEvery: 4 },
    runDir: path.join(dir, 'run'),
    heartbeatTimeoutMs: 3000,
    stepTimeoutMs: 8000,
    joinTimeoutMs: 30_000,
    ...extra,
  });
}

async function endpointOf(c: Proc): Promise<string> {
  return (await waitLine<{ endpoint: string }>(c, (l) => 'endpoint' in l, 20_000)).endpoint;
}

const worker = (endpoint: string, dir: string, id: string, extra: Record<string, unknown> = {}) =>
  start('worker-main.js', { connect: endpoint, dumpDir: dir, workerId: id, ...FAST, ...extra });

/** Start workers, let them all finish starting up, then let them connect at once (so all are in the first generations). */
async function workersTogether(endpoint: string, dir: string, ids: string[]): Promise<Proc[]> {
  const go = path.join(dir, 'go-together');
  const ws = ids.map((id) => worker(endpoint, dir, id, { waitForFile: go }));
  const t0 = Date.now();
  while (!ids.every((id) => existsSync(path.join(dir, `${id}.ready`)))) {
    if (Date.now() - t0 > 60_000) throw new Error('workers did not start within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  writeFileSync(go, '');
  return ws;
}

/** A coordinator (max-workers 3) whose three workers a, b, c have all joined and run past step 6. */
async function threeWorkersPastStep6(): Promise<{ dir: string; c: Proc; ws: Proc[] }> {
  const dir = tempDir();
  const c = coordinator(dir, { maxWorkers: 3 });
  const ws = await workersTogether(await endpointOf(c), dir, ['a', 'b', 'c']);
  await waitLine(c, (l) => l.type === 'generation' && (l.workers as string[]).length === 3, 60_000);
  await waitLine(c, (l) => l.type === 'step' && (l.step as number) >= 6, 60_000);
  return { dir, c, ws };
}

async function result(c: Proc, ms = 90_000): Promise<{ steps: number; fenced: string[]; checkpoint: string; losses: Record<string, number> }> {
  const l = await waitLine<Line>(c, (x) => 'result' in x || 'error' in x, ms);
  if (!('result' in l)) throw new Error(`coordinator failed: ${JSON.stringify(l)}`);
  return l.result as never;
}

describe('faults (loopback, hard deadlines)', () => {
  afterEach(killAll);

  it('kill -9 of a worker mid-epoch: it is fenced, the survivors re-form the ring and finish both epochs', async () => {
    const { dir, c, ws } = await threeWorkersPastStep6();
    ws[1].child.kill('SIGKILL');
    const fenced = await waitLine<Line>(c, (l) => l.type === 'fenced', 20_000);
    expect(fenced.workerId).toBe('b');
    const r = await result(c);
    expect(r.steps).toBe(40);
    expect(r.fenced).toEqual(['b']);
    for (const w of [ws[0], ws[2]]) expect(await waitExit(w, 10_000)).toBe(0);
    // The last generation had 2 workers; every step of the run was completed by someone.
    const gens = events(c, 'generation');
    expect((gens.at(-1)!.workers as string[]).sort()).toEqual(['a', 'c']);
    const steps = new Set(events(c, 'step').map((l) => l.step));
    expect(steps.size).toBe(40);
    // The global batch is kept with 2 workers: 12 samples per step after the failure too.
    for (const s of events(c, 'step')) expect(s.samples).toBe(12);
    const metrics = readFileSync(path.join(dir, 'run', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Epochs count from 1, as a single-process run's metrics lines do.
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
  });

  it('SIGSTOP of a worker: fenced within seconds, training continues, and the resumed process is refused, never rejoining', async () => {
    const { c, ws } = await threeWorkersPastStep6();
    ws[2].child.kill('SIGSTOP');
    const t0 = Date.now();
    const fenced = await waitLine<Line>(c, (l) => l.type === 'fenced', 20_000);
    expect(fenced.workerId).toBe('c');
    expect(fenced.reason).toMatch(/no heartbeat/);
    expect(Date.now() - t0).toBeLessThan(15_000); // generous: a deadline, not a speed claim
    const before = events(c, 'step').length;
    await waitLine(c, (l) => l.type === 'step' && events(c, 'step').length > before + 2, 30_000);
    ws[2].child.kill('SIGCONT');
    // The thawed process learns it was fenced and exits with a clear error instead of rejoining.
    expect(await waitExit(ws[2], 15_000)).toBe(2);
    expect(ws[2].stderr).toMatch(/fenced/);
    const r = await result(c);
    expect(r.steps).toBe(40);
    expect(events(c, 'joined').filter((j) => j.workerId === 'c')).toHaveLength(1);
    for (const w of [ws[0], ws[1]]) expect(await waitExit(w, 10_000)).toBe(0);
  });

  it('coordinator killed: workers exit with a clear error within seconds; a restarted run resumes from the checkpoint', async () => {
    const dir = tempDir();
    const c = coordinator(dir);
    const ep = await endpointOf(c);
    const ws = ['a', 'b'].map((id) => worker(ep, dir, id));
    await waitLine(c, (l) => l.type === 'commit' && (l.step as number) >= 8, 60_000);
    c.child.kill('SIGKILL');
    for (const w of ws) {
      expect(await waitExit(w, 15_000)).toBe(2);
      expect(w.stderr).toMatch(/coordinator at tcp:\/\/127\.0\.0\.1:\d+ has not answered/);
    }
    const ck = await loadCheckpoint(path.join(dir, 'run'));
    expect(ck.state.step).toBeGreaterThanOrEqual(8);
    const c2 = coordinator(dir, { resume: path.join(dir, 'run') });
    const ep2 = await endpointOf(c2);
    const ws2 = ['d', 'e'].map((id) => worker(ep2, dir, id));
    const gen = await waitLine<Line>(c2, (l) => l.type === 'generation', 30_000);
    expect(gen.step).toBe(ck.state.step);
    const r = await result(c2);
    expect(r.steps).toBe(40);
    expect(Math.min(...Object.keys(r.losses).map(Number))).toBe(ck.state.step);
    for (const w of ws2) expect(await waitExit(w, 10_000)).toBe(0);
  });

  it('below --min-workers: waits for joiners, then stops with an error naming a resumable checkpoint; survivors exit', async () => {
    const dir = tempDir();
    const c = coordinator(dir, { rejoinTimeoutMs: 3000 });
    const ep = await endpointOf(c);
    const ws = ['a', 'b'].map((id) => worker(ep, dir, id, { joinTimeoutMs: 20_000 }));
    await waitLine(c, (l) => l.type === 'commit' && (l.step as number) >= 4, 60_000);
    ws[0].child.kill('SIGKILL');
    await waitLine(c, (l) => l.type === 'waiting', 20_000);
    const err = await waitLine<{ error: { kind: string; message: string } }>(c, (l) => 'error' in l, 20_000);
    expect(err.error.kind).toBe('peer-failed');
    expect(err.error.message).toMatch(/only 1 of at least 2 workers joined .*resume with --resume .*checkpoints\/epoch-\d{3}(-step-\d+)?$/);
    const dirName = /--resume (\S+)/.exec(err.error.message)![1];
    expect(existsSync(path.join(dirName, 'state.json'))).toBe(true);
    expect(await waitExit(ws[1], 15_000)).toBe(2);
  });

  it('a new worker joins at a step boundary (max-workers 3) and the global batch stays 12', async () => {
    const dir = tempDir();
    const c = coordinator(dir, { maxWorkers: 3 });
    const ep = await endpointOf(c);
    const ws = ['a', 'b'].map((id) => worker(ep, dir, id));
    // The joiner starts up now (slow under load) but connects only when told, mid-run.
    const go = path.join(dir, 'go');
    ws.push(worker(ep, dir, 'z', { waitForFile: go }));
    await waitLine(c, (l) => l.type === 'step' && (l.step as number) >= 3, 60_000);
    writeFileSync(go, '');
    const g = await waitLine<Line>(c, (l) => l.type === 'generation' && (l.workers as string[]).length === 3, 30_000);
    const r = await result(c);
    expect(r.steps).toBe(40);
    expect(r.fenced).toEqual([]);
    for (const s of events(c, 'step')) expect(s.samples).toBe(12);
    // No step was lost or repeated by the join: it happened after a commit at the boundary.
    expect(events(c, 'step').map((s) => s.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(g.step).toBeGreaterThan(3);
    for (const w of ws) expect(await waitExit(w, 10_000)).toBe(0);
  });
});
