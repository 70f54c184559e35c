import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** What a package's vitest config may change; each key given replaces the preset's value (arrays are not merged). */
export interface SpikeflowVitestOptions {
  /** Files run before each spec file (default `['./vitest.setup.ts']`, which selects the test backend). */
  readonly setupFiles?: string[];
  /** Files run once before all spec files (default none). */
  readonly globalSetup?: string[];
  /** Spec files (default `['src/**\/*.spec.ts']`). */
  readonly include?: string[];
  /** Per-test and per-hook timeout in ms (default 120 000: some specs train small networks). */
  readonly timeout?: number;
  /**
   * Resolve sibling packages through their `@spikeflow/source` export condition, so specs run against
   * sources without a build (default true).
   */
  readonly sourceCondition?: boolean;
}

/**
 * The vitest configuration every spikeflow package uses: specs beside the code, the test backend chosen
 * in `vitest.setup.ts`, one process per spec file (tfjs backends keep global state), long timeouts.
 *
 * @example
 * ```ts
 * // packages/<name>/vitest.config.ts
 * import { spikeflowVitestConfig } from '@spikeflow/testing/vitest-preset';
 * export default spikeflowVitestConfig({ globalSetup: ['./vitest.global-setup.ts'] });
 * ```
 */
export function spikeflowVitestConfig(options: SpikeflowVitestOptions = {}): ViteUserConfig {
  const timeout = options.timeout ?? 120_000;
  const conditions = options.sourceCondition === false ? undefined : { conditions: ['@spikeflow/source'] };
  return defineConfig({
    ...(conditions ? { resolve: conditions, ssr: { resolve: conditions } } : {}),
    test: {
      include: options.include ?? ['src/**/*.spec.ts'],
      setupFiles: options.setupFiles ?? ['./vitest.setup.ts'],
      ...(options.globalSetup ? { globalSetup: options.globalSetup } : {}),
      testTimeout: timeout,
      hookTimeout: timeout,
      pool: 'forks',
    },
  });
}
