import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertPlugin, createSpikeflow, SpikeflowError, type Plugin, type Spikeflow } from '@spikeflow/core';
import { neurons } from '@spikeflow/neurons';
import { datasets } from '@spikeflow/datasets';
import { models } from '@spikeflow/models';
import { chipsLoihi } from '@spikeflow/chips-loihi';
import { spinnaker } from '@spikeflow/chips-spinnaker';

/** A plugin with where it came from, for `spikeflow info`. */
export interface LoadedPlugin {
  readonly plugin: Plugin;
  readonly source: string;
}

const BUILT_IN = new Set(['@spikeflow/core', '@spikeflow/neurons', '@spikeflow/datasets', '@spikeflow/models', '@spikeflow/chips-loihi', '@spikeflow/chips-spinnaker']);

/**
 * Find installed packages that declare `"spikeflow": { "plugin": "./dist/plugin.js" }` in their
 * package.json, in the node_modules folders from `cwd` upwards.
 */
export function discoverPluginPackages(cwd = process.cwd()): Array<{ name: string; entry: string }> {
  const found = new Map<string, string>();
  let dir = path.resolve(cwd);
  for (;;) {
    const nm = path.join(dir, 'node_modules');
    if (existsSync(nm)) {
      for (const entry of readdirSync(nm)) {
        const folders = entry.startsWith('@') ? readdirSync(path.join(nm, entry)).map((e) => path.join(nm, entry, e)) : [path.join(nm, entry)];
        for (const folder of folders) {
          const pj = path.join(folder, 'package.json');
          if (!existsSync(pj)) continue;
          try {
            const json = JSON.parse(readFileSync(pj, 'utf8'));
            const rel = json?.spikeflow?.plugin;
            if (typeof rel === 'string' && !BUILT_IN.has(json.name) && !found.has(json.name)) found.set(json.name, path.join(folder, rel));
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
  return [...found].map(([name, entry]) => ({ name, entry }));
}

/** Load the built-in plugins plus discovered ones, and make a spikeflow instance. */
export async function loadSpikeflow(options: { discover?: boolean } = {}): Promise<{ sf: Spikeflow; loaded: LoadedPlugin[] }> {
  const loaded: LoadedPlugin[] = [
    { plugin: neurons(), source: '@spikeflow/neurons' },
    { plugin: datasets(), source: '@spikeflow/datasets' },
    { plugin: models(), source: '@spikeflow/models' },
    { plugin: chipsLoihi(), source: '@spikeflow/chips-loihi' },
    { plugin: spinnaker(), source: '@spikeflow/chips-spinnaker' },
  ];
  if (options.discover !== false) {
    for (const { name, entry } of discoverPluginPackages()) {
      let mod: Record<string, unknown>;
      try {
        mod = await import(pathToFileURL(entry).href);
      } catch (e) {
        throw new SpikeflowError('invalid-plugin', `plugin package '${name}' could not be loaded from ${entry}: ${(e as Error).message}`);
      }
      const exported = mod.default ?? mod.plugin;
      const plugin = typeof exported === 'function' ? (exported as () => unknown)() : exported;
      assertPlugin(plugin, `plugin package '${name}' (${entry})`);
      loaded.push({ plugin, source: entry });
    }
  }
  return { sf: createSpikeflow({ plugins: loaded.map((l) => l.plugin) }), loaded };
}
