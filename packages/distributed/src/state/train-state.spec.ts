import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpikeflowError, loadCheckpoint, tf } from '@spikeflow/core';
import { fixtureJob } from '../test-utils/fixture-job.js';
import { tempDir } from '../test-utils/processes.js';
import { captureState, hashFrames as hashFramesOf, hashModel, parseStateFrames, restoreState } from './train-state.js';
import { readStateCheckpoint, writeStateCheckpoint } from './checkpoint-files.js';

function trainOnce(job: ReturnType<typeof fixtureJob>): void {
  const params = job.model.namedParameters();
  tf.tidy(() => {
    const g = new Map(params.map(([n, v]) => [n, tf.onesLike(v)]));
    job.optimizer.step(g);
  });
}

describe('training state transfer', () => {
  it('hashModel covers batch-norm running statistics unless they are per rank (localBatchNorm)', () => {
    const a = fixtureJob({ seed: 1, batchNorm: true });
    const bn = a.model.namedModules().find(([n]) => n === 'bn1')![1] as unknown as { runningMean: tf.Variable };
    const all = hashModel(a);
    const local = hashModel(a, { localBatchNorm: true });
    bn.runningMean.assign(tf.fill(bn.runningMean.shape, 0.5));
    expect(hashModel(a)).not.toBe(all);
    expect(hashModel(a, { localBatchNorm: true })).toBe(local);
    trainOnce(a); // a parameter change still shows
    expect(hashModel(a, { localBatchNorm: true })).not.toBe(local);
    a.dispose?.();
  });

  it('capture → parse → restore reproduces weights, optimizer moments and position bit for bit', () => {
    const a = fixtureJob({ seed: 1 });
    trainOnce(a);
    const st = captureState(a, { step: 5, epoch: 1, batchInEpoch: 2 });
    const b = fixtureJob({ seed: 2 });
    expect(hashModel(b)).not.toBe(hashModel(a));
    const pos = restoreState(b, parseStateFrames(st.frames, st.hash, 'rank 0'));
    expect(pos).toEqual({ step: 5, epoch: 1, batchInEpoch: 2 });
    expect(hashModel(b)).toBe(hashModel(a));
    // Same optimizer state: one more identical update keeps them identical.
    trainOnce(a);
    trainOnce(b);
    expect(hashModel(b)).toBe(hashModel(a));
    a.dispose?.();
    b.dispose?.();
  });

  it('a state that does not match its hash, or has the wrong frame count, is refused', () => {
    const a = fixtureJob();
    const st = captureState(a, { step: 0, epoch: 0, batchInEpoch: 0 });
    const tampered = st.frames.map((f) => Buffer.from(f));
    tampered[1][tampered[1].length - 1] ^= 1;
    expect(() => parseStateFrames(tampered, st.hash, 'rank 0 (w1)')).toThrow(/state from rank 0 \(w1\) does not match its hash/);
    const e = (() => {
      try {
        parseStateFrames(st.frames.slice(0, 2), st.hash, 'x');
      } catch (err) {
        return err;
      }
    })();
    expect(SpikeflowError.is(e, 'protocol-error')).toBe(true);
    a.dispose?.();
  });

  it('a committed state written to disk is a regular checkpoint core can load, and reads back with the same hash', async () => {
    const a = fixtureJob();
    trainOnce(a);
    const st = captureState(a, { step: 7, epoch: 0, batchInEpoch: 7 });
    const dir = tempDir();
    const written = await writeStateCheckpoint(path.join(dir, 'checkpoints'), 'step-000007', st, { model: { id: 'fixture' } });
    expect(readFileSync(path.join(dir, 'checkpoints', 'latest'), 'utf8').trim()).toBe('step-000007');
    const ck = await loadCheckpoint(dir);
    expect(ck.dir).toBe(written);
    expect(ck.state.step).toBe(7);
    for (const e of a.model.namedTensors()) expect(Array.from(ck.weights.get(e.name)!.data)).toEqual(Array.from(e.variable.dataSync()));
    expect(ck.optimizer?.kind).toBe(a.optimizer.kind);
    const back = await readStateCheckpoint(written);
    expect(back.state.hash).toBe(hashFramesOf(back.state.frames));
    expect(back.state.frames[1].equals(st.frames[1])).toBe(true);
    expect(back.config).toEqual({ model: { id: 'fixture' } });
    a.dispose?.();
  });
});
