import { BatchNorm1d, BatchNorm2d, Module, SpikeflowError, type Tensor } from '@spikeflow/core';
import { BNTT } from './bntt.js';
import { TdBatchNorm } from './td-batch-norm.js';
import { TEBN } from './tebn.js';
import type { NormOptions } from './channel-stats.js';

/** Makes the normalisation layer for `channels` channels; `name` is the layer's path, for messages. */
export type NormFactory = (channels: number, name: string) => Module;

/** The normalisation kinds {@link normFactory} builds. */
export type NormKind = 'bn' | 'tdbn' | 'tebn' | 'bntt' | 'none';

export interface NormFactoryOptions extends NormOptions {
  /** Time steps T: required by `tebn` and `bntt`, which keep per-step parameters. */
  readonly timeSteps?: number;
  /** tdBN's α (default 1). */
  readonly alpha?: number;
  /** tdBN's V_th (default 1). */
  readonly vThreshold?: number;
  /** Input rank for plain `bn`: 5 gives core's BatchNorm2d (`[T, B, H, W, C]`, default), 3 its BatchNorm1d (`[T, B, C]`). */
  readonly rank?: 3 | 5;
}

/** The `none` kind: passes its input through (no parameters). */
class NoNorm extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }

  override describe(): string {
    return 'Identity';
  }
}

/**
 * A {@link NormFactory} for one of the normalisation kinds, so architectures can take `norm` as
 * an option: `bn` (core's BatchNorm2d/1d), `tdbn` ({@link TdBatchNorm}), `tebn` ({@link TEBN}),
 * `bntt` ({@link BNTT}) or `none` (identity).
 *
 * @example
 * ```ts
 * const norm = normFactory('tebn', { timeSteps: 4 });
 * const bn = norm(64, 'features.1'); // a TEBN over 64 channels
 * ```
 */
export function normFactory(kind: NormKind, options: NormFactoryOptions = {}): NormFactory {
  const { eps, momentum } = options;
  const needT = (name: string): number => {
    const T = options.timeSteps;
    if (!Number.isInteger(T) || T! < 1) {
      throw new SpikeflowError('invalid-options', `normalisation '${kind}' of layer '${name}' needs options.timeSteps (a positive integer), got ${T}`);
    }
    return T!;
  };
  switch (kind) {
    case 'bn':
      return (channels) => (options.rank === 3 ? new BatchNorm1d(channels, { eps, momentum }) : new BatchNorm2d(channels, { eps, momentum }));
    case 'tdbn':
      return (channels) => new TdBatchNorm(channels, { eps, momentum, alpha: options.alpha, vThreshold: options.vThreshold });
    case 'tebn':
      return (channels, name) => new TEBN(channels, { eps, momentum, timeSteps: needT(name) });
    case 'bntt':
      return (channels, name) => new BNTT(channels, { eps, momentum, timeSteps: needT(name) });
    case 'none':
      return () => new NoNorm();
    default:
      throw new SpikeflowError('unknown-id', `unknown normalisation '${String(kind)}'; expected one of bn, tdbn, tebn, bntt, none`);
  }
}
