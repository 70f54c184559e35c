import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { assertPlugin, CORE_VERSION, createSpikeflow, SpikeflowError, type Plugin, type Spikeflow } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { datasets } from '@spikeflow/datasets';
import { models } from '@spikeflow/models';
import { isMissingPackage } from './optional-package.js';

/** A plugin with where it came from, for `spikeflow info` and `spikeflow plugins list`. */
export interface LoadedPlugin {
  readonly plugin: Plugin;
  /** The package name for built-ins, the absolute entry file for discovered packages. */
  readonly source: string;
  /** True for the plugins the CLI ships with. */
  readonly builtIn?: boolean;
  /** Folder of the discovered package (absent for built-ins). */
  readonly packageDir?: string;
}

/** An installed package that declares `"spikeflow": { "plugin": ... }`. */
export interface DiscoveredPluginPackage {
  readonly name: string;
  /** Absolute path of the plugin entry file. */
  readonly entry: string;
  readonly dir: string;
  readonly version: string;
  /** The package's `@spikeflow/core` range (peer, else regular dependency), if it declares one. */
  readonly coreRange?: string;
}

/** A discovered package that was not loaded, and why (a typed error naming the versions or the fault). */
export interface SkippedPlugin {
  readonly name: string;
  readonly dir: string;
  readonly error: SpikeflowError;
}

const BUILT_IN = new Set(['@spikeflow/core', '@spikeflow/neurons', '@spikeflow/datasets', '@spikeflow/models', '@spikeflow/chips-loihi', '@spikeflow/chips-spinnaker']);

/**
 * Find installed packages that declare `"spikeflow": { "plugin": "./dist/plugin.js" }` in their
 * package.json, in the node_modules folders from `cwd` upwards. The nearest copy of a name wins, as
 * Node's own resolution would pick it.
 *
 * @example
 * ```ts
 * for (const p of discoverPluginPackages()) console.log(p.name, p.version, p.entry);
 * ```
 */
