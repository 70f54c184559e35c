import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { withTempDir } from '@spikeflow/testing';
import { exportNetwork } from '../export/export-network.js';
import type { ExportSamples } from '../export/data-file.js';
import type { PynnSimulator } from '../export/pynn-script.js';
import type { SpinnakerNetwork } from '../network/spinnaker-network.js';
import { PYTHON } from './python.js';
import type { ScriptOutput } from './spike-trains.js';

/**
 * Exports `net` with `samples` into a temporary folder and runs its `run.py --out spikes.json` with
 * {@link PYTHON}: directly, or through `wrapper` (a Python file that takes the script as its first
 * argument, such as the stand-in pyNN.spiNNaker). Returns the script's output and what it printed.
 */
export async function runExportedScript(
  net: SpinnakerNetwork,
  samples: ExportSamples,
  options: { simulator?: PynnSimulator; wrapper?: string; timeoutMs?: number } = {},
): Promise<{ out: ScriptOutput; stdout: string }> {
  return withTempDir(async (dir) => {
    const files = await exportNetwork(dir, net, { simulator: options.simulator, samples });
    const json = path.join(dir, 'spikes.json');
    const args = [...(options.wrapper ? [options.wrapper] : []), files.script, '--out', json];
    const { stdout } = await promisify(execFile)(PYTHON, args, { timeout: options.timeoutMs ?? 600_000, maxBuffer: 1 << 24 });
    return { out: JSON.parse(readFileSync(json, 'utf8')) as ScriptOutput, stdout };
  }, 'sf-spinn-run-');
}
