import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Trainer, loadCheckpoint, type Batch } from '@spikeflow/core';
import { fixtureJob, type FixtureConfig } from './test-utils/fixture-job.js';
import { stepPartsOf } from './worker/cluster-worker.js';
import { killAll, start, tempDir, waitExit, waitLine } from './test-utils/processes.js';

// A regression job (one float target per sample, core's regression task, MSE): the cluster knows no
// class, so it must train it exactly as one process of batch N·B does with core's Trainer.
const CONFIG: FixtureConfig = { samples: 96, globalBatch: 12, epochs: 1, seed: 3, task: 'regression' };
const STEPS = 8;

function reference(): { losses: number[]; final: Map<string, Float32Array> } {
  const job = fixtureJob(CONFIG);
  const order = job.order(0);
  const parts = stepPartsOf(job);
  const trainer = new Trainer({
    model: job.model,
    optimizer: job.optimizer,
    encoder: job.encoder,
    task: parts.task,
    taskLoss: parts.loss,
    schedule: job.schedule,
    timeSteps: job.timeSteps,
    seed: job.seed,
  });
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const indices = order.slice(s * 12, (s + 1) * 12);
    const { x, y } = job.getBatch(indices);
    expect(y).toBeInstanceOf(Float32Array);
    const batch: Batch = { x, y, indices, size: indices.length, sampleShape: job.sampleShape };
    const r = trainer.trainStep(batch, 0);
    expect(Number.isNaN(r.correct)).toBe(true);
    losses.push(r.loss);
  }
  const final = new Map(job.model.namedTensors().map((e) => [e.name, e.variable.dataSync() as Float32Array]));
  job.dispose?.();
  return { losses, final };
}

const norm = (xs: Iterable<number>) => Math.sqrt([...xs].reduce((a, x) => a + x * x, 0));

describe("the cluster trains any task with core's step", () => {
  afterEach(killAll);

  it('2 workers on a regression task: step losses within 1e-4 and final weights within 1e-4 of one process with batch N·B; no accuracy reported', async () => {
    const ref = reference();
    expect(ref.losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    const dir = tempDir();
    const coord = start('coordinator-main.js', {
      bind: 'tcp://127.0.0.1:0',
      minWorkers: 2,
      config: CONFIG,
      plan: { globalBatch: 12, epochs: 1, commitEvery: 4, bucketBytes: 4096, maxSteps: STEPS },
      runDir: path.join(dir, 'run'),
      joinTimeoutMs: 60_000,
    });
    const { endpoint } = await waitLine<{ endpoint: string }>(coord, (l) => 'endpoint' in l, 20_000);
    const ws = [0, 1].map((i) => start('worker-main.js', { connect: endpoint, dumpDir: dir, workerId: `w${i}`, stepTimeoutMs: 30_000 }));
    const line = await waitLine<Record<string, unknown>>(coord, (l) => 'result' in l || 'error' in l, 90_000);
    if (!('result' in line)) throw new Error(`coordinator failed: ${JSON.stringify(line)}`);
    const result = line.result as { steps: number; losses: Record<string, number>; checkpoint: string };
    for (const w of ws) expect(await waitExit(w, 10_000)).toBe(0);
    expect(result.steps).toBe(STEPS);
    for (let s = 0; s < STEPS; s++) expect(Math.abs(result.losses[s]! - ref.losses[s]!)).toBeLessThanOrEqual(1e-4 * ref.losses[s]!);
    const ck = await loadCheckpoint(result.checkpoint);
    for (const [name, r] of ref.final) {
      const got = ck.weights.get(name)!.data;
      expect(norm(Array.from(r, (v, i) => got[i]! - v)) / Math.max(1e-12, norm(r))).toBeLessThan(1e-4);
    }
    // Workers of a task without class labels count no hits: the epoch line has a loss and no accuracy.
    const epochs = readFileSync(path.join(dir, 'run', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(epochs.length).toBeGreaterThan(0);
    for (const e of epochs) {
      expect(e.trainAccuracy).toBeUndefined();
      expect(Number.isFinite(e.trainLoss)).toBe(true);
    }
  });
});
