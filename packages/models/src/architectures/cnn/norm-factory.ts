import { BatchNorm2d } from '@spikeflow/core';
import { normFactory, type NormFactory, type NormKind } from '../../normalization/norm-factory.js';

export type { NormFactory };

/**
 * The normalisation after each convolution: a {@link NormFactory} (TypeScript API), or the name of one
 * of the kinds config files and the CLI use (`bn`, `tdbn`, `tebn`, `bntt`, `none`).
 *
 * @example
 * ```ts
 * const net = spikingResNet({ depth: 18, norm: (c) => new BatchNorm2d(c, { momentum: 0.05 }) }, context);
 * const tdbn = sewResNet({ depth: 18, norm: 'tdbn', connect: 'ADD' }, context);
 * ```
 */
export type NormChoice = NormFactory | NormKind;

/** The normalisation names the CNN descriptors accept. */
export const NORM_KINDS = ['bn', 'tdbn', 'tebn', 'bntt', 'none'] as const satisfies readonly NormKind[];

/** Core's BatchNorm2d (PyTorch defaults), what SpikingJelly's models use unless told otherwise. */
export const batchNorm2dFactory: NormFactory = (channels) => new BatchNorm2d(channels);

/** The factory for a choice; names of per-step kinds (`tebn`, `bntt`) take T from the architecture context. */
export function resolveNorm(norm: NormChoice | undefined, timeSteps: number | undefined): NormFactory {
  if (norm === undefined || norm === 'bn') return batchNorm2dFactory;
  return typeof norm === 'function' ? norm : normFactory(norm, { timeSteps });
}

/** True for kinds with per-time-step parameters, which cannot run inside a time-invariant stem. */
export function isPerStepNorm(norm: NormChoice | undefined): boolean {
  return norm === 'tebn' || norm === 'bntt';
}
