#!/usr/bin/env node
// `npm create spikeflow-plugin <name> -- --kind <kind>`: the npm-create entry to `spikeflow plugins new`.
// The templates live in the CLI package (one copy, tested there); this only finds its launcher and forwards.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const USAGE = `usage: npm create spikeflow-plugin <name> -- --kind neuron|surrogate|architecture|dataset|chip|task [--dir <dir>] [--namespace <ns>] [--core <folder-or-tgz>]
       npx create-spikeflow-plugin <name> --kind <kind> [...]   (same as: npx spikeflow plugins new <name> --kind <kind>)`;

const args = process.argv.slice(2);
if (args.length === 0 || args[0] === '--help' || args[0] === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(args.length === 0 ? 1 : 0);
}
// npm-create users often leave out --kind; a neuron is the most common first plugin.
if (!args.some((a) => a === '--kind' || a.startsWith('--kind='))) args.push('--kind', 'neuron');

let launcher;
try {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('spikeflow/package.json');
  const bin = require(pkgJson).bin;
  launcher = path.join(path.dirname(pkgJson), typeof bin === 'string' ? bin : bin.spikeflow);
} catch (e) {
  process.stderr.write(`create-spikeflow-plugin: cannot find the spikeflow CLI package (${e.message}); install it with npm install spikeflow\n`);
  process.exit(1);
}
const r = spawnSync(process.execPath, [launcher, 'plugins', 'new', ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
