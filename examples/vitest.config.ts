import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@spikeflow/source'] },
  ssr: { resolve: { conditions: ['@spikeflow/source'] } },
  test: { include: ['*.spec.ts'], testTimeout: 600_000, pool: 'forks' },
});
