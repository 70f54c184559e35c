import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { describe, expect, it, vi } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { tf } from '../engine/tf.js';
import { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { cleanCheckpointTemps, loadCheckpoint, resolveCheckpointDir, saveCheckpoint } from './checkpoint.js';

class Tiny extends Module {
  readonly w = this.registerParameter(
    'weight',
    tf.tensor([
      [1, 2],
      [3, 4],
    ]),
  );
  readonly b = this.registerBuffer('running_mean', tf.tensor([0.5, -0.5]));
  forward(x: tf.Tensor) {
    return tf.add(tf.matMul(x, this.w), this.b);
  }
}

describe('safetensors', () => {
  it('round-trips tensors and metadata with an aligned data section', () => {
    const bytes = encodeSafetensors(
      new Map([
        ['a', { dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) }],
        ['b', { dtype: 'I32' as const, shape: [], data: new Int32Array([-7]) }],
      ]),
      { producer: 'test' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.slice(8, 8 + n)).toString());
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1, 2, 3, 4, 5, 6.5]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([-7]);
    expect(metadata.producer).toBe('test');
  });

  it('decodes a Buffer that is a view into a larger (pooled) ArrayBuffer', () => {
    const bytes = encodeSafetensors(new Map([['a', { dtype: 'F32' as const, shape: [3], data: new Float32Array([1.5, -2, 3]) }]]));
    const pool = new ArrayBuffer(bytes.length + 100);
    const view = Buffer.from(pool, 36, bytes.length); // like a small readFileSync result from Node's pool
    view.set(bytes);
    new Uint8Array(pool, 0, 36).fill(0xff);
    expect(Array.from(decodeSafetensors(view).tensors.get('a')!.data)).toEqual([1.5, -2, 3]);
  });

  it('rejects truncated and malformed files naming the source', () => {
    const bytes = encodeSafetensors(new Map([['a', { dtype: 'F32' as const, shape: [4], data: new Float32Array(4) }]]));
    expect(() => decodeSafetensors(bytes.slice(0, bytes.length - 4), 'x.safetensors')).toThrowError(/x.safetensors.*outside/);
    expect(() => decodeSafetensors(new Uint8Array(4), 'y')).toThrowError(/y is not a valid safetensors file/);
    const bad = bytes.slice();
    bad[8] = 0x5b; // '[' breaks the JSON object
    expectSpikeflowError(() => decodeSafetensors(bad, 'z'), 'checkpoint-invalid');
  });
});

