import * as path from 'node:path';
import { Command } from 'commander';
import { SpikeflowError, selectBackend, writeFileAtomic, type BackendName } from '@spikeflow/core';
import { loadSpikeflow } from '../run/plugins.js';
import { peerUnavailable, runPeer } from '../bench/peers.js';
import { WORKLOADS, runLifKernel, runTrainWorkload, type BenchRow, type WorkloadId, type WorkloadOptions } from '../bench/workloads.js';
import { backendFlag } from './options.js';

interface BenchOptions {
  backend?: string;
  json?: boolean;
  out?: string;
  steps?: string;
  repeats: string;
  timeSteps: string;
  composedMaxT: string;
  peer: boolean;
  python: string;
  dataDir?: string;
}

const ALL_BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new SpikeflowError('invalid-options', `${flag} must be a positive integer, got '${value}'`);
  return n;
}

/** The speed-up of a spikeflow row over the PyTorch row of the same workload (and T): > 1 is faster. */
export function speedups(rows: readonly BenchRow[]): Map<BenchRow, number> {
  const out = new Map<BenchRow, number>();
  for (const r of rows) {
    if (r.engine !== 'spikeflow') continue;
    const peer = rows.find((p) => p.engine === 'pytorch' && p.workload === r.workload && p.T === r.T);
    if (!peer) continue;
    out.set(r, r.metric === 'samples/s' ? r.value / peer.value : peer.value / r.value);
  }
  return out;
}

/** The benchmark table as text. */
export function formatTable(rows: readonly BenchRow[]): string {
  const ratio = speedups(rows);
  const head = ['workload', 'engine', 'backend', 'variant', 'T', 'median', 'metric', 'vs PyTorch'];
  const body = rows.map((r) => [
    r.workload,
    r.engine,
    r.backend,
    r.variant,
    r.T === undefined ? '' : String(r.T),
    r.value >= 100 ? r.value.toFixed(0) : r.value.toFixed(1),
    r.metric,
    ratio.has(r) ? `${ratio.get(r)!.toFixed(2)}x` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('benchmark training throughput and neuron kernels on each backend, side by side with PyTorch CPU eager')
    .argument('<workload>', `one of ${WORKLOADS.join(', ')} or all`)
    .option('--backend <name>', 'run on this backend only (default: every backend available here)', backendFlag)
    .option('--json', 'print the results as JSON on stdout')
    .option('--out <file>', 'also write the results as JSON to this file')
    .option('--steps <n>', 'training steps per timed run for W1/W2 (default 20 for W1, 8 for W2)')
    .option('--repeats <n>', 'timed runs per measurement; the median is reported', '3')
    .option('--time-steps <list>', 'W3 time steps', '4,8,16,32')
    .option('--composed-max-t <n>', 'W3: time the composed-op reference up to this T', '16')
    .option('--no-peer', 'do not run the PyTorch peers')
    .option('--python <path>', 'Python with PyTorch for the peers', '/usr/bin/python3')
    .option('--data-dir <dir>', 'folder with the Fashion-MNIST IDX files')
    .addHelpText(
      'after',
      `
Workloads:
  W1  lif-mlp: Fashion-MNIST 784-512-10, LIF (tau 2, ATan), T=8, batch 128, Adam (training samples/s)
  W2  conv-snn: conv(1->32)-BN-IF-pool, conv(32->32)-BN-IF-pool, FC(1568->128)-IF, FC(128->10)-IF, T=4, batch 64
  W3  lif-kernel: multi-step LIF forward+backward on [T, 64, 16384] (ms per call), fused vs composed ops

The PyTorch peers run with OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(2), the tuned setting on 2 cores.

Examples:
  spikeflow bench all
  spikeflow bench W3 --backend wasm --time-steps 16 --json
  spikeflow bench W1 --no-peer --out results.json`,
    )
    .action(async (name: string, opts: BenchOptions) => {
      const which = name.toUpperCase();
      if (which !== 'ALL' && !WORKLOADS.includes(which as WorkloadId)) {
        throw new SpikeflowError('invalid-options', `unknown workload '${name}'; expected one of ${WORKLOADS.join(', ')} or all`);
      }
      const workloads: WorkloadId[] = which === 'ALL' ? [...WORKLOADS] : [which as WorkloadId];
      const repeats = positiveInt(opts.repeats, '--repeats');
      const timeSteps = opts.timeSteps.split(',').map((t) => positiveInt(t.trim(), '--time-steps'));
      const composedMaxT = positiveInt(opts.composedMaxT, '--composed-max-t');
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const backends: BackendName[] = opts.backend ? [opts.backend as BackendName] : [...ALL_BACKENDS];
      const { sf } = await loadSpikeflow();
      const rows: BenchRow[] = [];
      const notes: string[] = [];
      let trainSet: Awaited<ReturnType<typeof sf.dataset>> | undefined;

      for (const b of backends) {
        let backend: string;
        try {
          backend = (await selectBackend(b)).name;
        } catch (e) {
          if (opts.backend) throw e;
          notes.push(`backend ${b} skipped: ${(e as Error).message}`);
          continue;
        }
        log(`backend ${backend}`);
        // The cpu backend's conv backprop takes seconds per step: time fewer steps there.
        const slow = backend === 'cpu';
        for (const id of workloads) {
          const steps = opts.steps ? positiveInt(opts.steps, '--steps') : id === 'W1' ? (slow ? 5 : 20) : slow ? 1 : 8;
          const o: WorkloadOptions = { steps, repeats: slow && id === 'W2' ? 1 : repeats, timeSteps, composedMaxT, log };
          if (id === 'W3') {
            rows.push(...runLifKernel(backend, o));
          } else {
            trainSet ??= await sf.dataset('fashion-mnist', { split: 'train', dataDir: opts.dataDir });
            rows.push(await runTrainWorkload(id, sf, trainSet, backend, o));
          }
        }
      }

      if (opts.peer) {
        const why = await peerUnavailable(opts.python);
        if (why) {
          notes.push(`PyTorch peers skipped: ${why}`);
        } else {
          for (const id of workloads) {
            log(`PyTorch peer ${id}`);
            const steps = opts.steps ? positiveInt(opts.steps, '--steps') : id === 'W1' ? 20 : 8;
            try {
              rows.push(
                ...(await runPeer(id, { python: opts.python, steps, repeats, timeSteps, dataDir: opts.dataDir ?? '/usr/share/datasets/fashion-mnist', timeoutMs: 30 * 60_000 })),
              );
            } catch (e) {
              notes.push(`PyTorch peer ${id} failed: ${(e as Error).message}`);
            }
          }
        }
      }

      const ratio = speedups(rows);
      const result = {
        date: new Date().toISOString(),
        node: process.version,
        rows: rows.map((r) => ({ ...r, speedupVsPytorch: ratio.get(r) })),
        notes,
      };
      if (opts.out) await writeFileAtomic(path.resolve(opts.out), `${JSON.stringify(result, null, 2)}\n`);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatTable(rows)}\n${notes.map((n) => `note: ${n}`).join('\n')}${notes.length ? '\n' : ''}`);
      }
    });
}