export function discoverPluginPackages(cwd = process.cwd()): DiscoveredPluginPackage[] {
  const found = new Map<string, DiscoveredPluginPackage>();
  let dir = path.resolve(cwd);
  for (;;) {
    const nm = path.join(dir, 'node_modules');
    if (existsSync(nm)) {
      for (const entry of readdirSync(nm)) {
        if (entry.startsWith('.')) continue;
        let folders: string[];
        try {
          folders = entry.startsWith('@') ? readdirSync(path.join(nm, entry)).map((e) => path.join(nm, entry, e)) : [path.join(nm, entry)];
        } catch {
          continue;
        }
        for (const folder of folders) {
          const pj = path.join(folder, 'package.json');
          if (!existsSync(pj)) continue;
          try {
            const json = JSON.parse(readFileSync(pj, 'utf8'));
            const rel = json?.spikeflow?.plugin;
            if (typeof rel !== 'string' || BUILT_IN.has(json.name) || found.has(json.name)) continue;
            const coreRange = json.peerDependencies?.['@spikeflow/core'] ?? json.dependencies?.['@spikeflow/core'];
            found.set(json.name, {
              name: json.name,
              entry: path.resolve(folder, rel),
              dir: folder,
              version: String(json.version ?? '0.0.0'),
              ...(typeof coreRange === 'string' ? { coreRange } : {}),
            });
          } catch {
            // An unreadable package.json is not a plugin; skip it.
          }
        }
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [...found.values()];
}

/**
 * Check a plugin package's declared `@spikeflow/core` range against the running core. Returns a typed
 * error naming both versions when they do not fit, or undefined when they do (or no range is declared).
 * Pre-release cores count as their release (`0.2.0-next.1` satisfies `^0.2.0`).
 */
export function checkCoreCompatibility(pkg: Pick<DiscoveredPluginPackage, 'name' | 'version' | 'coreRange'>, coreVersion = CORE_VERSION): SpikeflowError | undefined {
  if (pkg.coreRange === undefined) return undefined;
  const range = semver.validRange(pkg.coreRange);
  if (range === null) {
    // A workspace or file spec (`workspace:*`, `file:...`) says nothing checkable about versions.
    if (/^(workspace|file|link):/.test(pkg.coreRange)) return undefined;
    return new SpikeflowError(
      'invalid-plugin',
      `plugin package '${pkg.name}@${pkg.version}' declares an unparseable @spikeflow/core range '${pkg.coreRange}'; expected a semver range such as ^${coreVersion}`,
      { plugin: pkg.name, requires: pkg.coreRange, core: coreVersion },
    );
  }
  if (semver.satisfies(coreVersion, range, { includePrerelease: true })) return undefined;
  return new SpikeflowError(
    'invalid-plugin',
    `plugin package '${pkg.name}@${pkg.version}' needs @spikeflow/core ${pkg.coreRange}, but the loaded core is ${coreVersion}; install a version of '${pkg.name}' built for core ${coreVersion} (or a core in ${pkg.coreRange})`,
    { plugin: pkg.name, requires: pkg.coreRange, core: coreVersion },
  );
}

/** Import a discovered package's plugin entry and check its shape (duck-typed: the package may see another copy of core). */
export async function importPluginPackage(pkg: DiscoveredPluginPackage): Promise<Plugin> {
  if (!existsSync(pkg.entry)) {
    throw new SpikeflowError('invalid-plugin', `plugin package '${pkg.name}' declares its plugin at ${pkg.entry}, which does not exist; was it built before publishing?`, {
      plugin: pkg.name,
    });
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(pkg.entry).href);
  } catch (e) {
    throw new SpikeflowError('invalid-plugin', `plugin package '${pkg.name}' could not be loaded from ${pkg.entry}: ${(e as Error).message}`, { plugin: pkg.name }, { cause: e });
  }
  const exported = mod.default ?? mod.plugin;
  const plugin = typeof exported === 'function' ? (exported as () => unknown)() : exported;
  assertPlugin(plugin, `plugin package '${pkg.name}' (${pkg.entry}; its default export must be a plugin or a function returning one)`);
  return plugin;
}

export interface LoadSpikeflowOptions {
  /** Look for installed plugin packages (default true). */
  readonly discover?: boolean;
  /** Where discovery starts (default the working directory). */
  readonly cwd?: string;
  /**
   * What to do with a discovered package that cannot be used (incompatible core, broken entry):
   * `'warn'` (default) prints one line on stderr and skips it; `'throw'` raises its typed error.
   */
  readonly onIncompatible?: 'warn' | 'throw';
}

/** The chip plugins the CLI knows, when installed (they are optional peers of the CLI). */
async function optionalBuiltIns(): Promise<LoadedPlugin[]> {
  const out: LoadedPlugin[] = [];
  const chips: Array<[string, () => Promise<Plugin>]> = [
    ['@spikeflow/chips-loihi', async () => (await import('@spikeflow/chips-loihi')).chipsLoihi()],
    ['@spikeflow/chips-spinnaker', async () => (await import('@spikeflow/chips-spinnaker')).spinnaker()],
  ];
  for (const [name, load] of chips) {
    try {
      out.push({ plugin: await load(), source: name, builtIn: true });
    } catch (e) {
      if (!isMissingPackage(e, name)) throw e;
    }
  }
  return out;
}

/**
 * Load the built-in plugins plus discovered ones, and make a spikeflow instance.
 *
 * @example
 * ```ts
 * const { sf, loaded, skipped } = await loadSpikeflow();
 * sf.neuron('lif');
 * ```
 */
export async function loadSpikeflow(options: LoadSpikeflowOptions = {}): Promise<{ sf: Spikeflow; loaded: LoadedPlugin[]; skipped: SkippedPlugin[] }> {
  const loaded: LoadedPlugin[] = [
    { plugin: neurons(), source: '@spikeflow/neurons', builtIn: true },
    { plugin: datasets(), source: '@spikeflow/datasets', builtIn: true },
    { plugin: models(), source: '@spikeflow/models', builtIn: true },
    ...(await optionalBuiltIns()),
  ];
  const skipped: SkippedPlugin[] = [];
  if (options.discover !== false) {
    for (const pkg of discoverPluginPackages(options.cwd)) {
      try {
        const incompatible = checkCoreCompatibility(pkg);
        if (incompatible) throw incompatible;
        const plugin = await importPluginPackage(pkg);
        const clash = loaded.find((l) => l.plugin.meta.namespace === plugin.meta.namespace);
        if (clash) {
          throw new SpikeflowError(
            'duplicate-id',
            `plugin package '${pkg.name}' uses namespace '${plugin.meta.namespace}', already taken by '${clash.plugin.meta.name}' (${clash.source}); namespaces must be unique`,
            { plugin: pkg.name },
          );
        }
        loaded.push({ plugin, source: pkg.entry, builtIn: false, packageDir: pkg.dir });
      } catch (e) {
        if (!SpikeflowError.is(e) || options.onIncompatible === 'throw') throw e;
        skipped.push({ name: pkg.name, dir: pkg.dir, error: e });
        process.stderr.write(`spikeflow: warning: skipped plugin package '${pkg.name}' (${pkg.dir}): ${e.message}\n`);
      }
    }
  }
  return { sf: createSpikeflow({ plugins: loaded.map((l) => l.plugin) }), loaded, skipped };
}
