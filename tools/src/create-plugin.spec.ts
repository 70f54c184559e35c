// The npm-create wrapper forwards to the CLI's generator (`spikeflow plugins new`), found through package resolution.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@spikeflow/testing';
import { describe, expect, it } from 'vitest';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../create-plugin/bin/create-spikeflow-plugin.js');
const tmp = tempDir('create-plugin-');

const create = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8' });

describe('create-spikeflow-plugin', () => {
  it('generates a neuron plugin by default, in a folder named after the package', () => {
    const r = create('@me/spikeflow-leaky');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('contributes leaky/leaky');
    const pkg = JSON.parse(readFileSync(path.join(tmp, 'spikeflow-leaky', 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: '@me/spikeflow-leaky', spikeflow: { plugin: './dist/plugin.js' } });
    expect(readFileSync(path.join(tmp, 'spikeflow-leaky', 'src', 'leaky-node.spec.ts'), 'utf8')).toContain('createSpikeflow');
  });

  it('passes --kind and --dir through; without a name it prints the usage and fails', () => {
    const ok = create('spikeflow-plugin-bars', '--kind', 'dataset', '--dir', 'bars');
    expect(ok.status).toBe(0);
    expect(readFileSync(path.join(tmp, 'bars', 'src', 'plugin.ts'), 'utf8')).toContain('datasets: [barsDescriptor]');
    expect(create().status).toBe(1);
    expect(create('--help').stdout).toMatch(/usage: npm create spikeflow-plugin/);
  });
});
