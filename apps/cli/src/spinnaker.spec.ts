// `spikeflow export|simulate --target spinnaker` on a lif-mlp trained here on real Fashion-MNIST.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNetworkFile, simulateReference } from '@spikeflow/chips-spinnaker';
import { tempDir } from '@spikeflow/testing';
import { runCli as run } from './test-utils/run-cli.js';
import { runFromBareFolder } from './test-utils/bare-cwd.js';
import { FMNIST, fmnistFlags, haveFashionMnist as haveData } from './test-utils/fashion-mnist.js';
import { lastJson } from './test-utils/json-lines.js';

if (!haveData) console.warn(`skipping the SpiNNaker CLI tests: no Fashion-MNIST in ${FMNIST}`);
const PYTHON = '/usr/bin/python3';
let havePynn = false;
try {
  execFileSync(PYTHON, ['-c', 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("pyNN") and u.find_spec("brian2") else 1)'], { stdio: 'pipe' });
  havePynn = true;
} catch {
  console.warn(`skipping the PyNN+Brian2 run of the exported lif-mlp: ${PYTHON} lacks pyNN or brian2 (Debian python3-pynn, python3-brian)`);
}

runFromBareFolder();

describe.skipIf(!haveData)('spikeflow export / simulate --target spinnaker (needs dataset-fashion-mnist)', () => {
  const ckpt = tempDir('sf-spinn-cli-');
  beforeAll(async () => {
    const r = await run('train', ...fmnistFlags({ subset: 4096, testSubset: 256, T: 8, seed: 1 }), '--out', ckpt);
    expect(r.code, r.stderr).toBe(0);
  });

  it('simulate: the s16.15 accuracy is within 1.5 points of the float model; 3 cores on 1 chip', async () => {
    const r = await run('simulate', '--target', 'spinnaker', '--checkpoint', ckpt, '--test-subset', '1000', ...fmnistFlags(), '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = lastJson(r.stdout);
    expect(s).toMatchObject({ type: 'simulate', target: 'spinnaker', samples: 1000, timeSteps: 8 });
    expect(s.floatAccuracy).toBeGreaterThan(0.6); // it learnt something
    // The float64 reference of the exported parameters is the float model up to float32 rounding.
    expect(Math.abs(s.referenceAccuracy - s.floatAccuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(s.drop)).toBeLessThanOrEqual(1.5);
    expect(s.resources).toMatchObject({ cores: 3, chips: 1, boards: 1, fits: true });
    expect(s.quantization[1].population).toBe('layer2');
  });

  it('export: writes run.py + network.safetensors; PyNN+Brian2 reproduces the reference spikes', async () => {
    const out = path.join(tempDir('sf-spinn-exp-'), 'mlp');
    const r = await run('export', '--target', 'spinnaker', '--checkpoint', ckpt, '--out', out, '--simulator', 'brian2', '--samples', '2', ...fmnistFlags(), '--json');
    expect(r.code, r.stderr).toBe(0);
    const e = lastJson(r.stdout);
    expect(e).toMatchObject({ type: 'export', target: 'spinnaker', simulator: 'brian2', samples: 2 });
    const { network, samples } = await readNetworkFile(path.join(out, 'network.safetensors'));
    expect(network.populations.map((p) => p.size)).toEqual([512, 10]);
    expect(samples?.kind).toBe('currents');
    if (!havePynn || samples?.kind !== 'currents') return;
    await promisify(execFile)(PYTHON, [path.join(out, 'run.py')], { timeout: 600_000, maxBuffer: 1 << 24 });
    const got = JSON.parse(readFileSync(path.join(out, 'spikes.json'), 'utf8'));
    for (let s = 0; s < 2; s++) {
      const ref = simulateReference(network, { currents: samples.currents.subarray(s * 512, (s + 1) * 512) });
      for (const pop of network.populations) {
        const spikes = ref.get(pop.name)!;
        const trains = Array.from({ length: pop.size }, (_, j) => Array.from({ length: network.timeSteps }, (_, t) => t).filter((t) => spikes[t * pop.size + j]));
        expect(got.samples[s].spikes[pop.name], `sample ${s} ${pop.name}`).toEqual(trains);
      }
    }
  });

  it('bad options are typed errors', async () => {
    let r = await run('export', '--target', 'spinnaker', '--checkpoint', ckpt, '--out', path.join(tmpdir(), 'x'), '--format', 'netx', '--data-dir', FMNIST);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spikeflow: error (invalid-options): --format for SpiNNaker must be pynn');
    r = await run('export', '--target', 'spinnaker', '--checkpoint', ckpt, '--out', path.join(tmpdir(), 'x'), '--simulator', 'loihi', '--data-dir', FMNIST);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--simulator must be spinnaker, brian2 or nest');
  });
});
