import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Trainer, loadCheckpoint, type Batch } from '@spikeflow/core';
import { fixtureJob, type FixtureConfig } from './test-utils/fixture-job.js';
import { killAll, paramHashRows, start, tempDir, waitExit, waitLine } from './test-utils/processes.js';
import { generateKeyPair, readAllowList, readKeyPair, writeKeyPair } from './transport/security.js';

// A Linear → BatchNorm1d → IF → Linear → IF net. 98 samples with global batch 12: 9 steps, the last
// one of 2 samples, so with 3 workers one rank has no sample (it joins the sums with zeros) and the
// others have 1 each (batch norm then needs the other rank's rows: T=4 per sample here).
const CONFIG: FixtureConfig = { samples: 98, globalBatch: 12, epochs: 1, seed: 5, batchNorm: true, lr: 2e-2 };
const STEPS = 9;

/** One process, batch N·B, core's Trainer: the reference parameters and running statistics. */
function reference(): Map<string, Float32Array> {
  const job = fixtureJob(CONFIG);
  const order = job.order(0);
  const trainer = new Trainer({
    model: job.model,
    optimizer: job.optimizer,
    encoder: job.encoder,
    loss: job.loss,
    schedule: job.schedule,
    timeSteps: job.timeSteps,
    numClasses: job.numClasses,
    seed: job.seed,
  });
  for (let s = 0; s < STEPS; s++) {
    const indices = order.slice(s * 12, (s + 1) * 12);
    const { x, y } = job.getBatch(indices);
    const batch: Batch = { x, y, indices, size: indices.length, sampleShape: job.sampleShape };
    trainer.trainStep(batch, 0);
  }
  const out = new Map(job.model.namedTensors().map((e) => [e.name, (e.variable.dataSync() as Float32Array).slice()]));
  job.dispose?.();
  return out;
}

const norm = (xs: ArrayLike<number>) => Math.sqrt(Array.from(xs).reduce((a, x) => a + x * x, 0));

/** Largest relative L2 difference over tensors (parameters and batch-norm buffers). */
function worstDiff(got: Map<string, { data: ArrayLike<number> }>, ref: Map<string, Float32Array>): { worst: number; name: string } {
  let worst = 0;
  let name = '';
  for (const [n, r] of ref) {
    const g = got.get(n)!.data;
    const d = norm(Array.from(r, (v, i) => g[i] - v)) / Math.max(1e-12, norm(r));
    if (d > worst) [worst, name] = [d, n];
  }
  return { worst, name };
}

async function cluster(workers: number, syncBatchNorm: boolean, curve = false): Promise<{ diff: { worst: number; name: string }; hashesAgree: boolean; error?: string }> {
  const dir = tempDir();
  const ids = Array.from({ length: workers }, (_, i) => `w${i}`);
  let keys: { coord: Record<string, unknown>; worker: (id: string) => Record<string, unknown> } = { coord: {}, worker: () => ({}) };
  if (curve) {
    // CURVE everywhere: the batch-norm sockets then use the ring's per-run keys and their own ZAP handler.
    for (const name of ['coord', ...ids]) await writeKeyPair(path.join(dir, `${name}.key`), generateKeyPair());
    const serverKey = (await readKeyPair(path.join(dir, 'coord.key'))).publicKey;
    const allow = [...(await readAllowList(ids.map((id) => path.join(dir, `${id}.key.pub`))))];
    keys = { coord: { keyFile: path.join(dir, 'coord.key'), allow }, worker: (id) => ({ keyFile: path.join(dir, `${id}.key`), serverKey }) };
  }
  const coord = start('coordinator-main.js', {
    bind: 'tcp://127.0.0.1:0',
    minWorkers: workers,
    config: CONFIG,
    plan: { globalBatch: 12, epochs: 1, commitEvery: 4, syncBatchNorm },
    runDir: path.join(dir, 'run'),
    joinTimeoutMs: 60_000,
    ...keys.coord,
  });
  const { endpoint } = await waitLine<{ endpoint: string }>(coord, (l) => 'endpoint' in l, 20_000);
  const ws = ids.map((id) => start('worker-main.js', { connect: endpoint, dumpDir: dir, workerId: id, stepTimeoutMs: 20_000, ...keys.worker(id) }));
  const l = await waitLine<{ result?: { steps: number; checkpoint: string }; error?: { message: string } }>(coord, (x) => 'result' in x || 'error' in x, 120_000);
  if (!l.result)
    return {
      diff: { worst: Infinity, name: '' },
      hashesAgree: false,
      error: `${l.error?.message}; events: ${coord.lines
        .filter((x) => (x as { type?: string }).type !== 'step')
        .map((x) => JSON.stringify(x))
        .join(' ')
        .slice(0, 1500)}; workers: ${ws.map((w) => w.stderr.slice(-500)).join(' | ')}`,
    };
  const codes = await Promise.all(ws.map((w) => waitExit(w, 10_000)));
  if (codes.some((c) => c !== 0)) return { diff: { worst: Infinity, name: '' }, hashesAgree: false, error: `worker exit codes ${codes.join(', ')}` };
  if (l.result.steps !== STEPS) return { diff: { worst: Infinity, name: '' }, hashesAgree: false, error: `${l.result.steps} steps, expected ${STEPS}` };
  const rows = ws.map((_, i) => paramHashRows(dir, `w${i}`));
  const hashesAgree = rows.every((r) => r.length === STEPS) && Array.from({ length: STEPS }, (_, s) => new Set(rows.map((r) => r[s].paramHash)).size === 1).every(Boolean);
  const ck = await loadCheckpoint(l.result.checkpoint);
  return { diff: worstDiff(ck.weights, ref), hashesAgree };
}

