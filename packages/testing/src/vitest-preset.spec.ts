import { describe, expect, it } from 'vitest';
import { spikeflowVitestConfig } from './vitest-preset.js';

describe('spikeflowVitestConfig', () => {
  it('resolves siblings from source, runs src specs in forks with the backend setup and long timeouts', () => {
    const c = spikeflowVitestConfig();
    expect(c.resolve?.conditions).toEqual(['@spikeflow/source']);
    expect(c.ssr?.resolve?.conditions).toEqual(['@spikeflow/source']);
    expect(c.test).toEqual({ include: ['src/**/*.spec.ts'], setupFiles: ['./vitest.setup.ts'], testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks' });
  });

  it('replaces what is given instead of merging arrays, and can leave the source condition out', () => {
    const c = spikeflowVitestConfig({ setupFiles: [], globalSetup: ['./g.ts'], timeout: 900_000, sourceCondition: false });
    expect(c.resolve).toBeUndefined();
    expect(c.ssr).toBeUndefined();
    expect(c.test).toEqual({ include: ['src/**/*.spec.ts'], setupFiles: [], globalSetup: ['./g.ts'], testTimeout: 900_000, hookTimeout: 900_000, pool: 'forks' });
  });
});
