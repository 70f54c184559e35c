import { Command } from 'commander';
import { CORE_VERSION, selectBackend } from '@spikeflow/core';
import { registriesByKind } from '../run/registries.js';
import { loadSpikeflow } from '../run/plugins.js';
import { backendFlag } from './options.js';

export function infoCommand(): Command {
  return new Command('info')
    .description('show the backend, loaded plugins and every registered id')
    .option('--backend <name>', 'backend to try (default auto)', backendFlag, 'auto')
    .option('--json', 'print one JSON object (pretty-printed) on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow info
  $ spikeflow info --backend wasm
  $ spikeflow info --json | jq '.ids.neurons[].id'`,
    )
    .action(async (opts: { backend: string; json?: boolean }) => {
      const backend = await selectBackend(opts.backend as 'auto');
      const { sf, loaded } = await loadSpikeflow();
      const registries = registriesByKind(sf);
      const info = {
        core: CORE_VERSION,
        node: process.version,
        backend: backend.name,
        backendSkipped: backend.skipped,
        plugins: [{ name: '@spikeflow/core', version: CORE_VERSION, namespace: 'core', source: 'built in' }, ...loaded.map((l) => ({ ...l.plugin.meta, source: l.source }))],
        ids: Object.fromEntries(Object.entries(registries).map(([k, r]) => [k, r.list().map((d) => ({ id: d.fullId, description: d.description }))])),
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      const out: string[] = [
        `spikeflow core ${info.core} on Node ${info.node}`,
        `backend: ${info.backend}${backend.skipped.length ? ` (skipped ${backend.skipped.join('; ')})` : ''}`,
        'plugins:',
      ];
      for (const p of info.plugins) out.push(`  ${p.namespace.padEnd(10)} ${p.name}@${p.version}  (${p.source})`);
      for (const [kind, list] of Object.entries(info.ids)) {
        out.push(`${kind}:`);
        out.push(list.length ? list.map((d) => `  ${d.id.padEnd(32)} ${d.description}`).join('\n') : '  (none)');
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
