// A coordinator process for the cluster's tests: `node dist-test/test-utils/coordinator-main.js '<json>'`.
// Prints one JSON object per line on stdout: {endpoint}, then every event, then {result} or {error}.
import { SpikeflowError, selectBackend } from '@spikeflow/core';
import { Coordinator, type CoordinatorOptions } from '../coordinator/coordinator.js';
import { readKeyPair } from '../transport/security.js';
import { jobFingerprint } from '../worker/cluster-worker.js';
import { fixtureJob, type FixtureConfig } from './fixture-job.js';

type Args = Omit<CoordinatorOptions, 'onEvent' | 'security' | 'allow' | 'fingerprint'> & { keyFile?: string; allow?: string[] };

const args = JSON.parse(process.argv[2]) as Args;
const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
try {
  const keys = args.keyFile ? await readKeyPair(args.keyFile) : undefined;
  // The expected fingerprint comes from the job the config builds (on the workers' backend), never from a worker.
  await selectBackend('wasm');
  const job = fixtureJob(args.config as FixtureConfig);
  const fingerprint = jobFingerprint(job);
  job.dispose?.();
  const c = await Coordinator.start({ ...args, fingerprint, security: keys ? { curve: keys } : undefined, allow: args.allow ? new Set(args.allow) : undefined, onEvent: out });
  out({ endpoint: c.endpoint });
  const r = await c.run();
  out({ result: { ...r, losses: Object.fromEntries(r.losses), paramHashes: Object.fromEntries(r.paramHashes) } });
  process.exitCode = 0; // no process.exit: leaked sockets would show as a hang
} catch (e) {
  out({ error: { kind: SpikeflowError.is(e) ? e.kind : 'unknown', message: (e as Error).message } });
  process.exit(2);
}
