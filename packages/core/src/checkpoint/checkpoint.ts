import { promises as fs, existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import type { RngState } from '../util/rng.js';
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors.js';
import { writeFileAtomic } from './atomic-write.js';

export const CHECKPOINT_FORMAT = 'spikeflow-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Everything besides tensors that a resumed run needs; stored as `state.json`. */
export interface CheckpointState {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  /** Epoch the data cursor points into (0-based). */
  readonly epoch: number;
  /** Optimizer steps taken so far (global). */
  readonly step: number;
  /** Next batch index within `epoch` (the data cursor); equals batchesPerEpoch after a full epoch. */
  readonly batchInEpoch: number;
  readonly seed: number;
  /** State of the global RNG (dropout masks) when the checkpoint was taken. */
  readonly rng: RngState;
  readonly optimizer: { readonly kind: string; readonly step: number; readonly hyper: Readonly<Record<string, number | boolean>> } | null;
  /** The resolved run configuration, enough to rebuild the model and data. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Metrics of the last completed epoch, if any. */
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly spikeflowVersion: string;
}

/** A checkpoint read from disk. */
export interface LoadedCheckpoint {
  readonly dir: string;
  readonly state: CheckpointState;
  readonly weights: Map<string, { shape: readonly number[]; data: Float32Array }>;
  readonly optimizer: OptimizerState | null;
}

function toStored(map: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  for (const [k, v] of map) out.set(k, { dtype: 'F32', shape: v.shape, data: v.data });
  return out;
}

/**
 * Write a checkpoint folder (`model.safetensors`, `optimizer.safetensors`, `state.json`)
 * atomically: it is assembled in a temp folder and renamed into place, then `latest` in the
 * parent folder is updated atomically to name it.
 */
export async function saveCheckpoint(dir: string, parts: { model: Module; optimizer?: Optimizer | null; state: Omit<CheckpointState, 'format' | 'version' | 'createdAt' | 'optimizer'> }): Promise<string> {
  const parent = path.dirname(path.resolve(dir));
  await fs.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(dir)}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.mkdir(tmp);
  try {
    const weights = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const e of parts.model.namedTensors()) weights.set(e.name, { shape: e.variable.shape, data: e.variable.dataSync() as Float32Array });
    await writeFileAtomic(path.join(tmp, 'model.safetensors'), encodeSafetensors(toStored(weights), { format: 'pt', producer: 'spikeflow', layout: 'linear weight [in,out]; conv filter HWIO' }));
    let optimizer: CheckpointState['optimizer'] = null;
    if (parts.optimizer) {
      const os = parts.optimizer.getState();
      optimizer = { kind: os.kind, step: os.step, hyper: os.hyper };
      await writeFileAtomic(path.join(tmp, 'optimizer.safetensors'), encodeSafetensors(toStored(os.slots), { producer: 'spikeflow', kind: os.kind }));
    }
    const state: CheckpointState = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, createdAt: new Date().toISOString(), optimizer, ...parts.state };
    await writeFileAtomic(path.join(tmp, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
    const target = path.resolve(dir);
    let old: string | undefined;
    if (existsSync(target)) {
      old = path.join(parent, `.${path.basename(dir)}.${randomBytes(4).toString('hex')}.old`);
      await fs.rename(target, old);
    }
    await fs.rename(tmp, target);
    if (old) await fs.rm(old, { recursive: true, force: true });
    await writeFileAtomic(path.join(parent, 'latest'), `${path.basename(target)}\n`);
    return target;
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Find a checkpoint folder from a path the user gave: a checkpoint folder, a `state.json` in one,
 * a `checkpoints/` folder (its `latest`), or a run folder (its `checkpoints/latest`).
 */
export function resolveCheckpointDir(given: string): string {
  const p = path.resolve(given);
  if (!existsSync(p)) throw new SpikeflowError('checkpoint-invalid', `checkpoint '${given}' does not exist`);
  if (statSync(p).isFile()) {
    if (path.basename(p) === 'state.json') return path.dirname(p);
    throw new SpikeflowError('checkpoint-invalid', `'${given}' is a file; give a checkpoint folder, its state.json, or a run folder`);
  }
  if (existsSync(path.join(p, 'state.json'))) return p;
  for (const ckpts of [p, path.join(p, 'checkpoints')]) {
    const latest = path.join(ckpts, 'latest');
    if (existsSync(latest)) {
      const name = readFileSync(latest, 'utf8').trim();
      const dir = path.join(ckpts, name);
      if (existsSync(path.join(dir, 'state.json'))) return dir;
      throw new SpikeflowError('checkpoint-invalid', `${latest} names '${name}', which is not a checkpoint folder`);
    }
  }
  throw new SpikeflowError('checkpoint-invalid', `no checkpoint in '${given}': expected state.json, checkpoints/latest or latest`);
}

/** Read a checkpoint folder, validating every part. */
export async function loadCheckpoint(given: string): Promise<LoadedCheckpoint> {
  const dir = resolveCheckpointDir(given);
  const statePath = path.join(dir, 'state.json');
  let state: CheckpointState;
  try {
    state = JSON.parse(await fs.readFile(statePath, 'utf8'));
  } catch (e) {
    throw new SpikeflowError('checkpoint-invalid', `${statePath} is not valid JSON: ${(e as Error).message}`);
  }
  if (state?.format !== CHECKPOINT_FORMAT) throw new SpikeflowError('checkpoint-invalid', `${statePath} is not a spikeflow checkpoint (format '${String(state?.format)}')`);
  if (state.version > CHECKPOINT_VERSION) throw new SpikeflowError('checkpoint-invalid', `${statePath} has checkpoint version ${state.version}; this spikeflow reads up to ${CHECKPOINT_VERSION}`);
  for (const k of ['epoch', 'step', 'batchInEpoch', 'seed'] as const) {
    if (!Number.isInteger(state[k]) || state[k] < 0) throw new SpikeflowError('checkpoint-invalid', `${statePath}: '${k}' must be a non-negative integer, got ${JSON.stringify(state[k])}`);
  }
  const modelPath = path.join(dir, 'model.safetensors');
  const { tensors } = decodeSafetensors(new Uint8Array(await fs.readFile(modelPath)), modelPath);
  const weights = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [k, t] of tensors) weights.set(k, { shape: t.shape, data: t.data as Float32Array });
  let optimizer: OptimizerState | null = null;
  if (state.optimizer) {
    const optPath = path.join(dir, 'optimizer.safetensors');
    const { tensors: slots } = decodeSafetensors(new Uint8Array(await fs.readFile(optPath)), optPath);
    const m = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [k, t] of slots) m.set(k, { shape: t.shape, data: t.data as Float32Array });
    optimizer = { kind: state.optimizer.kind, step: state.optimizer.step, hyper: state.optimizer.hyper, slots: m };
  }
  return { dir, state, weights, optimizer };
}