type Run = Awaited<ReturnType<typeof cluster>>;
let ref: Map<string, Float32Array>;

describe('synchronised batch norm in the cluster', () => {
  // The three independent runs go at once: most of a run is process start-up and waiting.
  let runs: { sync2: Run; sync3: Run; local2: Run; curve2: Run };
  beforeAll(async () => {
    ref = reference();
    const [sync2, sync3, local2, curve2] = await Promise.all([cluster(2, true), cluster(3, true), cluster(2, false), cluster(2, true, true)]);
    runs = { sync2, sync3, local2, curve2 };
  }, 180_000);
  afterEach(killAll);

  for (const workers of [2, 3] as const) {
    it(`${workers} workers with syncBatchNorm: identical parameters and running stats on every rank, within 2e-5 of one process with the global batch`, () => {
      const r = workers === 2 ? runs.sync2 : runs.sync3;
      expect(r.error).toBeUndefined();
      expect(r.hashesAgree).toBe(true);
      process.stdout.write(`sync-bn ${workers} workers: worst relative L2 difference ${r.diff.worst.toExponential(2)} (${r.diff.name})\n`);
      expect(r.diff.worst).toBeLessThanOrEqual(2e-5);
    });
  }

  it('with CURVE keys (batch-norm sockets encrypted and authenticated too) 2 workers with syncBatchNorm give the same result', () => {
    expect(runs.curve2.error).toBeUndefined();
    expect(runs.curve2.hashesAgree).toBe(true);
    process.stdout.write(`sync-bn 2 workers, CURVE: worst relative L2 difference ${runs.curve2.diff.worst.toExponential(2)} (${runs.curve2.diff.name})\n`);
    expect(runs.curve2.diff.worst).toBeLessThanOrEqual(2e-5);
  });

  it("without syncBatchNorm (local statistics, rank 0's running stats kept) the run ends measurably farther from the single process: the tests above can fail", () => {
    const r = runs.local2;
    expect(r.error).toBeUndefined();
    expect(r.hashesAgree).toBe(true); // parameters only: running statistics are per rank by design
    process.stdout.write(`local-bn 2 workers: worst relative L2 difference ${r.diff.worst.toExponential(2)} (${r.diff.name})\n`);
    expect(r.diff.worst).toBeGreaterThan(100 * Math.max(runs.sync2.diff.worst, runs.sync3.diff.worst));
  });

  it('kill -9 of one of 3 workers while the others wait in a batch-norm all-reduce: the survivors leave the wait, re-form the ring and still match one process', async () => {
    const dir = tempDir();
    const coord = start('coordinator-main.js', {
      bind: 'tcp://127.0.0.1:0',
      minWorkers: 2,
      maxWorkers: 3,
      config: CONFIG,
      plan: { globalBatch: 12, epochs: 1, commitEvery: 2, syncBatchNorm: true },
      runDir: path.join(dir, 'run'),
      heartbeatTimeoutMs: 2000,
      joinTimeoutMs: 60_000,
    });
    const { endpoint } = await waitLine<{ endpoint: string }>(coord, (l) => 'endpoint' in l, 20_000);
    // Slow steps (a sleep in getBatch) so the kill lands mid-run; the victim is the slowest, so
    // the others are already blocked in its batch-norm sums when it dies.
    const ws = ['a', 'b', 'c'].map((id) =>
      start('worker-main.js', { connect: endpoint, dumpDir: dir, workerId: id, stepTimeoutMs: 15_000, heartbeatMs: 200, override: { slowMs: id === 'b' ? 400 : 100 } }),
    );
    await waitLine(coord, (l) => l.type === 'generation' && (l.workers as string[]).length === 3, 60_000);
    await waitLine(coord, (l) => l.type === 'step' && (l.step as number) >= 2, 60_000);
    ws[1].child.kill('SIGKILL');
    const l = await waitLine<{ result?: { steps: number; checkpoint: string; fenced: string[] }; error?: unknown }>(coord, (x) => 'result' in x || 'error' in x, 60_000);
    expect(l.error).toBeUndefined();
    expect(l.result!.fenced).toEqual(['b']);
    expect(l.result!.steps).toBe(STEPS);
    for (const w of [ws[0], ws[2]]) expect(await waitExit(w, 10_000)).toBe(0);
    // At least one survivor was inside a batch-norm all-reduce when the ring changed, and left it.
    const logs = ['a', 'c'].map((id) => readFileSync(path.join(dir, `${id}.jsonl`), 'utf8'));
    expect(logs.some((t) => t.includes('(batch-norm all-reduce)'))).toBe(true);
    const diff = worstDiff((await loadCheckpoint(l.result!.checkpoint)).weights, ref);
    process.stdout.write(`sync-bn 3→2 workers after kill -9: worst relative L2 difference ${diff.worst.toExponential(2)} (${diff.name})\n`);
    expect(diff.worst).toBeLessThanOrEqual(2e-5);
  });
});
