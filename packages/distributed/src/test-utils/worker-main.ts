// A worker process for the cluster's tests: `node dist-test/test-utils/worker-main.js '<json>'`.
// It trains the fixture job and records, per step, the parameter hash (and at step 0 the reduced
// gradient) in <dumpDir>/<workerId>.jsonl; it exits 0 when the run finishes, 2 on a typed error.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SpikeflowError, selectBackend } from '@spikeflow/core';
import { runWorker } from '../worker/cluster-worker.js';
import { readKeyPair } from '../transport/security.js';
import type { ChaosOptions } from '../transport/chaos.js';
import { fixtureJob, type FixtureConfig } from './fixture-job.js';

interface Args {
  connect: string;
  dumpDir: string;
  workerId?: string;
  stepTimeoutMs?: number;
  heartbeatMs?: number;
  coordinatorTimeoutMs?: number;
  joinTimeoutMs?: number;
  chaos?: ChaosOptions;
  keyFile?: string;
  serverKey?: string;
  insecure?: boolean;
  dataHost?: string;
  override?: FixtureConfig;
  /** Start up (backend, modules) first, then wait for this file to exist before connecting. */
  waitForFile?: string;
}

const args = JSON.parse(process.argv[2]) as Args;
await selectBackend('wasm');
const keys = args.keyFile ? await readKeyPair(args.keyFile) : undefined;
const id = args.workerId ?? `w${process.pid}`;
if (args.waitForFile) {
  writeFileSync(path.join(args.dumpDir, `${id}.ready`), '');
  const deadline = Date.now() + 120_000;
  while (!existsSync(args.waitForFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
const log = path.join(args.dumpDir, `${id}.jsonl`);
try {
  const r = await runWorker({
    connect: args.connect,
    workerId: id,
    dataHost: args.dataHost,
    security: keys ? { curve: keys } : args.insecure ? { insecure: true } : undefined,
    serverKey: args.serverKey,
    stepTimeoutMs: args.stepTimeoutMs,
    heartbeatMs: args.heartbeatMs,
    coordinatorTimeoutMs: args.coordinatorTimeoutMs,
    joinTimeoutMs: args.joinTimeoutMs,
    chaos: args.chaos,
    factory: (config) => fixtureJob({ ...(config as FixtureConfig), ...args.override }),
    onStep: (s) => appendFileSync(log, `${JSON.stringify(s)}\n`),
    log: (line) => appendFileSync(log, `${JSON.stringify({ log: line })}\n`),
    onGradients: (step, grads) => {
      if (step === 0) writeFileSync(path.join(args.dumpDir, `${id}.grad0.json`), JSON.stringify(Object.fromEntries([...grads].map(([k, v]) => [k, Array.from(v)]))));
    },
  });
  appendFileSync(log, `${JSON.stringify({ finished: r })}\n`);
  // No process.exit: a socket or thread left open would keep the process alive and fail the test.
  process.exitCode = 0;
} catch (e) {
  process.stderr.write(`worker ${id}: ${SpikeflowError.is(e) ? `error (${e.kind}): ` : ''}${(e as Error).message}\n`);
  process.exit(2);
}
