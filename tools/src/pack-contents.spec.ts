// The release check: what `npm pack` would publish for every public package is what users need and nothing
// else. One `npm pack --dry-run --json` call lists all workspaces (no tarballs are written, nothing is built).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface PackageInfo {
  readonly name: string;
  readonly dir: string;
  readonly json: Record<string, any>;
}

const publicPackages: PackageInfo[] = ['packages', 'apps']
  .flatMap((group) => readdirSync(path.join(root, group)).map((d) => path.join(root, group, d)))
  .filter((dir) => existsSync(path.join(dir, 'package.json')))
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private)
  .map((p) => ({ ...p, name: p.json.name as string }));

/** Files npm would publish, by package name. */
function packedFiles(): Map<string, Set<string>> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ...publicPackages.flatMap((p) => ['-w', p.name])], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const list = JSON.parse(out) as Array<{ name: string; files: Array<{ path: string }> }>;
  return new Map(list.map((p) => [p.name, new Set(p.files.map((f) => f.path))]));
}

/** Every file an `exports` map points at (all conditions), with the condition path for messages. */
function exportTargets(value: unknown, where = 'exports'): Array<{ where: string; target: string }> {
  if (typeof value === 'string') return [{ where, target: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => exportTargets(v, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => exportTargets(v, `${where}["${k}"]`));
  return [];
}

const norm = (p: string) => path.posix.normalize(p.replace(/^\.\//, ''));

/** Files git tracks under `dir` whose names end in `ext` (empty when this is not a git checkout). */
function committed(dir: string, ext: string): string[] {
  try {
    return execFileSync('git', ['ls-files', '--', '.'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((f) => f.endsWith(ext) && !f.includes('node_modules/'));
  } catch {
    return [];
  }
}

describe('published package contents (npm pack --dry-run)', () => {
  const files = packedFiles();
  const repoHasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].find((f) => existsSync(path.join(root, f)));

  it('covers every public package', () => {
    expect([...files.keys()].sort()).toEqual(publicPackages.map((p) => p.name).sort());
    expect(publicPackages.map((p) => p.name)).toEqual(expect.arrayContaining(['@spikeflow/core', '@spikeflow/neurons', 'spikeflow']));
  });

  describe.each(publicPackages)('$name', ({ name, dir, json }) => {
    const list = () => files.get(name) ?? new Set<string>();

    it('ships no tests, fixtures or build configuration', () => {
      const bad = [...list()].filter((f) => /(^|\/)(test-utils|fixtures|__tests__)\/|\.(spec|test)\.|vitest\.(config|setup)|(^|\/)tsconfig[^/]*\.json$|\.tsbuildinfo$/.test(f));
      expect(bad).toEqual([]);
    });

    it('ships README.md, package.json and the LICENSE when the repository has one', () => {
      expect(list().has('README.md')).toBe(true);
      expect(list().has('package.json')).toBe(true);
      if (repoHasLicense) expect(list().has(repoHasLicense)).toBe(true);
    });

    it('ships every file its exports, main, types, bin and spikeflow.plugin point at, with .d.ts for each .js entry', () => {
      const targets = [
        ...exportTargets(json.exports),
        ...(['main', 'types'] as const).filter((k) => json[k]).map((k) => ({ where: k, target: json[k] as string })),
        ...Object.entries(typeof json.bin === 'string' ? { [name]: json.bin } : (json.bin ?? {})).map(([k, v]) => ({ where: `bin.${k}`, target: v as string })),
        ...(json.spikeflow?.plugin ? [{ where: 'spikeflow.plugin', target: json.spikeflow.plugin as string }] : []),
      ];
      expect(targets.length).toBeGreaterThan(0);
      const missing = targets.filter((t) => !t.target.includes('*') && !list().has(norm(t.target))).map((t) => `${t.where} -> ${t.target}`);
      expect(missing).toEqual([]);
      const jsEntries = targets.map((t) => norm(t.target)).filter((t) => /\.[cm]?js$/.test(t) && !t.startsWith('bin/'));
      const untyped = jsEntries.filter((t) => !list().has(t.replace(/\.([cm]?)js$/, '.d.$1ts')));
      expect(untyped).toEqual([]);
    });

    it('has source maps whose sources are in the package (or inlined)', () => {
      const broken: string[] = [];
      for (const f of list()) {
        if (!f.endsWith('.map')) continue;
        const map = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { sources?: string[]; sourceRoot?: string; sourcesContent?: Array<string | null> };
        (map.sources ?? []).forEach((s, i) => {
          if (typeof map.sourcesContent?.[i] === 'string') return;
          const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(f), map.sourceRoot ?? '', s));
          if (!list().has(resolved)) broken.push(`${f} -> ${s}`);
        });
      }
      expect(broken.slice(0, 5)).toEqual([]);
    });

    it('ships the committed .wasm kernels', () => {
      const wasm = committed(dir, '.wasm');
      expect(wasm.filter((w) => !list().has(w))).toEqual([]);
    });
  });

  it('the versions code reports match package.json (plugin meta, CORE_VERSION, CLI_VERSION)', async () => {
    const mismatches: string[] = [];
    // Packages that declare a plugin entry, and those that have one without declaring it (the CLI's built-ins).
    const withPlugin = publicPackages.map((p) => ({ ...p, entry: p.json.spikeflow?.plugin ?? './dist/plugin.js' })).filter((p) => existsSync(path.join(p.dir, p.entry)));
    expect(withPlugin.length).toBeGreaterThanOrEqual(2);
    for (const { name, dir, json, entry } of withPlugin) {
      const mod = await import(pathToFileURL(path.join(dir, entry)).href);
      const meta = (typeof mod.default === 'function' ? mod.default() : mod.default).meta;
      if (meta.name !== name || meta.version !== json.version) mismatches.push(`${name}@${json.version}: plugin meta says ${meta.name}@${meta.version}`);
    }
    const core = publicPackages.find((p) => p.name === '@spikeflow/core')!;
    const coreVersion = /CORE_VERSION = '([^']+)'/.exec(readFileSync(path.join(core.dir, 'src', 'version.ts'), 'utf8'))?.[1];
    if (coreVersion !== core.json.version) mismatches.push(`@spikeflow/core@${core.json.version}: CORE_VERSION is ${coreVersion}`);
    const cli = publicPackages.find((p) => p.name === 'spikeflow')!;
    const cliVersion = /CLI_VERSION = '([^']+)'/.exec(readFileSync(path.join(cli.dir, 'src', 'cli.ts'), 'utf8'))?.[1];
    if (cliVersion !== cli.json.version) mismatches.push(`spikeflow@${cli.json.version}: CLI_VERSION is ${cliVersion}`);
    expect(mismatches).toEqual([]);
  });

  it('the CLI ships its bin launcher and the PyTorch peers of `spikeflow bench` (dist/peers/*.py)', () => {
    const cli = files.get('spikeflow')!;
    expect(cli.has('bin/spikeflow.js')).toBe(true);
    const peers = readdirSync(path.join(root, 'benchmarks', 'peers')).filter((f) => f.endsWith('.py'));
    expect(peers.length).toBeGreaterThan(0);
    expect(peers.filter((p) => !cli.has(`dist/peers/${p}`))).toEqual([]);
  });
});
