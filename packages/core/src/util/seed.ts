import { Rng } from './rng.js';

let global = new Rng(0);

/**
 * Seed spikeflow's global generator, which layers draw their initial weights and dropout masks
 * from (as `torch.manual_seed`). Build the model after seeding for a reproducible run.
 */
export function manualSeed(seed: number): void {
  global = new Rng(seed);
}

/** The global generator (its state is saved in checkpoints). */
export function globalRng(): Rng {
  return global;
}
