import { SpikeflowError } from '../errors/spikeflow-error.js';

/** Maps a global step to a learning rate. */
export interface LrSchedule {
  readonly kind: string;
  lrAt(step: number): number;
}

/** A constant learning rate. */
export function constantLr(lr: number): LrSchedule {
  return { kind: 'constant', lrAt: () => lr };
}

/**
 * Cosine annealing from `lr` to `minLr` over `totalSteps` (per step, after an optional linear
 * warm-up), as `CosineAnnealingLR` stepped every iteration: `min + (lr − min)·(1 + cos(π·t/T))/2`.
 */
export function cosineLr(options: { lr: number; totalSteps: number; minLr?: number; warmupSteps?: number }): LrSchedule {
  const { lr, totalSteps } = options;
  const minLr = options.minLr ?? 0;
  const warmup = options.warmupSteps ?? 0;
  if (!(totalSteps > 0)) throw new SpikeflowError('invalid-options', `cosine schedule needs totalSteps > 0, got ${totalSteps}`);
  return {
    kind: 'cosine',
    lrAt(step: number) {
      if (step < warmup) return (lr * (step + 1)) / warmup;
      const t = Math.min(1, (step - warmup) / Math.max(1, totalSteps - warmup));
      return minLr + ((lr - minLr) * (1 + Math.cos(Math.PI * t))) / 2;
    },
  };
}
