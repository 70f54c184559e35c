import { spikeflowVitestConfig } from '@spikeflow/testing/vitest-preset';

// The pack-and-install check builds, packs and installs every package: minutes, not seconds. No backend setup:
// these specs run npm and tsc, not tensors.
export default spikeflowVitestConfig({ setupFiles: [], timeout: 900_000, sourceCondition: false });
