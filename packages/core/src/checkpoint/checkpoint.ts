import { promises as fs, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import type { RngState } from '../util/rng.js';
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors.js';
import { writeFileAtomic, writeFolderAtomic } from './atomic-write.js';
import { fsyncDir } from './fsync-dir.js';
import { parseCheckpointState } from './checkpoint-state.js';
import { modelBuildOf, type ModelBuild } from './model-build.js';

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
  /**
   * Training sums of the epoch in progress (batches before the data cursor), so a run resumed
   * mid-epoch reports the whole epoch's metrics.
   */
  readonly epochProgress?: EpochProgress;
  /** How the model was built (when by `sf.model` with a neuron spec), so `sf.loadModel` can rebuild it. */
  readonly model?: ModelBuild;
  readonly createdAt: string;
  readonly spikeflowVersion: string;
}

/** Running training sums of one epoch, as far as it got. */
export interface EpochProgress {
  readonly epoch: number;
  readonly batches: number;
  readonly samples: number;
  /** Sum over batches of (mean batch loss × batch size). */
  readonly lossSum: number;
  readonly correct: number;
  readonly trainSeconds: number;
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * Accept weights or optimizer state holding NaN or ±Infinity (refused by default: a diverged
   * run's checkpoint would otherwise evaluate or resume silently as garbage).
   */
  readonly allowNonFinite?: boolean;
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
export async function saveCheckpoint(
  dir: string,
  parts: { model: Module; optimizer?: Optimizer | null; state: Omit<CheckpointState, 'format' | 'version' | 'createdAt' | 'optimizer'> },
): Promise<string> {
  const target = await writeFolderAtomic(dir, async (tmp) => {
    await writeFileAtomic(
      path.join(tmp, 'model.safetensors'),
      encodeSafetensors(modelTensors(parts.model), { format: 'pt', producer: 'spikeflow', layout: 'linear weight [in,out]; conv filter HWIO' }),
    );
    let optimizer: CheckpointState['optimizer'] = null;
    if (parts.optimizer) {
      const os = parts.optimizer.getState();
      optimizer = { kind: os.kind, step: os.step, hyper: os.hyper };
      await writeFileAtomic(path.join(tmp, 'optimizer.safetensors'), encodeSafetensors(toStored(os.slots), { producer: 'spikeflow', kind: os.kind }));
    }
    const build = modelBuildOf(parts.model);
    const state: CheckpointState = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      createdAt: new Date().toISOString(),
      optimizer,
      ...(build?.context.neuron ? { model: build } : {}),
      ...parts.state,
    };
    await writeFileAtomic(path.join(tmp, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  });
  await writeFileAtomic(path.join(path.dirname(target), 'latest'), `${path.basename(target)}\n`);
  return target;
}

/** Every parameter and buffer of `model` as float32 tensors for a safetensors file, keyed by name. */
export function modelTensors(model: Module): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  for (const e of model.namedTensors()) out.set(e.name, { dtype: 'F32', shape: e.variable.shape, data: e.variable.dataSync() as Float32Array });
  return out;
}

/** When `dir` holds a complete checkpoint (state.json plus its safetensors files), its write time and step. */
function completeCheckpoint(dir: string): { time: number; step: number } | undefined {
  try {
    const state = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as Partial<CheckpointState>;
    if (state?.format !== CHECKPOINT_FORMAT || !existsSync(path.join(dir, 'model.safetensors'))) return undefined;
    if (state.optimizer && !existsSync(path.join(dir, 'optimizer.safetensors'))) return undefined;
    const time = Date.parse(String(state.createdAt));
    return { time: Number.isFinite(time) ? time : 0, step: Number(state.step) || 0 };
  } catch {
    return undefined;
  }
}

/**
 * The newest complete checkpoint in a `checkpoints/` folder. `latest` names the newest one a run
 * acknowledged, but a crash between renaming a new checkpoint into place and rewriting `latest`
 * leaves a newer complete folder (or no `latest` at all), so the folders themselves decide: the
 * newest by write time, `latest`'s on a tie.
 */
function newestCheckpoint(ckpts: string): string | undefined {
  if (!existsSync(ckpts) || !statSync(ckpts).isDirectory()) return undefined;
  const latestFile = path.join(ckpts, 'latest');
  const latest = existsSync(latestFile) ? readFileSync(latestFile, 'utf8').trim() : undefined;
  let best: { name: string; time: number; step: number } | undefined;
  for (const entry of readdirSync(ckpts, { withFileTypes: true })) {
    // Dot-folders are temp or set-aside copies of an unfinished write.
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const c = completeCheckpoint(path.join(ckpts, entry.name));
    if (!c) continue;
    const better = !best || c.time > best.time || (c.time === best.time && (entry.name === latest || (best.name !== latest && c.step > best.step)));
    if (better) best = { name: entry.name, ...c };
  }
  if (best) return path.join(ckpts, best.name);
  if (latest !== undefined)
    throw new SpikeflowError('checkpoint-invalid', `${latestFile} names '${latest}', which is not a complete checkpoint folder, and no other complete checkpoint is in ${ckpts}`);
  return undefined;
}

/**
 * Find a checkpoint folder from a path the user gave: a checkpoint folder, a `state.json` in one,
 * a `checkpoints/` folder or a run folder (its `checkpoints/`): there the newest complete
 * checkpoint, which is the one `latest` names unless a crash interrupted a save.
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
    const found = newestCheckpoint(ckpts);
    if (found) return found;
  }
  throw new SpikeflowError('checkpoint-invalid', `no checkpoint in '${given}': expected state.json, or a checkpoints/ folder with a complete checkpoint`);
}

/**
 * Remove what an interrupted {@link saveCheckpoint} left in a `checkpoints/` folder: temp folders
 * and files (`.<name>.<hex>.tmp`) are deleted; a checkpoint set aside for replacement
 * (`.<name>.<hex>.old`) is put back when its replacement never arrived, else deleted.
 * Returns the names it removed or restored. Call it before a run writes there again.
 */
export async function cleanCheckpointTemps(ckpts: string): Promise<string[]> {
  if (!existsSync(ckpts)) return [];
  const touched: string[] = [];
  for (const name of await fs.readdir(ckpts)) {
    const m = /^\.(.+)\.[0-9a-f]+(?:\.[0-9a-f]+)?\.(tmp|old)$/.exec(name);
    if (!m) continue;
    const full = path.join(ckpts, name);
    const original = path.join(ckpts, m[1]);
    if (m[2] === 'old' && !existsSync(original)) await fs.rename(full, original);
    else await fs.rm(full, { recursive: true, force: true });
    touched.push(name);
  }
  if (touched.length) await fsyncDir(ckpts);
  return touched;
}

async function readPart(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SpikeflowError('checkpoint-invalid', `${file} is missing: the checkpoint folder ${path.dirname(file)} must hold ${what}`, { file });
    }
    throw new SpikeflowError('checkpoint-invalid', `${file} cannot be read: ${(e as Error).message}`, { file }, { cause: e });
  }
}