describe('checkpoints', () => {
  it('saves atomically, points latest at it, and restores model and optimizer', async () => {
    const root = tempDir('sf-ckpt-');
    const model = new Tiny();
    const opt = new Adam(model.namedParameters(), { lr: 0.1 });
    opt.step(new Map([['weight', tf.ones([2, 2])]]));
    const dir = await saveCheckpoint(path.join(root, 'checkpoints', 'epoch-001'), {
      model,
      optimizer: opt,
      state: { epoch: 0, step: 1, batchInEpoch: 5, seed: 3, rng: [1, 2, 3, 4], config: { model: 'tiny' }, spikeflowVersion: '0.1.0' },
    });
    expect(readdirSync(path.join(root, 'checkpoints')).sort()).toEqual(['epoch-001', 'latest']);
    expect(readdirSync(dir).sort()).toEqual(['model.safetensors', 'optimizer.safetensors', 'state.json']);
    expect(resolveCheckpointDir(root)).toBe(dir);
    expect(resolveCheckpointDir(path.join(dir, 'state.json'))).toBe(dir);
    const loaded = await loadCheckpoint(root);
    expect(loaded.state.batchInEpoch).toBe(5);
    expect(Array.from(loaded.weights.get('weight')!.data)).toEqual(Array.from(model.w.dataSync()));
    expect(Array.from(loaded.weights.get('running_mean')!.data)).toEqual([0.5, -0.5]);
    const m2 = new Tiny();
    m2.loadStateDict(loaded.weights);
    expect(Array.from(m2.w.dataSync())).toEqual(Array.from(model.w.dataSync()));
    expect(loaded.optimizer!.slots.has('weight.exp_avg')).toBe(true);

    // Overwrite in place: still exactly one folder, no temp folders left.
    await saveCheckpoint(dir, { model, optimizer: opt, state: { ...loaded.state, step: 2 } });
    expect(readdirSync(path.join(root, 'checkpoints')).sort()).toEqual(['epoch-001', 'latest']);
    expect(JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')).step).toBe(2);
  });

  it('rejects missing, foreign and mismatching checkpoints clearly', async () => {
    const root = tempDir('sf-ckpt-');
    await expect(loadCheckpoint(path.join(root, 'nope'))).rejects.toThrowError(/does not exist/);
    await expect(loadCheckpoint(root)).rejects.toThrowError(/no checkpoint/);
    writeFileSync(path.join(root, 'state.json'), '{"format":"other"}');
    await expect(loadCheckpoint(root)).rejects.toThrowError(/not a spikeflow checkpoint/);
    const model = new Tiny();
    const dir = await saveCheckpoint(path.join(root, 'c', 'e1'), {
      model,
      state: { epoch: 0, step: 0, batchInEpoch: 0, seed: 0, rng: [1, 1, 1, 1], config: {}, spikeflowVersion: '0.1.0' },
    });
    expect(existsSync(path.join(dir, 'optimizer.safetensors'))).toBe(false);
    const loaded = await loadCheckpoint(dir);
    const wrong = new Map(loaded.weights);
    wrong.set('weight', { shape: [4], data: new Float32Array(4) });
    expect(() => new Tiny().loadStateDict(wrong)).toThrowError(/'weight' has shape \[4\] but the model expects \[2,2\]/);
    wrong.delete('weight');
    expect(() => new Tiny().loadStateDict(wrong)).toThrowError(/missing \[weight\]/);
  });
});

describe('checkpoint validation (trust no input)', () => {
  const baseState = { epoch: 0, step: 1, batchInEpoch: 2, seed: 3, rng: [1, 2, 3, 4] as const, config: { model: 'tiny' }, spikeflowVersion: '0.1.0' };

  async function saved(): Promise<{ root: string; dir: string; model: Tiny }> {
    const root = tempDir('sf-ckpt-v-');
    const model = new Tiny();
    const opt = new Adam(model.namedParameters(), { lr: 0.1 });
    opt.step(new Map([['weight', tf.ones([2, 2])]]));
    const dir = await saveCheckpoint(path.join(root, 'checkpoints', 'epoch-001'), { model, optimizer: opt, state: baseState });
    return { root, dir, model };
  }

  const failure = (p: Promise<unknown>) => expectSpikeflowError(p, 'checkpoint-invalid');

  it('refuses weights whose safetensors offsets overlap (aliased weights would load as wrong numbers)', async () => {
    const { dir } = await saved();
    const file = path.join(dir, 'model.safetensors');
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    // Point the buffer at the weight's bytes; the file length stays as it was.
    header.running_mean.data_offsets = [0, 8];
    const text = JSON.stringify(header).padEnd(n, ' ');
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), Buffer.from(text), bytes.subarray(8 + n)]));
    const e = await failure(loadCheckpoint(dir));
    expect(e.message).toMatch(/model\.safetensors is not a valid safetensors file: .*overlap/);
  });

  it('refuses NaN or infinite weights unless allowNonFinite is given', async () => {
    const { dir, model } = await saved();
    const bytes = encodeSafetensors(
      new Map([
        ['weight', { dtype: 'F32' as const, shape: [2, 2], data: new Float32Array([1, Number.NaN, 3, Number.POSITIVE_INFINITY]) }],
        ['running_mean', { dtype: 'F32' as const, shape: [2], data: new Float32Array([0.5, -0.5]) }],
      ]),
    );
    writeFileSync(path.join(dir, 'model.safetensors'), bytes);
    const e = await failure(loadCheckpoint(dir));
    expect(e.message).toMatch(/tensor 'weight' holds 2 non-finite value\(s\) \(first at index 1: NaN\)/);
    const allowed = await loadCheckpoint(dir, { allowNonFinite: true });
    expect(Number.isNaN(allowed.weights.get('weight')!.data[1])).toBe(true);
    expect(model.w.shape).toEqual([2, 2]);
  });

  it('names a missing model.safetensors or optimizer.safetensors instead of crashing with ENOENT', async () => {
    const a = await saved();
    rmSync(path.join(a.dir, 'model.safetensors'));
    const ea = await failure(loadCheckpoint(a.dir));
    expect(ea.message).toContain(path.join(a.dir, 'model.safetensors'));
    expect(ea.message).toMatch(/is missing/);
    const b = await saved();
    rmSync(path.join(b.dir, 'optimizer.safetensors'));
    const eb = await failure(loadCheckpoint(b.dir));
    expect(eb.message).toContain(path.join(b.dir, 'optimizer.safetensors'));
    expect(eb.message).toMatch(/adam optimizer/);
  });

  it('checks state.json against its schema and lists every bad field with expected and found', async () => {
    const { dir } = await saved();
    const file = path.join(dir, 'state.json');
    const good = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...good, step: 'x', epoch: 1e300, optimizer: { ...good.optimizer, step: -100, hyper: undefined }, config: undefined }));
    const e = await failure(loadCheckpoint(dir));
    expect(e.message).toMatch(/has 5 invalid fields/);
    expect(e.message).toMatch(/'step': expected a non-negative integer, found "x"/);
    expect(e.message).toMatch(/'epoch': expected a non-negative integer, found 1e\+300/);
    expect(e.message).toMatch(/'optimizer\.step': expected a non-negative integer, found -100/);
    expect(e.message).toMatch(/'optimizer\.hyper': expected an object of hyper-parameters, found nothing \(missing\)/);
    expect((e.details.fields as string[]).sort()).toEqual(['config', 'epoch', 'optimizer.hyper', 'optimizer.step', 'step']);
  });

  it('refuses a null optimizer beside saved optimizer state, and a null state.json', async () => {
    const { dir } = await saved();
    const file = path.join(dir, 'state.json');
    const good = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...good, optimizer: null }));
    expect((await failure(loadCheckpoint(dir))).message).toMatch(/'optimizer' is null, but .*optimizer\.safetensors holds optimizer state/);
    writeFileSync(file, JSON.stringify({ ...good, config: undefined }));
    expect((await failure(loadCheckpoint(dir))).message).toMatch(/'config': expected the run configuration object, found nothing \(missing\)/);
    writeFileSync(file, 'null');
    expect((await failure(loadCheckpoint(dir))).message).toMatch(/not a spikeflow checkpoint/);
  });
});

