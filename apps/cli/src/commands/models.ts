import { Command } from 'commander';
import { selectBackend } from '@spikeflow/core';
import { loadSpikeflow } from '../run/plugins.js';
import { listModels, parseInputShape } from '../run/model-list.js';
import { int } from './options.js';

const fmtCount = (n: number) => n.toLocaleString('en');

export function modelsCommand(): Command {
  return new Command('models')
    .description('list every architecture with its parameter count (for an input, or each one\'s published reference input)')
    .argument('[ids...]', 'architectures to list (default: all)')
    .option('--input <HxWxC>', 'input shape of one sample, e.g. 224x224x3 or 128x128x2 for event frames')
    .option('--classes <n>', 'number of classes', int('--classes'))
    .option('--neuron <id>', 'neuron used to build the models (parametric neurons add their parameters)', 'lif')
    .option('--backend <name>', 'backend used to build the models', 'cpu')
    .option('--json', 'print a JSON array on stdout')
    .addHelpText('after', `
Without --input each architecture is built for its published configuration and the published
parameter count is shown beside ours.

Examples:
  $ spikeflow models
  $ spikeflow models --input 224x224x3 --classes 1000
  $ spikeflow models sew-resnet18 spikformer --input 32x32x3 --classes 10 --json`)
    .action(async (ids: string[], opts: { input?: string; classes?: number; neuron: string; backend: string; json?: boolean }) => {
      const input = opts.input ? parseInputShape(opts.input) : undefined;
      await selectBackend(opts.backend as 'cpu');
      const { sf } = await loadSpikeflow();
      const rows = listModels(sf, { input, classes: opts.classes, neuron: opts.neuron, ids });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const lines = [`${'architecture'.padEnd(34)} ${'input'.padEnd(12)} ${'classes'.padStart(7)} ${'parameters'.padStart(13)}  published`];
      for (const r of rows) {
        const params = r.parameters === null ? 'n/a' : fmtCount(r.parameters);
        const published = r.reference
          ? `${r.reference.significantDigits ? `${Number((r.reference.parameters / 1e6).toPrecision(r.reference.significantDigits))}M` : fmtCount(r.reference.parameters)} ${r.reference.matches ? '(same)' : '(DIFFERS)'} — ${r.reference.source}`
          : '';
        lines.push(`${r.id.padEnd(34)} ${r.inputShape.join('x').padEnd(12)} ${String(r.numClasses).padStart(7)} ${params.padStart(13)}  ${published}`);
        if (r.error) lines.push(`${''.padEnd(34)} cannot take this input: ${r.error}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