function checkFinite(tensors: ReadonlyMap<string, { data: Float32Array }>, file: string): void {
  for (const [name, { data }] of tensors) {
    let bad = 0;
    let first = -1;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        if (first < 0) first = i;
        bad++;
      }
    }
    if (bad) {
      throw new SpikeflowError(
        'checkpoint-invalid',
        `${file}: tensor '${name}' holds ${bad} non-finite value(s) (first at index ${first}: ${data[first]}); expected finite weights (pass allowNonFinite to load it anyway)`,
        { file, tensor: name },
      );
    }
  }
}

function floatTensors(tensors: Map<string, StoredTensor>, file: string): Map<string, { shape: readonly number[]; data: Float32Array }> {
  const out = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [k, t] of tensors) {
    if (t.dtype !== 'F32') throw new SpikeflowError('checkpoint-invalid', `${file}: tensor '${k}' has dtype ${t.dtype}, expected F32`, { file, tensor: k });
    out.set(k, { shape: t.shape, data: t.data as Float32Array });
  }
  return out;
}

/**
 * Read a checkpoint folder, validating every part: `state.json` against its schema (every bad
 * field listed), both safetensors files structurally, and (unless `allowNonFinite`) that no
 * weight or optimizer slot is NaN or infinite. Any problem is a `checkpoint-invalid` error.
 *
 * @example
 * ```ts
 * const ckpt = await loadCheckpoint('runs/my-run'); // its newest complete checkpoint
 * model.loadStateDict(ckpt.weights);
 * ```
 */
export async function loadCheckpoint(given: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const dir = resolveCheckpointDir(given);
  const statePath = path.join(dir, 'state.json');
  let raw: { format?: unknown; version?: unknown };
  try {
    raw = JSON.parse((await readPart(statePath, 'state.json')).toString('utf8'));
  } catch (e) {
    if (SpikeflowError.is(e)) throw e;
    throw new SpikeflowError('checkpoint-invalid', `${statePath} is not valid JSON: ${(e as Error).message}`);
  }
  if (raw?.format !== CHECKPOINT_FORMAT) throw new SpikeflowError('checkpoint-invalid', `${statePath} is not a spikeflow checkpoint (format '${String(raw?.format)}')`);
  if (typeof raw.version === 'number' && raw.version > CHECKPOINT_VERSION)
    throw new SpikeflowError('checkpoint-invalid', `${statePath} has checkpoint version ${raw.version}; this spikeflow reads up to ${CHECKPOINT_VERSION}`);
  const state = parseCheckpointState(raw, statePath) as unknown as CheckpointState;
  const modelPath = path.join(dir, 'model.safetensors');
  const weights = floatTensors(decodeSafetensors(new Uint8Array(await readPart(modelPath, 'model.safetensors (the weights)')), modelPath).tensors, modelPath);
  if (!options.allowNonFinite) checkFinite(weights, modelPath);
  const optPath = path.join(dir, 'optimizer.safetensors');
  let optimizer: OptimizerState | null = null;
  if (state.optimizer) {
    const slots = floatTensors(
      decodeSafetensors(new Uint8Array(await readPart(optPath, `optimizer.safetensors (state.json names a ${state.optimizer.kind} optimizer)`)), optPath).tensors,
      optPath,
    );
    if (!options.allowNonFinite) checkFinite(slots, optPath);
    optimizer = { kind: state.optimizer.kind, step: state.optimizer.step, hyper: state.optimizer.hyper, slots };
  } else if (existsSync(optPath)) {
    // Dropping saved moments would resume with a silently reset optimizer.
    throw new SpikeflowError('checkpoint-invalid', `${statePath}: 'optimizer' is null, but ${optPath} holds optimizer state; expected the optimizer's { kind, step, hyper }`);
  }
  return { dir, state, weights, optimizer };
}
