import { SpikeflowError, didYouMean, type Spikeflow } from '@spikeflow/core';
import { formatConfigIssues, type ConfigLayer } from './config-issues.js';
import { surrogateProblem } from './surrogate-problem.js';
import type { RunConfig } from './run-config.js';

const REGISTRIES = { model: 'architectures', neuron: 'neurons', dataset: 'datasets', encoder: 'encoders', loss: 'losses', task: 'tasks' } as const;

/**
 * Check the component ids and their options (`model.options`, `neuron.options`, `dataset.options`,
 * ...) and the neuron's surrogate id against the
 * registered descriptors before anything is built, so those mistakes are reported like the rest
 * of the config: where the value came from, its key path, what was expected, and a "did you mean"
 * for unknown ids and option keys. All problems are listed at once.
 *
 * @example
 * ```ts
 * checkComponents(sf, config, [{ name: 'run.yaml', value: file }]); // throws invalid-options / unknown-id
 * ```
 */
export function checkComponents(sf: Spikeflow, config: RunConfig, layers: readonly ConfigLayer[]): void {
  const lines: string[] = [];
  let kind: 'invalid-options' | 'unknown-id' = 'invalid-options';
  for (const [key, registryName] of Object.entries(REGISTRIES) as Array<[keyof typeof REGISTRIES, (typeof REGISTRIES)[keyof typeof REGISTRIES]]>) {
    const registry = sf[registryName];
    // The task is optional (then it follows from the dataset, and the run checks its options).
    const component = config[key];
    if (component?.id === undefined) continue;
    const { id, options } = component as { id: string; options: Record<string, unknown> };
    let descriptor;
    try {
      descriptor = registry.get(id);
    } catch (e) {
      if (!SpikeflowError.is(e, 'unknown-id')) throw e;
      const known = registry.list().flatMap((d) => [d.id, d.fullId]);
      const hint = didYouMean(id, known);
      const source = [...layers].reverse().find((l) => (l.value?.[key] as { id?: unknown } | string | undefined) !== undefined)?.name ?? 'defaults';
      lines.push(`${source}: ${key}.id: ${e.message}${hint ? ` (did you mean '${hint}'?)` : ''}`);
      kind = 'unknown-id';
      continue;
    }
    const parsed = descriptor.options.safeParse(options);
    if (!parsed.success) lines.push(...formatConfigIssues(parsed.error.issues, descriptor.options, layers, [key, 'options']).map((l) => `${l} (${descriptor.fullId})`));
    else if (key === 'neuron') {
      // The neuron's surrogate is an id too; the neuron would only look it up when the model is built.
      const problem = surrogateProblem(sf, options);
      if (problem) {
        const source =
          [...layers].reverse().find((l) => (l.value?.neuron as { options?: { surrogate?: unknown } } | undefined)?.options?.surrogate !== undefined)?.name ?? 'defaults';
        lines.push(`${source}: neuron.options.surrogate: ${problem} (${descriptor.fullId})`);
        kind = 'unknown-id';
      }
    }
  }
  if (lines.length)
    throw new SpikeflowError(kind, `invalid configuration (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.map((l) => `  ${l}`).join('\n')}`, {
      problems: lines,
    });
}
