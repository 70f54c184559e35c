#!/usr/bin/env node
// `npm run bench`: every workload of `spikeflow bench` (W1 lif-mlp, W2 conv-snn, W3 lif-kernel) on each
// available backend, side by side with the PyTorch peers in benchmarks/peers (when Debian's
// python3-torch is installed), printing the table and writing benchmarks/results/bench.json.
//
//   npm run build && npm run bench [-- --backend wasm --repeats 5]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'apps', 'cli', 'bin', 'spikeflow.js');
const args = ['bench', 'all', '--out', join(here, 'results', 'bench.json'), ...process.argv.slice(2)];
const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