describe('checkpoint durability and recovery', () => {
  const state = (step: number) => ({ epoch: 0, step, batchInEpoch: step, seed: 0, rng: [1, 1, 1, 1] as const, config: {}, spikeflowVersion: '0.1.0' });
  /** A run folder with one saved checkpoint, epoch-001 at step 1. */
  const runWithOneCheckpoint = async () => {
    const root = tempDir('sf-ckpt-');
    const ckpts = path.join(root, 'checkpoints');
    const model = new Tiny();
    const first = await saveCheckpoint(path.join(ckpts, 'epoch-001'), { model, state: state(1) });
    return { root, ckpts, model, first };
  };

  it('finds a complete checkpoint that latest does not name yet (killed between rename and latest)', async () => {
    const { root, ckpts, model, first } = await runWithOneCheckpoint();
    // The first checkpoint's latest was never written.
    rmSync(path.join(ckpts, 'latest'));
    expect(resolveCheckpointDir(root)).toBe(first);
    expect((await loadCheckpoint(root)).state.step).toBe(1);
    // latest names epoch-001, but a newer complete epoch-002 was renamed into place before the kill.
    writeFileSync(path.join(ckpts, 'latest'), 'epoch-001\n');
    await new Promise((r) => setTimeout(r, 5));
    const second = await saveCheckpoint(path.join(ckpts, 'epoch-002'), { model, state: state(2) });
    writeFileSync(path.join(ckpts, 'latest'), 'epoch-001\n');
    expect(resolveCheckpointDir(root)).toBe(second);
    // An incomplete folder (no weights) never wins, and neither do temp folders.
    mkdirSync(path.join(ckpts, 'epoch-003'));
    writeFileSync(
      path.join(ckpts, 'epoch-003', 'state.json'),
      JSON.stringify({ ...JSON.parse(readFileSync(path.join(second, 'state.json'), 'utf8')), createdAt: '2999-01-01T00:00:00.000Z' }),
    );
    expect(resolveCheckpointDir(root)).toBe(second);
  });

  it('cleans stray temp folders and puts back a checkpoint set aside by an interrupted replace', async () => {
    const { root, ckpts, first: dir } = await runWithOneCheckpoint();
    mkdirSync(path.join(ckpts, '.epoch-002.0a1b2c3d.tmp'));
    writeFileSync(path.join(ckpts, '.latest.1234.deadbeef.tmp'), 'x');
    // Killed between "move the old epoch-001 aside" and "rename the new one into place".
    renameSync(dir, path.join(ckpts, '.epoch-001.feedface.old'));
    const touched = await cleanCheckpointTemps(ckpts);
    expect(touched.sort()).toEqual(['.epoch-001.feedface.old', '.epoch-002.0a1b2c3d.tmp', '.latest.1234.deadbeef.tmp']);
    expect(readdirSync(ckpts).sort()).toEqual(['epoch-001', 'latest']);
    expect((await loadCheckpoint(root)).state.step).toBe(1);
  });

  it('fsyncs the folders after renaming into them', async () => {
    const root = tempDir('sf-ckpt-s-');
    const synced: string[] = [];
    const realOpen = fsp.open.bind(fsp);
    const spy = vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await realOpen(...args);
      const where = String(args[0]);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        if ((await handle.stat()).isDirectory()) synced.push(where);
        return sync();
      };
      return handle;
    });
    try {
      const dir = await saveCheckpoint(path.join(root, 'checkpoints', 'epoch-001'), { model: new Tiny(), state: state(1) });
      expect(synced).toContain(path.join(root, 'checkpoints'));
      expect(synced).toContain(root);
      // The files inside the checkpoint were renamed into its (then temp) folder and that folder synced.
      expect(synced.some((d) => path.basename(d).startsWith('.epoch-001.'))).toBe(true);
      expect(existsSync(dir)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});
