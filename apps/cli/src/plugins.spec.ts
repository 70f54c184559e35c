import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_VERSION, SpikeflowError } from '@spikeflow/core';
import { expectSpikeflowError, tempDir } from '@spikeflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkCoreCompatibility, discoverPluginPackages, loadSpikeflow } from './run/plugins.js';
import { generatePlugin, namespaceFromName, PLUGIN_KINDS } from './plugins-template/generate-plugin.js';
import { runCli } from './test-utils/run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// A folder outside the workspace with hand-written plugin packages in node_modules. Their dist imports the
// built core (a second copy next to the source core vitest uses), which is what discovery must cope with.
const tmp = tempDir('spikeflow-plugins-');
const nm = path.join(tmp, 'node_modules');

function writePackage(name: string, pkg: Record<string, unknown>, pluginJs?: string): void {
  const dir = path.join(nm, name);
  mkdirSync(path.join(dir, 'dist'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.2.3', type: 'module', spikeflow: { plugin: './dist/plugin.js' }, ...pkg }));
  if (pluginJs) writeFileSync(path.join(dir, 'dist', 'plugin.js'), pluginJs);
}

const GOOD_PLUGIN = `import { definePlugin } from '@spikeflow/core';
import { z } from 'zod';
const enc = { id: 'twice', description: 'repeats the input twice', options: z.object({}).strict(), create: () => ({ id: 'acme/twice', encode: (x) => x }) };
export default function acme() { return definePlugin({ name: 'acme-spikeflow', version: '1.2.3', namespace: 'acme' }, { encoders: [enc] }); }
`;

// The installed core is the built dist only, as a published tarball has it: the workers vitest starts pass
// `--conditions @spikeflow/source`, which would send Node's own import of the workspace package to src/*.ts.
mkdirSync(path.join(nm, '@spikeflow', 'core'), { recursive: true });
writeFileSync(
  path.join(nm, '@spikeflow', 'core', 'package.json'),
  JSON.stringify({ name: '@spikeflow/core', version: CORE_VERSION, type: 'module', exports: { '.': './dist/index.js' } }),
);
symlinkSync(path.join(root, 'packages', 'core', 'dist'), path.join(nm, '@spikeflow', 'core', 'dist'), 'dir');
symlinkSync(path.join(root, 'node_modules', 'zod'), path.join(nm, 'zod'), 'dir');
writePackage('acme-spikeflow', { peerDependencies: { '@spikeflow/core': `^${CORE_VERSION}` } }, GOOD_PLUGIN);
writePackage('future-spikeflow', { peerDependencies: { '@spikeflow/core': '^9.0.0' } }, GOOD_PLUGIN.replace(/acme/g, 'future'));
writePackage('@scope/unbuilt-spikeflow', {});
writePackage('not-a-plugin', { spikeflow: undefined });

afterEach(() => vi.restoreAllMocks());

describe('plugin discovery', () => {
  it('finds packages declaring spikeflow.plugin, scoped or not, with their core range', () => {
    const found = discoverPluginPackages(tmp).sort((a, b) => a.name.localeCompare(b.name));
    expect(found.map((p) => p.name)).toEqual(['@scope/unbuilt-spikeflow', 'acme-spikeflow', 'future-spikeflow']);
    expect(found[1]).toMatchObject({ version: '1.2.3', coreRange: `^${CORE_VERSION}`, entry: path.join(nm, 'acme-spikeflow', 'dist', 'plugin.js') });
  });

  it('checks the core range with semver and names both versions when it does not fit', () => {
    const pkg = (coreRange?: string) => ({ name: 'p', version: '1.0.0', coreRange });
    for (const ok of [undefined, '^0.1.0', '0.1.x', '>=0.1.0 <0.2.0', '~0.1.0', '^0.0.1 || ^0.1.0', 'workspace:*'])
      expect(checkCoreCompatibility(pkg(ok), '0.1.0')).toBeUndefined();
    for (const bad of ['^0.2.0', '^1.0.0', '<0.1.0', '~0.0.9']) {
      const e = checkCoreCompatibility(pkg(bad), '0.1.0');
      expect(SpikeflowError.is(e, 'invalid-plugin')).toBe(true);
      expect(e!.message).toContain(bad);
      expect(e!.message).toContain('0.1.0');
    }
    // A core minor stays inside a caret range from 1.x on, which is what lets plugins skip majors.
    expect(checkCoreCompatibility(pkg('^1.0.0'), '1.4.0')).toBeUndefined();
    expect(checkCoreCompatibility(pkg('banana'), '0.1.0')?.message).toMatch(/unparseable.*'banana'/);
  });

  it('loads the compatible plugin and skips the others with a warning naming the reason', async () => {
    const { sf, loaded, skipped } = await (async () => {
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        return await loadSpikeflow({ cwd: tmp });
      } finally {
        expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/skipped plugin package 'future-spikeflow'.*\^9\.0\.0.*0\.1\.0/);
      }
    })();
    expect(sf.encoders.get('twice').fullId).toBe('acme/twice');
    expect(loaded.find((l) => l.plugin.meta.name === 'acme-spikeflow')).toMatchObject({ builtIn: false, packageDir: path.join(nm, 'acme-spikeflow') });
    expect(skipped.map((s) => s.name).sort()).toEqual(['@scope/unbuilt-spikeflow', 'future-spikeflow']);
    expect(skipped.find((s) => s.name === '@scope/unbuilt-spikeflow')!.error.message).toMatch(/does not exist; was it built/);
    await expectSpikeflowError(loadSpikeflow({ cwd: tmp, onIncompatible: 'throw' }), 'invalid-plugin');
  });
});

