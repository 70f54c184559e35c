import type { z } from 'zod';

/**
 * What every contribution (neuron, surrogate, architecture, dataset, encoder, loss, hardware
 * target) has in common: a short id, a one-line description and a zod schema for its options.
 * The registry keys it `namespace/id`, the namespace coming from the plugin that contributed it.
 */
export interface Descriptor<TOptions = unknown> {
  /** Short id, kebab-case, unique within its plugin's namespace (e.g. `lif`). */
  readonly id: string;
  /** One line shown by `spikeflow info`. */
  readonly description: string;
  /** Validates and defaults options; errors are reported with the descriptor's full id. */
  readonly options: z.ZodType<TOptions>;
}

/** A descriptor after registration, with the namespace and full id filled in. */
export type Registered<D extends Descriptor> = D & { readonly namespace: string; readonly fullId: string };
