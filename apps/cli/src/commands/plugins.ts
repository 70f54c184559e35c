import * as path from 'node:path';
import { Command } from 'commander';
import { CORE_VERSION, SpikeflowError, type Spikeflow } from '@spikeflow/core';
import { registriesByKind } from '../run/registries.js';
import { loadSpikeflow, type LoadedPlugin } from '../run/plugins.js';
import { generatePlugin, PLUGIN_KINDS, type PluginKind } from '../plugins-template/generate-plugin.js';
import { resolveCoreSource } from '../plugins-template/core-source.js';

/** One row of `spikeflow plugins list`. */
export interface PluginRow {
  readonly name: string;
  readonly version: string;
  readonly namespace: string;
  /** `built-in` or the discovered package's folder. */
  readonly source: string;
  /** Full ids contributed, by kind (only kinds with at least one id). */
  readonly contributions: Record<string, string[]>;
}

/** Group every registered id by the namespace of the plugin that contributed it. */
export function pluginRows(sf: Spikeflow, loaded: readonly LoadedPlugin[]): PluginRow[] {
  const registries = registriesByKind(sf);
  const contributions = (namespace: string) =>
    Object.fromEntries(
      Object.entries(registries)
        .map(
          ([kind, r]) =>
            [
              kind,
              r
                .list()
                .filter((d) => d.namespace === namespace)
                .map((d) => d.fullId),
            ] as const,
        )
        .filter(([, ids]) => ids.length > 0),
    );
  return [
    { name: '@spikeflow/core', version: CORE_VERSION, namespace: 'core', source: 'built-in', contributions: contributions('core') },
    ...loaded.map((l) => ({ ...l.plugin.meta, source: l.builtIn === false ? (l.packageDir ?? l.source) : 'built-in', contributions: contributions(l.plugin.meta.namespace) })),
  ];
}

/** `spikeflow plugins list|new`: what is loaded from where, and a generator for new plugin packages. */
export function pluginsCommand(): Command {
  const cmd = new Command('plugins').description('list loaded plugins, or start a new plugin package');
  cmd
    .command('list')
    .description('show every loaded plugin: name, version, namespace, where it came from, and what it contributes')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { sf, loaded, skipped } = await loadSpikeflow();
      const rows = pluginRows(sf, loaded);
      const skippedRows = skipped.map((s) => ({ name: s.name, source: s.dir, kind: s.error.kind, reason: s.error.message }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ core: CORE_VERSION, plugins: rows, skipped: skippedRows }, null, 2)}\n`);
        return;
      }
      const out: string[] = [];
      for (const r of rows) {
        out.push(`${r.namespace.padEnd(12)} ${r.name}@${r.version}  (${r.source})`);
        for (const [kind, ids] of Object.entries(r.contributions)) out.push(`  ${`${kind}:`.padEnd(17)} ${ids.join(', ')}`);
      }
      for (const s of skippedRows) out.push(`skipped      ${s.name}  (${s.source}): ${s.reason}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
  cmd
    .command('new')
    .description('generate a standalone plugin package with a working example, its tests and a README')
    .argument('<name>', 'npm package name, e.g. spikeflow-plugin-leaky or @me/spikeflow-leaky')
    .requiredOption('--kind <kind>', `what the example contributes: ${PLUGIN_KINDS.join(', ')}`)
    .option('--dir <dir>', 'folder to create (default: the unscoped name, in the working directory)')
    .option('--namespace <ns>', 'namespace of the ids (default: from the name)')
    .option('--core-range <range>', `@spikeflow/core peer range (default ^${CORE_VERSION})`)
    .option('--core <path>', 'install @spikeflow/core for development from a built checkout folder or an npm pack tarball (default: this checkout when run from one)')
    .option('--json', 'print the result as JSON')
    .action((name: string, opts: { kind: string; dir?: string; namespace?: string; coreRange?: string; core?: string; json?: boolean }) => {
      if (!(PLUGIN_KINDS as readonly string[]).includes(opts.kind)) {
        throw new SpikeflowError('invalid-options', `--kind must be one of ${PLUGIN_KINDS.join(', ')}, got '${opts.kind}'`);
      }
      const dir = opts.dir ?? name.replace(/^@[^/]+\//, '');
      const core = resolveCoreSource({ core: opts.core });
      const r = generatePlugin({ name, kind: opts.kind as PluginKind, dir, namespace: opts.namespace, coreRange: opts.coreRange, coreSpec: core.spec });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...r, core: core.spec ?? opts.coreRange ?? `^${CORE_VERSION}` }, null, 2)}\n`);
        return;
      }
      const rel = path.relative(process.cwd(), r.dir) || '.';
      const from = core.spec ? `@spikeflow/core from ${core.spec}\n` : '';
      process.stdout.write(`created ${name} in ${rel} (contributes ${r.id})\n${from}next:\n  cd ${rel}\n  npm install\n  npm test\n  npm run build\n`);
    });
  return cmd;
}
