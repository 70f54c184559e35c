import type { CoordinatorOptions } from '../coordinator/coordinator.js';
import { tempDir } from './processes.js';

/**
 * A test coordinator's options: on loopback at a free port, starting with one worker, in a fresh run
 * folder, for the job `options` names (config, fingerprint, plan); `options` may replace any default.
 */
export function coordinatorOptions(options: Pick<CoordinatorOptions, 'config' | 'fingerprint' | 'plan'> & Partial<CoordinatorOptions>): CoordinatorOptions {
  return { bind: 'tcp://127.0.0.1:0', minWorkers: 1, ...options, runDir: options.runDir ?? tempDir() };
}
