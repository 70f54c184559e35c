import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CORE_VERSION, SpikeflowError, resolveCheckpointDir, writeFileAtomic, type CheckpointState } from '@spikeflow/core';
import { hashFrames, type StateFrames, type StateMeta } from './train-state.js';

/**
 * Write a committed cluster state as a spikeflow checkpoint folder (`model.safetensors`,
 * `optimizer.safetensors`, `state.json`) under `checkpointsDir/<name>`: assembled in a temp
 * folder, renamed into place, then `latest` is updated, so a crash never leaves half a checkpoint.
 * `spikeflow eval` and `spikeflow train --resume` read the result like any other checkpoint.
 */
export async function writeStateCheckpoint(checkpointsDir: string, name: string, state: StateFrames, config: Record<string, unknown>): Promise<string> {
  await fs.mkdir(checkpointsDir, { recursive: true });
  const target = path.join(checkpointsDir, name);
  const tmp = path.join(checkpointsDir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  await fs.mkdir(tmp);
  try {
    await writeFileAtomic(path.join(tmp, 'model.safetensors'), state.frames[1]);
    await writeFileAtomic(path.join(tmp, 'optimizer.safetensors'), state.frames[2]);
    const m = state.meta;
    const json: CheckpointState = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      epoch: m.epoch,
      step: m.step,
      batchInEpoch: m.batchInEpoch,
      seed: m.seed,
      rng: m.rng,
      optimizer: m.optimizer,
      config,
      createdAt: new Date().toISOString(),
      spikeflowVersion: CORE_VERSION,
    };
    await writeFileAtomic(path.join(tmp, 'state.json'), `${JSON.stringify(json, null, 2)}\n`);
    let old: string | undefined;
    if (existsSync(target)) {
      old = path.join(checkpointsDir, `.${name}.${randomBytes(4).toString('hex')}.old`);
      await fs.rename(target, old);
    }
    await fs.rename(tmp, target);
    if (old) await fs.rm(old, { recursive: true, force: true });
    await writeFileAtomic(path.join(checkpointsDir, 'latest'), `${name}\n`);
    return target;
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Read a checkpoint folder (or run folder) back into the frames a cluster distributes. */
export async function readStateCheckpoint(given: string): Promise<{ dir: string; state: StateFrames; config: Record<string, unknown> }> {
  const dir = resolveCheckpointDir(given);
  let json: CheckpointState;
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) as CheckpointState;
  } catch (e) {
    throw new SpikeflowError('checkpoint-invalid', `${dir}/state.json is not readable JSON: ${(e as Error).message}`);
  }
  if (json.format !== CHECKPOINT_FORMAT) throw new SpikeflowError('checkpoint-invalid', `${dir} is not a spikeflow checkpoint (format '${String(json.format)}')`);
  if (!json.optimizer || !existsSync(path.join(dir, 'optimizer.safetensors'))) {
    throw new SpikeflowError('checkpoint-invalid', `${dir} has no optimizer state; a cluster resumes only from a full training checkpoint`);
  }
  const meta: StateMeta = { step: json.step, epoch: json.epoch, batchInEpoch: json.batchInEpoch, seed: json.seed, rng: json.rng, optimizer: json.optimizer };
  const frames: [Buffer, Buffer, Buffer] = [
    Buffer.from(JSON.stringify(meta)),
    await fs.readFile(path.join(dir, 'model.safetensors')),
    await fs.readFile(path.join(dir, 'optimizer.safetensors')),
  ];
  return { dir, state: { meta, frames, hash: hashFrames(frames) }, config: (json.config ?? {}) as Record<string, unknown> };
}
