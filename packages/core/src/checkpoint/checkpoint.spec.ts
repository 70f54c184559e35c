import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tf } from '../engine/tf.js';
import { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { loadCheckpoint, resolveCheckpointDir, saveCheckpoint } from './checkpoint.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';

class Tiny extends Module {
  readonly w = this.registerParameter('weight', tf.tensor([[1, 2], [3, 4]]));
  readonly b = this.registerBuffer('running_mean', tf.tensor([0.5, -0.5]));
  forward(x: tf.Tensor) {
    return tf.add(tf.matMul(x, this.w), this.b);
  }
}

describe('safetensors', () => {
  it('round-trips tensors and metadata with an aligned data section', () => {
    const bytes = encodeSafetensors(new Map([
      ['a', { dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) }],
      ['b', { dtype: 'I32' as const, shape: [], data: new Int32Array([-7]) }],
    ]), { producer: 'test' });
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
    expect(() => decodeSafetensors(bad, 'z')).toThrowError(SpikeflowError);
  });
});

describe('checkpoints', () => {
  it('saves atomically, points latest at it, and restores model and optimizer', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sf-ckpt-'));
    const model = new Tiny();
    const opt = new Adam(model.namedParameters(), { lr: 0.1 });
    opt.step(new Map([['weight', tf.ones([2, 2])]]));
    const dir = await saveCheckpoint(path.join(root, 'checkpoints', 'epoch-001'), {
      model, optimizer: opt,
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
    const root = mkdtempSync(path.join(tmpdir(), 'sf-ckpt-'));
    await expect(loadCheckpoint(path.join(root, 'nope'))).rejects.toThrowError(/does not exist/);
    await expect(loadCheckpoint(root)).rejects.toThrowError(/no checkpoint/);
    writeFileSync(path.join(root, 'state.json'), '{"format":"other"}');
    await expect(loadCheckpoint(root)).rejects.toThrowError(/not a spikeflow checkpoint/);
    const model = new Tiny();
    const dir = await saveCheckpoint(path.join(root, 'c', 'e1'), { model, state: { epoch: 0, step: 0, batchInEpoch: 0, seed: 0, rng: [1, 1, 1, 1], config: {}, spikeflowVersion: '0.1.0' } });
    expect(existsSync(path.join(dir, 'optimizer.safetensors'))).toBe(false);
    const loaded = await loadCheckpoint(dir);
    const wrong = new Map(loaded.weights);
    wrong.set('weight', { shape: [4], data: new Float32Array(4) });
    expect(() => new Tiny().loadStateDict(wrong)).toThrowError(/'weight' has shape \[4\] but the model expects \[2,2\]/);
    wrong.delete('weight');
    expect(() => new Tiny().loadStateDict(wrong)).toThrowError(/missing \[weight\]/);
  });
});
