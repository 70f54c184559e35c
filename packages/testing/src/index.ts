/**
 * Test helpers shared by the spikeflow packages. The vitest preset is a separate entry
 * (`@spikeflow/testing/vitest-preset`) because configs load it outside a test run.
 *
 * @example
 * ```ts
 * import { expectClose, expectSpikeflowError, tempDir } from '@spikeflow/testing';
 * ```
 */
export { expectClose } from './expect-close.js';
export { expectSpikeflowError } from './expect-spikeflow-error.js';
export { tempDir } from './temp-dir.js';
export { withTempDir } from './with-temp-dir.js';

export type { Numbers, Tolerance } from './expect-close.js';
export type { SpikeflowErrorLike, SpikeflowErrorResult } from './expect-spikeflow-error.js';
