import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@spikeflow/core';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { writeNetworkFile, type ExportSamples } from './data-file.js';
import { pynnScript, type PynnSimulator } from './pynn-script.js';

/** What {@link exportNetwork} wrote. */
export interface ExportedFiles {
  readonly dir: string;
  readonly script: string;
  readonly data: string;
}

/**
 * Write an export folder: `run.py` (the PyNN script, `pyNN.spiNNaker` by default) and
 * `network.safetensors` (weights, parameters and samples), each written atomically.
 *
 * @example
 * ```ts
 * await exportNetwork('out/spinnaker', mapModel(model, { timeSteps: 8 }), { simulator: 'brian2', samples });
 * ```
 */
export async function exportNetwork(dir: string, network: SpinnakerNetwork, options: { simulator?: PynnSimulator; samples?: ExportSamples } = {}): Promise<ExportedFiles> {
  await fs.mkdir(dir, { recursive: true });
  const script = path.join(dir, 'run.py');
  const data = path.join(dir, 'network.safetensors');
  await writeNetworkFile(data, network, options.samples);
  await writeFileAtomic(script, pynnScript(options.simulator ?? 'spinnaker'));
  await fs.chmod(script, 0o755);
  return { dir, script, data };
}
