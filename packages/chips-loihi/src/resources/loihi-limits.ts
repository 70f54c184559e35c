/** Per-core and per-chip capacities of a Loihi generation, with where the figures come from. */
export interface LoihiLimits {
  readonly id: 'loihi1' | 'loihi2';
  readonly coresPerChip: number;
  /** Neuron compartments one core holds. */
  readonly neuronsPerCore: number;
  /** Bytes of synaptic memory per core (Loihi 2: the flexible memory shared with neuron state). */
  readonly synapticBytesPerCore: number;
  readonly neuronsPerChip: number;
  readonly synapsesPerChip: number;
  /** Whether a conv layer stores its kernels once (weight sharing) or every connection. */
  readonly sharedConvWeights: boolean;
  readonly source: string;
}

/**
 * Loihi 1: Davies et al., "Loihi: A Neuromorphic Manycore Processor with On-Chip Learning",
 * IEEE Micro 38(1), 2018 — 128 neuromorphic cores, 1,024 compartments and 128 KB of synaptic
 * memory per core, about 130k neurons and 130M synapses per chip.
 */
export const LOIHI1_LIMITS: LoihiLimits = {
  id: 'loihi1',
  coresPerChip: 128,
  neuronsPerCore: 1024,
  synapticBytesPerCore: 128 * 1024,
  neuronsPerChip: 131_072,
  synapsesPerChip: 130_000_000,
  sharedConvWeights: false,
  source: 'Davies et al., IEEE Micro 38(1) 2018: 128 cores/chip, 1024 compartments/core, 128 KB synaptic memory/core, ~130k neurons and 130M synapses/chip',
};

/**
 * Loihi 2: Intel, "Taking Neuromorphic Computing to the Next Level with Loihi 2" (technology
 * brief, 2021) — 128 neuromorphic cores, up to 1M neurons (8,192 per core) and 120M synapses per
 * chip, 192 KB of flexible memory per core; the brief lists convolutional weight sharing among its
 * connectivity compression features, so conv kernels are counted once per layer.
 */
export const LOIHI2_LIMITS: LoihiLimits = {
  id: 'loihi2',
  coresPerChip: 128,
  neuronsPerCore: 8192,
  synapticBytesPerCore: 192 * 1024,
  neuronsPerChip: 1_048_576,
  synapsesPerChip: 120_000_000,
  sharedConvWeights: true,
  source: 'Intel Loihi 2 technology brief (2021): 128 cores/chip, up to 1M neurons (8192/core) and 120M synapses/chip, 192 KB memory/core',
};
