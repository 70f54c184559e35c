// A plugin started from a spikeflow checkout must install and test while @spikeflow/core is not on npm
// (a registry range fails with E404): the generator links the checkout's core, or a folder/tarball given by --core.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../test-utils/run-cli.js';
import { resolveCoreSource } from './core-source.js';

afterEach(() => vi.restoreAllMocks());

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const checkoutCore = path.join(root, 'packages', 'core');
const tmp = tempDir('sf-core-source-');

// A user's shell: none of npm's or vitest's per-run variables.
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$|VITEST|FORCE_COLOR$)/.test(k))), NO_COLOR: '1' };
function npm(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 420_000, maxBuffer: 64 << 20 });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}
const devCore = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).devDependencies['@spikeflow/core'];

describe('plugins new: where @spikeflow/core comes from', () => {
  it('run from this checkout, links its core; the plugin installs, passes npm test and typechecks without the registry having core', async () => {
    expect(resolveCoreSource()).toEqual({ spec: `file:${checkoutCore}`, from: 'workspace' });
    {
      const dir = path.join(tmp, 'leaky');
      const r = await runCli('plugins', 'new', 'spikeflow-plugin-leaky', '--kind', 'neuron', '--dir', dir, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).core).toBe(`file:${checkoutCore}`);
      expect(devCore(dir)).toBe(`file:${checkoutCore}`);
      expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(`installed from \`${checkoutCore}\``);
      const install = npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
      expect(install.code, install.out).toBe(0);
      expect(install.out).not.toContain('E404');
      // A link to the checkout (npm does not install a linked folder's dependencies when it is outside the project).
      expect(readFileSync(path.join(dir, 'node_modules', '@spikeflow', 'core', 'package.json'), 'utf8')).toBe(readFileSync(path.join(checkoutCore, 'package.json'), 'utf8'));
      expect(existsSync(path.join(checkoutCore, 'node_modules', 'vitest'))).toBe(false);
      const test = npm(['test'], dir);
      expect(test.code, test.out).toBe(0);
      expect(test.out).toMatch(/Tests\s+\d+ passed/);
      expect(npm(['run', 'typecheck'], dir).code).toBe(0);
    }
  }, 540_000);

  it('a task plugin (task, loss, metrics and dataset in one package) installs, passes its own npm test and typechecks', async () => {
    const dir = path.join(tmp, 'tags');
    const r = await runCli('plugins', 'new', 'spikeflow-plugin-tags', '--kind', 'task', '--dir', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(devCore(dir)).toBe(`file:${checkoutCore}`);
    const install = npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
    expect(install.code, install.out).toBe(0);
    const test = npm(['test'], dir);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toMatch(/Tests\s+9 passed/);
    const typecheck = npm(['run', 'typecheck'], dir);
    expect(typecheck.code, typecheck.out).toBe(0);
  }, 540_000);

  it('--core takes a built core folder or an npm pack tarball, and names what is wrong otherwise', async () => {
    const tgz = path.join(tmp, 'spikeflow-core-0.1.0.tgz');
    writeFileSync(tgz, '');
    const a = await runCli('plugins', 'new', 'spikeflow-plugin-a', '--kind', 'surrogate', '--dir', path.join(tmp, 'a'), '--core', tgz);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain(`@spikeflow/core from file:${tgz}`);
    expect(devCore(path.join(tmp, 'a'))).toBe(`file:${tgz}`);
    expect(resolveCoreSource({ core: 'packages/core', cwd: root })).toEqual({ spec: `file:${checkoutCore}`, from: 'option' });

    const notCore = path.join(tmp, 'not-core');
    mkdirSync(notCore);
    writeFileSync(path.join(notCore, 'package.json'), '{"name":"left-pad"}');
    for (const [core, message] of [
      [path.join(tmp, 'missing.tgz'), /no such file or folder/],
      [notCore, /'left-pad', not @spikeflow\/core/],
      [path.join(notCore, 'package.json'), /not a \.tgz tarball/],
    ] as const) {
      expectSpikeflowError(() => resolveCoreSource({ core }), 'invalid-options', message);
    }
    const bad = await runCli('plugins', 'new', 'spikeflow-plugin-b', '--kind', 'neuron', '--dir', path.join(tmp, 'b'), '--core', notCore);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not @spikeflow\/core/);
    expect(existsSync(path.join(tmp, 'b'))).toBe(false);
  });
});
