import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Trainer, loadCheckpoint, tf, type Batch } from '@spikeflow/core';
import { fixtureJob } from './test-utils/fixture-job.js';
import { jsonLines, killAll, paramHashRows, start, tempDir, waitExit, waitLine } from './test-utils/processes.js';

// 240 samples, global batch 12: one epoch is exactly the 20 steps the bar asks for.
const CONFIG = { samples: 240, globalBatch: 12, epochs: 1, seed: 7 };
const STEPS = 20;

interface Reference {
  grad0: Map<string, Float32Array>;
  losses: number[];
  final: Map<string, Float32Array>;
}

/** One process, batch N·B, core's Trainer: the independent reference. */
function reference(): Reference {
  const job = fixtureJob(CONFIG);
  const params = job.model.namedParameters();
  const order = job.order(0);
  const batchAt = (b: number): Batch => {
    const indices = order.slice(b * CONFIG.globalBatch, (b + 1) * CONFIG.globalBatch);
    const { x, y } = job.getBatch(indices);
    return { x, y, indices, size: indices.length, sampleShape: job.sampleShape };
  };
  // Gradient of step 0, taken the straightforward way on the whole global batch.
  const b0 = batchAt(0);
  const grad0 = new Map<string, Float32Array>();
  tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => {
        job.model.resetState();
        const seq = job.encoder.encode(tf.tensor(b0.x, [b0.size, ...b0.sampleShape]), { timeSteps: job.timeSteps, sampleIndices: b0.indices, epoch: 0, seed: job.seed });
        return job.loss!.compute(job.model.forward(seq), tf.tensor1d(b0.y, 'int32'), job.numClasses) as tf.Scalar;
      },
      params.map(([, v]) => v),
    );
    for (const [name, v] of params) grad0.set(name, grads[v.name].dataSync() as Float32Array);
  });
  const trainer = new Trainer({
    model: job.model,
    optimizer: job.optimizer,
    encoder: job.encoder,
    loss: job.loss!,
    schedule: job.schedule,
    timeSteps: job.timeSteps,
    numClasses: job.numClasses,
    seed: job.seed,
  });
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) losses.push(trainer.trainStep(batchAt(s), 0).loss);
  const final = new Map(job.model.namedTensors().map((e) => [e.name, e.variable.dataSync() as Float32Array]));
  job.dispose?.();
  return { grad0, losses, final };
}

const norm = (xs: Iterable<number>) => Math.sqrt([...xs].reduce((a, x) => a + x * x, 0));

