import { spikeflowVitestConfig } from '@spikeflow/testing/vitest-preset';

export default spikeflowVitestConfig();
