import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['src/**/*.spec.ts'], testTimeout: 900_000, hookTimeout: 900_000, pool: 'forks' },
});