describe('spikeflow plugins list', () => {
  it('shows built-ins and discovered plugins with source and contributions', async () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    let r: Awaited<ReturnType<typeof runCli>>;
    try {
      r = await runCli('plugins', 'list', '--json');
    } finally {
      process.chdir(cwd);
    }
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      core: string;
      plugins: Array<{ name: string; namespace: string; source: string; contributions: Record<string, string[]> }>;
      skipped: Array<{ name: string; reason: string }>;
    };
    const byNs = new Map(out.plugins.map((p) => [p.namespace, p]));
    expect([...byNs.keys()]).toEqual(['core', 'neurons', 'datasets', 'models', 'loihi', 'spinnaker', 'acme']);
    expect(byNs.get('core')!.contributions.losses).toEqual([
      'core/ce-mean',
      'core/ce-membrane',
      'core/huber',
      'core/mae',
      'core/mse',
      'core/mse-membrane',
      'core/mse-rate',
      'core/tet',
    ]);
    expect(byNs.get('core')!.contributions.tasks).toEqual(['core/classification', 'core/regression']);
    expect(byNs.get('core')!.contributions.metrics).toEqual(expect.arrayContaining(['core/accuracy', 'core/top-k', 'core/r2', 'core/rrse', 'core/corr']));
    expect(byNs.get('neurons')!.contributions.neurons).toContain('neurons/lif');
    expect(byNs.get('loihi')!.contributions).toEqual({ hardwareTargets: ['loihi/loihi1', 'loihi/loihi2'] });
    expect(byNs.get('neurons')!.source).toBe('built-in');
    expect(byNs.get('acme')).toEqual({
      name: 'acme-spikeflow',
      version: '1.2.3',
      namespace: 'acme',
      source: path.join(nm, 'acme-spikeflow'),
      contributions: { encoders: ['acme/twice'] },
    });
    expect(out.skipped.map((s) => s.name).sort()).toEqual(['@scope/unbuilt-spikeflow', 'future-spikeflow']);
    expect(r.stderr).toMatch(/warning: skipped plugin package 'future-spikeflow'/);
  });
});

