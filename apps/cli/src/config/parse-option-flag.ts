import type { z } from 'zod';
import { SpikeflowError, didYouMean } from '@spikeflow/core';
import { formatConfigIssues, schemaKeysAt } from './config-issues.js';
import { parseKeyValues } from './run-config.js';

/**
 * Parse the `key=value` pairs of a `*-opt` flag (`--target-opt`, `--model-opt`, ...) and check them
 * against the options schema of the descriptor they configure, so a typo is reported with the flag,
 * the key, what was expected and a "did you mean" — for a key (also when `=value` is missing) and
 * for an enum value. Returns the raw pairs (the descriptor parses them again), or undefined for none.
 *
 * @example
 * ```ts
 * parseOptionFlag(['weightBit=8'], '--target-opt', sf.hardwareTargets.get('my-chip/toy'));
 * // throws invalid-options: "--target-opt: weightBit: unknown key (did you mean 'weightBits'?); ..."
 * ```
 */
export function parseOptionFlag(
  pairs: readonly string[] | undefined,
  flag: string,
  descriptor: { readonly fullId: string; readonly options: z.ZodType },
): Record<string, unknown> | undefined {
  const keys = schemaKeysAt(descriptor.options, []);
  for (const pair of pairs ?? []) {
    if (pair.indexOf('=') > 0) continue;
    const hint = didYouMean(pair, keys);
    throw new SpikeflowError(
      'invalid-options',
      `${flag} expects key=value, got '${pair}'${hint ? ` (did you mean '${hint}=<value>'?)` : ''}; options of ${descriptor.fullId}: ${keys.join(', ') || 'none'}`,
    );
  }
  const value = parseKeyValues(pairs, flag);
  const parsed = descriptor.options.safeParse(value ?? {});
  if (!parsed.success) {
    const lines = formatConfigIssues(parsed.error.issues, descriptor.options, [{ name: flag, value }]).map((l) => `${l} (${descriptor.fullId})`);
    throw new SpikeflowError('invalid-options', `invalid ${flag} (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.map((l) => `  ${l}`).join('\n')}`, {
      problems: lines,
    });
  }
  return value;
}
