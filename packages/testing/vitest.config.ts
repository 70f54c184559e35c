// The preset is imported from source here: this package is the one that builds it.
import { spikeflowVitestConfig } from './src/vitest-preset.js';

export default spikeflowVitestConfig({ setupFiles: [] });