describe('spikeflow plugins new', () => {
  it('derives namespaces from package names', () => {
    expect(namespaceFromName('spikeflow-plugin-leaky')).toBe('leaky');
    expect(namespaceFromName('@me/spikeflow-izhikevich')).toBe('izhikevich');
    expect(namespaceFromName('my-chip-spikeflow-plugin')).toBe('my-chip');
  });

  it('writes a package for every kind with the plugin field, the core peer range and a spec', () => {
    for (const kind of PLUGIN_KINDS) {
      const dir = path.join(tmp, 'gen', kind);
      const r = generatePlugin({ name: `@me/spikeflow-${kind}-demo`, kind, dir });
      expect(r.namespace).toBe(`${kind}-demo`);
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      expect(pkg.spikeflow).toEqual({ plugin: './dist/plugin.js' });
      expect(pkg.peerDependencies).toEqual({ '@spikeflow/core': `^${CORE_VERSION}` });
      expect(pkg.files).toEqual(['dist', 'README.md']);
      // The task kind ships its data too: a spec for the task and one for its dataset.
      expect(r.files.filter((f) => f.endsWith('.spec.ts'))).toHaveLength(kind === 'task' ? 2 : 1);
      expect(readFileSync(path.join(dir, 'src', 'plugin.ts'), 'utf8')).toContain(`namespace: '${kind}-demo'`);
      expect(readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain(r.id);
    }
  });

  it('the task kind registers its task, its own loss, metrics and dataset, and its README says what the trainer asks of it', async () => {
    expect(PLUGIN_KINDS).toContain('task');
    const dir = path.join(tmp, 'task-kind');
    const r = await runCli('plugins', 'new', 'spikeflow-plugin-tags', '--kind', 'task', '--dir', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).id).toBe('tags/multi-label');
    const plugin = readFileSync(path.join(dir, 'src', 'plugin.ts'), 'utf8');
    expect(plugin).toContain(
      '{ tasks: [multiLabelTaskDescriptor], losses: [binaryCrossEntropyDescriptor], metrics: [hammingAccuracyDescriptor, subsetAccuracyDescriptor], datasets: [multiBarsDescriptor] }',
    );
    // Every descriptor the plugin registers is imported and exported from the package.
    const index = readFileSync(path.join(dir, 'src', 'index.ts'), 'utf8');
    for (const d of ['multiLabelTaskDescriptor', 'binaryCrossEntropyDescriptor', 'hammingAccuracyDescriptor', 'subsetAccuracyDescriptor', 'multiBarsDescriptor']) {
      expect(plugin).toMatch(new RegExp(`import \\{[^}]*\\b${d}\\b[^}]*\\} from`));
      expect(index).toContain(d);
    }
    // Ids inside the sources follow the namespace (metric ids are full ids in the task's metric list).
    expect(readFileSync(path.join(dir, 'src', 'multi-label-task.ts'), 'utf8')).toContain("{ name: 'hamming', id: 'tags/hamming-accuracy' }");
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('## The task');
    expect(readme).toMatch(/\*\*selection\*\*: the best checkpoint has the highest `hamming`/);
    expect(readme).toContain('spikeflow train --task tags/multi-label --dataset tags/multi-bars');
  });

  it('refuses bad names, built-in namespaces and non-empty folders; the CLI reports them as typed errors', async () => {
    expect(() => generatePlugin({ name: 'Bad Name', kind: 'neuron', dir: path.join(tmp, 'x1') })).toThrowError(/not a valid npm name/);
    expect(() => generatePlugin({ name: 'spikeflow-plugin-neurons', kind: 'neuron', dir: path.join(tmp, 'x2') })).toThrowError(/belongs to a built-in/);
    expect(() => generatePlugin({ name: 'p', kind: 'neuron', dir: path.join(tmp, 'gen', 'neuron') })).toThrowError(/not empty/);
    const r = await runCli('plugins', 'new', 'spikeflow-plugin-x', '--kind', 'synapse', '--dir', path.join(tmp, 'x3'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--kind must be one of neuron, surrogate, architecture, dataset, chip, task, got 'synapse'/);
    expect(existsSync(path.join(tmp, 'x3'))).toBe(false);
    const ok = await runCli('plugins', 'new', 'spikeflow-plugin-bars', '--kind', 'dataset', '--dir', path.join(tmp, 'x4'), '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).id).toBe('bars/bars');
  });
});