describe('data-parallel equivalence with one process of batch N·B', () => {
  let ref: Reference;
  beforeAll(() => {
    ref = reference();
  });
  afterEach(killAll);

  const hashesOf2: string[] = [];
  for (const workers of [2, 3]) {
    it(`${workers} workers: identical parameters on every rank after every step, step-0 gradient within 1e-6, 20-step losses within 1e-4`, async () => {
      const dir = tempDir();
      // Small buckets (70 values) so the all-reduce runs many buckets with uneven chunks.
      const coord = start('coordinator-main.js', {
        bind: 'tcp://127.0.0.1:0',
        minWorkers: workers,
        config: CONFIG,
        plan: { globalBatch: 12, epochs: 1, commitEvery: 5, bucketBytes: 280 },
        runDir: path.join(dir, 'run'),
        joinTimeoutMs: 60_000,
      });
      const { endpoint } = await waitLine<{ endpoint: string }>(coord, (l) => 'endpoint' in l, 20_000);
      const ws = Array.from({ length: workers }, (_, i) => start('worker-main.js', { connect: endpoint, dumpDir: dir, workerId: `w${i}`, stepTimeoutMs: 30_000 }));
      const { result } = await waitLine<{ result: { steps: number; losses: Record<string, number>; checkpoint: string } }>(
        coord,
        (l) => 'result' in l || 'error' in l,
        90_000,
      ).then((l) => {
        if (!('result' in l)) throw new Error(`coordinator failed: ${JSON.stringify(l)}`);
        return l;
      });
      for (const w of ws) expect(await waitExit(w, 10_000)).toBe(0);
      expect(result.steps).toBe(STEPS);

      // Bitwise-identical parameters across ranks, step by step (each worker hashes its own).
      const perWorker = ws.map((_, i) => paramHashRows(dir, `w${i}`));
      for (const rows of perWorker) expect(rows.map((r) => r.step)).toEqual(Array.from({ length: STEPS }, (_, s) => s));
      for (let s = 0; s < STEPS; s++) expect(new Set(perWorker.map((rows) => rows[s].paramHash)).size).toBe(1);
      if (workers === 2) hashesOf2.push(...perWorker[0].map((r) => r.paramHash as string));
      // Each rank really trained a slice: local sample counts add up to the global batch.
      for (let s = 0; s < STEPS; s++) expect(perWorker.reduce((a, rows) => a + rows[s].localSamples, 0)).toBe(12);

      // Step-0 gradient against the single-process gradient of the whole batch.
      const g = JSON.parse(readFileSync(path.join(dir, 'w0.grad0.json'), 'utf8')) as Record<string, number[]>;
      const diff: number[] = [];
      const all: number[] = [];
      for (const [name, r] of ref.grad0) {
        expect(g[name]).toHaveLength(r.length);
        r.forEach((v, i) => {
          diff.push(g[name][i] - v);
          all.push(v);
        });
      }
      expect(norm(all)).toBeGreaterThan(0);
      expect(norm(diff) / norm(all)).toBeLessThanOrEqual(1e-6);

      // Loss of every step within 1e-4 relative.
      for (let s = 0; s < STEPS; s++) expect(Math.abs(result.losses[s] - ref.losses[s])).toBeLessThanOrEqual(1e-4 * Math.abs(ref.losses[s]));

      // The final checkpoint is a regular spikeflow checkpoint and holds nearly the reference weights.
      const ck = await loadCheckpoint(result.checkpoint);
      expect(ck.state.step).toBe(STEPS);
      for (const [name, r] of ref.final) {
        const got = ck.weights.get(name)!.data;
        expect(norm(Array.from(r, (v, i) => got[i] - v)) / Math.max(1e-12, norm(r))).toBeLessThan(1e-4);
      }
      expect(readdirSync(path.join(dir, 'run', 'checkpoints'))).toContain('latest');
    });
  }

  it('through the chaos transport (seeded drops, duplicates, reordering, delays) the result is bit-identical to the clean run', async () => {
    expect(hashesOf2).toHaveLength(STEPS); // the clean 2-worker run above
    const dir = tempDir();
    const coord = start('coordinator-main.js', {
      bind: 'tcp://127.0.0.1:0',
      minWorkers: 2,
      config: CONFIG,
      plan: { globalBatch: 12, epochs: 1, commitEvery: 5, bucketBytes: 280 },
      runDir: path.join(dir, 'run'),
      joinTimeoutMs: 60_000,
    });
    const { endpoint } = await waitLine<{ endpoint: string }>(coord, (l) => 'endpoint' in l, 20_000);
    const ws = [0, 1].map((i) =>
      start('worker-main.js', {
        connect: endpoint,
        dumpDir: dir,
        workerId: `w${i}`,
        stepTimeoutMs: 30_000,
        chaos: { seed: 11 + i, drop: 0.05, duplicate: 0.1, reorder: 0.1, delay: 0.1, maxDelayMs: 5 },
      }),
    );
    const l = await waitLine<Record<string, unknown>>(coord, (x) => 'result' in x || 'error' in x, 120_000);
    expect(l.result).toBeDefined();
    for (const w of ws) expect(await waitExit(w, 10_000)).toBe(0);
    for (let i = 0; i < 2; i++) {
      const rows = paramHashRows(dir, `w${i}`);
      expect(rows.map((r) => r.paramHash)).toEqual(hashesOf2);
      // The faults really happened: frames were lost (and re-requested), duplicated and reordered.
      const fin = jsonLines(dir, `w${i}`).find((x) => 'finished' in x).finished;
      expect(fin.ring.chaos.dropped).toBeGreaterThan(0);
      expect(fin.ring.chaos.duplicated).toBeGreaterThan(0);
      expect(fin.ring.chaos.reordered).toBeGreaterThan(0);
    }
  });
});
