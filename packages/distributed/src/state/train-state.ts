import { createHash } from 'node:crypto';
import { BatchNorm1d, BatchNorm2d, SpikeflowError, decodeSafetensors, encodeSafetensors, globalRng, legacyOptimizerNames, type RngState, type StoredTensor } from '@spikeflow/core';
import type { DistributedJob } from '../job.js';

/** Where training stands: global optimizer steps and the data cursor. */
export interface TrainPosition {
  readonly step: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
}

/** Scalars of a committed state (frame 0 of a state transfer, `state.json` material on disk). */
export interface StateMeta extends TrainPosition {
  readonly seed: number;
  readonly rng: RngState;
  readonly optimizer: { readonly kind: string; readonly step: number; readonly hyper: Readonly<Record<string, number | boolean>> };
}

/**
 * A training state as it travels and is stored: `[meta JSON, model.safetensors, optimizer.safetensors]`.
 * The safetensors frames are exactly the files of a spikeflow checkpoint.
 */
export interface StateFrames {
  readonly meta: StateMeta;
  readonly frames: readonly [Buffer, Buffer, Buffer];
  /** sha256 (hex) over the three frames with their lengths. */
  readonly hash: string;
}

/** sha256 over frames, each prefixed by its length so frame boundaries count. */
export function hashFrames(frames: readonly Uint8Array[]): string {
  const h = createHash('sha256');
  const len = Buffer.alloc(8);
  for (const f of frames) {
    len.writeBigUInt64LE(BigInt(f.byteLength));
    h.update(len);
    h.update(f);
  }
  return h.digest('hex');
}

/**
 * sha256 (hex) of every tensor of the model (parameters and buffers, in state-dict order), or with
 * `localBatchNorm` of all but batch-norm running statistics (each rank keeps its own when batch
 * norm is not synchronised; rank 0's are committed).
 */
export function hashModel(job: Pick<DistributedJob, 'model'>, options: { localBatchNorm?: boolean } = {}): string {
  const h = createHash('sha256');
  const skip = new Set<string>();
  if (options.localBatchNorm) {
    for (const [name, m] of job.model.namedModules()) {
      if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) for (const b of ['running_mean', 'running_var']) skip.add(name ? `${name}.${b}` : b);
    }
  }
  for (const e of job.model.namedTensors()) {
    if (skip.has(e.name)) continue;
    const d = e.variable.dataSync() as Float32Array;
    h.update(e.name);
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest('hex');
}

/**
 * Serialise the job's model, optimizer and RNG (or the given RNG state) at `position`. `buffers`
 * replaces the current values of those model buffers (values saved before a look-ahead forward
 * pass moved batch-norm running statistics past `position`).
 */
export function captureState(job: DistributedJob, position: TrainPosition, rng: RngState = globalRng().getState(), buffers?: ReadonlyMap<string, Float32Array>): StateFrames {
  const weights = new Map<string, StoredTensor>();
  for (const e of job.model.namedTensors()) weights.set(e.name, { dtype: 'F32', shape: e.variable.shape, data: buffers?.get(e.name) ?? (e.variable.dataSync() as Float32Array) });
  const os = job.optimizer.getState();
  const slots = new Map<string, StoredTensor>();
  for (const [k, v] of os.slots) slots.set(k, { dtype: 'F32', shape: v.shape, data: v.data });
  const meta: StateMeta = {
    step: position.step,
    epoch: position.epoch,
    batchInEpoch: position.batchInEpoch,
    seed: job.seed,
    rng,
    optimizer: { kind: os.kind, step: os.step, hyper: os.hyper },
  };
  const frames: [Buffer, Buffer, Buffer] = [
    Buffer.from(JSON.stringify(meta)),
    Buffer.from(encodeSafetensors(weights, { format: 'pt', producer: 'spikeflow', layout: 'linear weight [in,out]; conv filter HWIO' })),
    Buffer.from(encodeSafetensors(slots, { producer: 'spikeflow', kind: os.kind })),
  ];
  return { meta, frames, hash: hashFrames(frames) };
}

/** Check a received state against its announced hash and parse its meta frame. */
export function parseStateFrames(frames: readonly Uint8Array[], expectedHash: string, from: string): StateFrames {
  if (frames.length !== 3) throw new SpikeflowError('protocol-error', `state from ${from} has ${frames.length} frames; 3 expected (meta, model, optimizer)`);
  const hash = hashFrames(frames);
  if (hash !== expectedHash)
    throw new SpikeflowError('protocol-error', `state from ${from} does not match its hash: announced ${expectedHash.slice(0, 16)}…, received ${hash.slice(0, 16)}…`);
  let meta: StateMeta;
  try {
    meta = JSON.parse(Buffer.from(frames[0]).toString('utf8')) as StateMeta;
  } catch (e) {
    throw new SpikeflowError('protocol-error', `state meta from ${from} is not JSON: ${(e as Error).message}`);
  }
  for (const k of ['step', 'epoch', 'batchInEpoch', 'seed'] as const) {
    if (!Number.isInteger(meta[k]) || meta[k] < 0) throw new SpikeflowError('protocol-error', `state meta from ${from}: '${k}' must be a non-negative integer`);
  }
  const b = (f: Uint8Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  return { meta, frames: [b(frames[0]), b(frames[1]), b(frames[2])], hash };
}

/** Load a state into the job (weights, optimizer slots, RNG); returns its position. */
export function restoreState(job: DistributedJob, state: StateFrames): TrainPosition {
  const { tensors } = decodeSafetensors(new Uint8Array(state.frames[1]), 'model state');
  const weights = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [k, t] of tensors) weights.set(k, { shape: t.shape, data: t.data as Float32Array });
  job.model.loadStateDict(weights);
  const { tensors: slotTensors } = decodeSafetensors(new Uint8Array(state.frames[2]), 'optimizer state');
  const slots = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [k, t] of slotTensors) slots.set(k, { shape: t.shape, data: t.data as Float32Array });
  // Checkpoints from before named layers store index paths; the optimizer slots follow the weights' renaming.
  job.optimizer.setState(legacyOptimizerNames(job.model, { kind: state.meta.optimizer.kind, step: state.meta.optimizer.step, hyper: state.meta.optimizer.hyper, slots }));
  globalRng().setState(state.meta.rng);
  return { step: state.meta.step, epoch: state.meta.epoch, batchInEpoch: state.meta.batchInEpoch };
}
