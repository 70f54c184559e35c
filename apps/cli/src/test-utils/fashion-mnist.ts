import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Where Debian's dataset-fashion-mnist installs the IDX files the CLI specs train and evaluate on. */
export const FMNIST = '/usr/share/datasets/fashion-mnist';

/** True when both splits are there; specs that need real data skip (and say so) when not. */
export const haveFashionMnist = ['train-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz'].every((f) => existsSync(path.join(FMNIST, f)));

/** A small training run's flags, by name; `T` is `-T`. */
export interface SmallRunFlags {
  readonly subset?: number;
  readonly testSubset?: number;
  readonly batchSize?: number;
  readonly T?: number;
  readonly epochs?: number;
  readonly seed?: number;
}

const FLAG: Record<keyof SmallRunFlags, string> = { subset: '--subset', testSubset: '--test-subset', batchSize: '--batch-size', T: '-T', epochs: '--epochs', seed: '--seed' };

/**
 * The command-line flags of a small run on the real Fashion-MNIST on the wasm backend, in a fixed
 * order: `runCli('train', ...fmnistFlags({ subset: 512, T: 4 }), '--out', dir)`.
 */
export function fmnistFlags(flags: SmallRunFlags = {}): string[] {
  const out = ['--backend', 'wasm', '--data-dir', FMNIST];
  for (const key of Object.keys(FLAG) as Array<keyof SmallRunFlags>) if (flags[key] !== undefined) out.push(FLAG[key], String(flags[key]));
  return out;
}
