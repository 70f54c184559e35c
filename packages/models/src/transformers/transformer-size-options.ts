// Internal: not exported from the package.
import { z } from 'zod';

/**
 * The zod options both transformers open with, in this order: blocks L (`depth`), embedding dim D
 * (`dim`), `heads` and the MLP ratio (4 in both papers); `defaults` are the published model's L, D
 * and heads.
 *
 * @example
 * ```ts
 * const options = z.object({ ...transformerSizeOptions({ depth: 4, dim: 384, heads: 12 }), scale: z.number() }).strict();
 * ```
 */
export function transformerSizeOptions(defaults: { readonly depth: number; readonly dim: number; readonly heads: number }) {
  return {
    depth: z.number().int().positive().default(defaults.depth),
    dim: z.number().int().positive().default(defaults.dim),
    heads: z.number().int().positive().default(defaults.heads),
    mlpRatio: z.number().positive().default(4),
  };
}
