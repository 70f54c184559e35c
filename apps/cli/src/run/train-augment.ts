import { imageAugmentPolicy, type BatchAugment } from '@spikeflow/datasets';
import type { RunConfig } from '../config/run-config.js';

/**
 * The training batches' augmentation of a run (`--augment`), or undefined for none. Each sample's draw
 * depends only on (seed, epoch, dataset index), so a resumed run and every cluster worker augment a
 * sample the same way; test and valid batches are never augmented.
 */
export function trainAugment(config: Pick<RunConfig, 'augment'>): BatchAugment | undefined {
  const a = config.augment;
  if (!a || (a.crop === undefined && !a.flip && a.cutout === undefined)) return undefined;
  return imageAugmentPolicy({ cropPadding: a.crop, flip: a.flip, cutout: a.cutout === undefined ? undefined : { size: a.cutout } });
}
