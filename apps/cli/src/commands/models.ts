import { Command } from 'commander';
import { selectBackend } from '@spikeflow/core';
import { loadSpikeflow } from '../run/plugins.js';
import { listModels, parseInputShape } from '../run/model-list.js';
import { backendFlag, int } from './options.js';

const fmtCount = (n: number) => n.toLocaleString('en');

export function modelsCommand(): Command {
  return new Command('models')
    .description("list every architecture with its parameter count (for an input, or each one's published reference input)")
    .argument('[ids...]', 'architectures to list (default: all)')
    .option('--input <HxWxC>', 'input shape of one sample, e.g. 224x224x3 or 128x128x2 for event frames')
    .option('--classes <n>', 'number of classes', int('--classes'))
    .option('--neuron <id>', 'neuron used to build the models (parametric neurons add their parameters)', 'lif')
    .option('--backend <name>', 'backend used to build the models', backendFlag, 'cpu')
    .option('--json', 'print a JSON array on stdout')
    .addHelpText(
      'after',
      `
Without --input each architecture is built for its published configuration and the published
parameter count is shown beside ours; one that reproduces no published model is built for the input
it is designed for (lif-mlp and conv-fmnist: Fashion-MNIST, 28x28x1). Aliases are shown in brackets.

Examples:
  $ spikeflow models
  $ spikeflow models --input 224x224x3 --classes 1000
  $ spikeflow models sew-resnet18 spikformer --input 32x32x3 --classes 10 --json`,
    )
    .action(async (ids: string[], opts: { input?: string; classes?: number; neuron: string; backend: string; json?: boolean }) => {
      const input = opts.input ? parseInputShape(opts.input) : undefined;
      await selectBackend(opts.backend as 'cpu');
      const { sf } = await loadSpikeflow();
      const rows = listModels(sf, { input, classes: opts.classes, neuron: opts.neuron, ids });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const nameOf = (r: (typeof rows)[number]) => (r.aliases.length ? `${r.id} (${r.aliases.map((a) => a.replace(/^.*\//, '')).join(', ')})` : r.id);
      const width = Math.max(34, ...rows.map((r) => nameOf(r).length));
      const lines = [`${'architecture'.padEnd(width)} ${'input'.padEnd(12)} ${'classes'.padStart(7)} ${'parameters'.padStart(13)}  published`];
      for (const r of rows) {
        const params = r.parameters === null ? 'n/a' : fmtCount(r.parameters);
        const published = r.reference
          ? `${r.reference.significantDigits ? `${Number((r.reference.parameters / 1e6).toPrecision(r.reference.significantDigits))}M` : fmtCount(r.reference.parameters)} ${r.reference.matches ? '(same)' : '(DIFFERS)'} — ${r.reference.source}`
          : '';
        lines.push(`${nameOf(r).padEnd(width)} ${r.inputShape.join('x').padEnd(12)} ${String(r.numClasses).padStart(7)} ${params.padStart(13)}  ${published}`);
        if (r.error) lines.push(`${''.padEnd(width)} cannot take this input: ${r.error}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
