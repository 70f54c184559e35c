// The PyTorch peers of `spikeflow bench`: the same workloads written in PyTorch CPU eager
// (benchmarks/peers/*.py, shipped in the CLI package as dist/peers), run with Debian's
// /usr/bin/python3 and the tuned thread settings (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(2)).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, type BenchRow, type WorkloadId } from './workloads.js';

/** Where the peer scripts are: next to the built CLI, or the repository's benchmarks/peers. */
export function peersDir(): string | undefined {
  for (const rel of ['../peers/', '../../../../benchmarks/peers/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}w1_lif_mlp.py`)) return dir;
  }
  return undefined;
}

export interface PeerOptions {
  readonly python: string;
  readonly steps: number;
  readonly repeats: number;
  readonly timeSteps: readonly number[];
  readonly dataDir: string;
  readonly timeoutMs: number;
}

function run(python: string, script: string, args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(python, [script, ...args], { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${script} failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || err.message}`));
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${line.slice(0, 200)}`));
      }
    });
  });
}

/** Why the peers cannot run here, or undefined when they can. */
export function peerUnavailable(python: string): Promise<string | undefined> {
  if (!peersDir()) return Promise.resolve('the PyTorch peer scripts are not installed with this CLI');
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import torch, numpy'], { timeout: 60_000 }, (err) =>
      resolve(err ? `${python} cannot import torch (Debian: apt-get install python3-torch)` : undefined),
    );
  });
}

/** Run one workload's PyTorch peer; returns its rows. */
export async function runPeer(id: WorkloadId, o: PeerOptions): Promise<BenchRow[]> {
  const dir = peersDir();
  if (!dir) throw new Error('the PyTorch peer scripts are not installed with this CLI');
  if (id === 'W3') {
    const rows: BenchRow[] = [];
    for (const T of o.timeSteps) {
      const r = await run(o.python, `${dir}w3_lif_kernel.py`, ['--T', String(T), '--reps', String(o.repeats)], o.timeoutMs);
      const runs = r.ms as number[];
      rows.push({ workload: 'W3', engine: 'pytorch', backend: 'cpu-eager', variant: 'unbind loop', T, metric: 'ms/call', value: median(runs), runs });
    }
    return rows;
  }
  const script = id === 'W1' ? 'w1_lif_mlp.py' : 'w2_conv_snn.py';
  const r = await run(o.python, `${dir}${script}`, ['--steps', String(o.steps), '--repeats', String(o.repeats), '--data-dir', o.dataDir], o.timeoutMs);
  const runs = r.runs as number[];
  return [
    { workload: id, engine: 'pytorch', backend: 'cpu-eager', variant: `torch ${(r.env as { torch?: string })?.torch ?? '?'}`, metric: 'samples/s', value: median(runs), runs },
  ];
}
