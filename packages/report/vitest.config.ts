import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@spikeflow/source'] },
  ssr: { resolve: { conditions: ['@spikeflow/source'] } },
  test: { include: ['src/**/*.spec.ts'], setupFiles: ['./vitest.setup.ts'], testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks' },
});
