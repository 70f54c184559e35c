import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ProgressBar, SpikeflowError, constantLr, cosineLr, currentBackend, describeBackend, selectBackend, writeFileAtomic } from '@spikeflow/core';
import {
  Coordinator,
  generateKeyPair,
  jobFingerprint,
  readAllowList,
  readKeyPair,
  readStateCheckpoint,
  requireSecureEndpoint,
  runWorker,
  writeKeyPair,
  type ClusterEvent,
  type DistributedJob,
  type Fingerprint,
  type Security,
} from '@spikeflow/distributed';
import { DataLoader } from '@spikeflow/datasets';
import { addRunOptions, collect, flagsToConfig } from './options.js';
import { makeIO } from './io.js';
import { mergeConfig, parseRunConfig, readConfigFile, runConfigSchema, type RunConfig } from '../config/run-config.js';
import { loadSpikeflow } from '../run/plugins.js';
import { buildModel, buildOptimizer, openRunData, outputShapeOf, type RunIO } from '../run/train-run.js';
import { resolveRunTask } from '../run/run-task.js';
import { runEval } from '../run/eval-run.js';
import { trainAugment } from '../run/train-augment.js';

/**
 * Build a worker's job from the run config the coordinator sends. `batchSize` in that config is
 * the global batch: the loader only supplies the `(seed, epoch)` order and the steps per epoch,
 * and the cluster gives each rank its slice of every global batch.
 */
export async function clusterJob(raw: Readonly<Record<string, unknown>>): Promise<DistributedJob> {
  let config = parseRunConfig(raw, 'configuration sent by the coordinator');
  await selectBackend(config.backend);
  const { sf } = await loadSpikeflow();
  // The same task, loss and model a single-process run of this config trains.
  const { train, target } = await openRunData(sf, config, { log: () => {}, quiet: true });
  const runTask = resolveRunTask(sf, config, target);
  config = { ...config, task: runTask.component, loss: runTask.loss };
  const built = buildModel(sf, config, { sampleShape: train.sampleShape, numClasses: runTask.outputs, outputShape: outputShapeOf(target) });
  const { model } = built;
  const loader = new DataLoader({
    dataset: train,
    batchSize: config.batchSize,
    shuffle: true,
    seed: config.seed,
    subset: config.subset,
    prefetch: 0,
    augment: trainAugment(config),
  });
  const optimizer = buildOptimizer(model, config);
  const schedule =
    config.schedule.id === 'cosine'
      ? cosineLr({ lr: config.optimizer.lr, totalSteps: config.epochs * loader.batchesPerEpoch, minLr: config.schedule.minLr, warmupSteps: config.schedule.warmupSteps })
      : constantLr(config.optimizer.lr);
  return {
    model,
    optimizer,
    encoder: built.encoder,
    task: runTask.task,
    taskLoss: sf.taskLoss(config.loss.id, config.loss.options),
    schedule,
    timeSteps: built.timeSteps,
    numClasses: target.kind === 'class' ? target.numClasses : 0,
    seed: config.seed,
    samplesPerEpoch: loader.length,
    sampleShape: train.sampleShape,
    order: (epoch) => loader.order(epoch),
    getBatch: (indices) => train.getBatch(indices),
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** Read a server key given as Z85 text or as a `.pub`/key file. */
function serverKeyOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (existsSync(value)) {
    const text = readFileSync(value, 'utf8').trim();
    try {
      return (JSON.parse(text) as { publicKey: string }).publicKey;
    } catch {
      return text;
    }
  }
  return value;
}

async function securityOf(opts: { key?: string; insecure?: boolean }): Promise<Security | undefined> {
  if (opts.key && opts.insecure) throw new SpikeflowError('invalid-options', '--key and --insecure exclude each other');
  if (opts.key) return { curve: await readKeyPair(opts.key) };
  return opts.insecure ? { insecure: true } : undefined;
}

/** Parser of a duration flag: a finite number of seconds > 0, else a typed error naming the flag. */
function seconds(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new SpikeflowError('invalid-options', `${name} expects a positive number of seconds (e.g. 30 or 2.5), got '${v}'`);
    return n;
  };
}

/** Parser of a count flag: an integer >= `min`, else a typed error naming the flag. */
function integer(name: string, min: number, what: string) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new SpikeflowError('invalid-options', `${name} expects an integer >= ${min} (${what}), got '${v}'`);
    return n;
  };
}

/** Progress and log lines for a coordinator's events. */
function reporter(io: RunIO, totalSteps: () => number) {
  let bar: ProgressBar | undefined;
  return {
    onEvent(e: ClusterEvent) {
      if (io.json) io.json({ ...e, type: e.type === 'epoch' ? 'epoch' : `cluster-${e.type}` });
      if (io.quiet) return;
      switch (e.type) {
        case 'joined':
          io.log(`worker ${e.workerId} joined from ${e.host} (pid ${e.pid}), ring socket ${e.endpoint}`);
          break;
        case 'refused':
          io.log(`refused worker ${e.workerId} from ${e.host}: ${e.reason}`);
          break;
        case 'generation':
          bar?.done();
          bar = undefined;
          io.log(`generation ${e.generation}: ${e.workers.length} workers from step ${e.step}`);
          break;
        case 'step':
          bar ??= new ProgressBar({ total: totalSteps() || e.totalSteps, label: 'train', unit: 'step', force: io.forceProgress });
          bar.update(e.step + 1, { loss: e.loss.toFixed(4), ...(e.accuracy !== undefined ? { acc: `${(e.accuracy * 100).toFixed(1)}%` } : {}), workers: String(e.workers) });
          break;
        case 'epoch':
          bar?.done();
          bar = undefined;
          io.log(
            `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}${e.trainAccuracy !== undefined ? ` acc ${(e.trainAccuracy * 100).toFixed(2)}%` : ''} | ${e.samplesPerSecond.toFixed(0)} samples/s on ${e.workers} workers`,
          );
          break;
        case 'fenced':
          io.log(`fenced rank ${e.rank} (worker ${e.workerId} on ${e.host}, pid ${e.pid}) at step ${e.step}, generation ${e.generation}: ${e.reason}`);
          break;
        case 'waiting':
          io.log(`waiting for workers: ${e.have} of ${e.need} (${e.reason})`);
          break;
        case 'malformed':
          io.log(`dropped a malformed message from ${e.from}: ${e.reason}`);
          break;
        case 'unreachable':
          io.log(`could not send to ${e.to}: ${e.reason}`);
          break;
        case 'commit':
          break;
      }
    },
    done: () => bar?.done(),
  };
}

/** Options of {@link runClusterTraining}. */
export interface ClusterTrainingOptions {
  readonly bind: string;
  readonly minWorkers: number;
  readonly maxWorkers?: number;
  /** Workers to start as local child processes (`train --workers N`). */
  readonly localWorkers?: number;
  readonly resume?: string;
  readonly security?: Security;
  readonly allow?: ReadonlySet<string>;
  readonly commitEvery?: number;
  /** Synchronise batch-norm statistics over all workers (`--sync-bn`). */
  readonly syncBatchNorm?: boolean;
  readonly heartbeatTimeoutMs?: number;
  readonly stepTimeoutMs?: number;
  readonly joinTimeoutMs?: number;
  /** Evaluate every epoch's checkpoint on the test split, into metrics.jsonl (default true). */
  readonly evaluate?: boolean;
  /** Extra arguments of the local worker processes (their keys). */
  readonly localWorkerArgs?: (index: number) => readonly string[];
}

const CLI_BIN = fileURLToPath(new URL('../../bin/spikeflow.js', import.meta.url));

/**
 * Run a coordinator for `config` (its `batchSize` is the global batch), optionally with local
 * worker processes, then evaluate the final checkpoint. Child processes are killed whatever happens.
 */
export async function runClusterTraining(
  config: RunConfig,
  io: RunIO,
  o: ClusterTrainingOptions,
): Promise<{ checkpoint: string; steps: number; testAccuracy?: number; samplesPerSecond: number; generations: number }> {
  const runDir = path.resolve(
    config.out ?? path.join('runs', `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-cluster-${config.model.id.replace('/', '_')}`),
  );
  let total = 0;
  const rep = reporter(io, () => total);
  // Refuse an insecure endpoint before building the job (which may read or download the dataset).
  requireSecureEndpoint(o.bind, o.security, 'coordinator');
  const stored = { ...config, out: runDir };
  const epochEnds: number[] = [];
  const commits = new Map<number, string>();
  const coordinator = await Coordinator.start({
    bind: o.bind,
    minWorkers: o.minWorkers,
    maxWorkers: o.maxWorkers,
    config: stored,
    fingerprint: await expectedFingerprint(stored),
    runDir,
    resume: o.resume,
    plan: { globalBatch: config.batchSize, epochs: config.epochs, maxSteps: config.maxSteps, commitEvery: o.commitEvery, syncBatchNorm: o.syncBatchNorm },
    security: o.security,
    allow: o.allow,
    heartbeatTimeoutMs: o.heartbeatTimeoutMs,
    stepTimeoutMs: o.stepTimeoutMs,
    joinTimeoutMs: o.joinTimeoutMs,
    onEvent: (e) => {
      if (e.type === 'step') total = e.totalSteps;
      if (e.type === 'epoch') epochEnds.push(e.step);
      if (e.type === 'commit') commits.set(e.step, e.dir);
      rep.onEvent(e);
    },
  });
  // The run folder of a single-process run: the resolved config beside metrics.jsonl and checkpoints/.
  try {
    await fs.mkdir(runDir, { recursive: true });
    await writeFileAtomic(path.join(runDir, 'config.json'), `${JSON.stringify(stored, null, 2)}\n`);
  } catch (e) {
    coordinator.close();
    throw new SpikeflowError('invalid-options', `cannot write the run folder ${runDir}: ${(e as Error).message}`);
  }
  if (!io.quiet) io.log(`coordinator listening on ${coordinator.endpoint}; run folder ${runDir}; global batch ${config.batchSize}, min ${o.minWorkers} workers`);
  const children: ChildProcess[] = [];
  const killChildren = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killChildren);
  const failures: string[] = [];
  try {
    for (let i = 0; i < (o.localWorkers ?? 0); i++) {
      // Local workers share this machine's cores: give each its share of compute threads (core's
      // wasm worker-thread pool), unless the user chose with SPIKEFLOW_THREADS.
      const threads = String(Math.max(1, Math.floor(availableParallelism() / (o.localWorkers ?? 1))));
      const env = { ...process.env, SPIKEFLOW_THREADS: process.env.SPIKEFLOW_THREADS ?? threads };
      const child = spawn(process.execPath, [CLI_BIN, 'cluster', 'worker', '--connect', coordinator.endpoint, '--backend', config.backend, ...(o.localWorkerArgs?.(i) ?? [])], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env,
      });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-4000);
      });
      child.on('exit', (code) => {
        if (code) failures.push(`worker process ${child.pid} exited with ${code}: ${err.trim().split('\n').at(-1) ?? ''}`);
      });
      children.push(child);
    }
    const result = await coordinator.run().catch((e: unknown) => {
      if (SpikeflowError.is(e) && failures.length) throw new SpikeflowError(e.kind, `${e.message}\n${failures.join('\n')}`);
      throw e;
    });
    rep.done();
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null
          ? undefined
          : new Promise((r) => {
              const t = setTimeout(r, 10_000);
              c.once('exit', () => {
                clearTimeout(t);
                r(undefined);
              });
            }),
      ),
    );
    if (!io.quiet)
      io.log(`finished ${result.steps} steps in ${result.generations} generation(s), ${result.samplesPerSecond.toFixed(0)} samples/s; checkpoint ${result.checkpoint}`);
    let testAccuracy: number | undefined;
    if (o.evaluate !== false) {
      const last = await evaluateEpochs(runDir, epochEnds, commits, io);
      testAccuracy = last?.testAccuracy;
    }
    const summary = {
      checkpoint: result.checkpoint,
      steps: result.steps,
      testAccuracy,
      samplesPerSecond: result.samplesPerSecond,
      generations: result.generations,
      fenced: result.fenced,
    };
    if (io.json) io.json({ type: 'summary', runDir, ...summary });
    return summary;
  } finally {
    killChildren();
    process.removeListener('exit', killChildren);
    coordinator.close();
  }
}

/** What every worker must present at join, from the job `config` builds here (never from a worker). */
async function expectedFingerprint(config: Record<string, unknown>): Promise<Fingerprint> {
  const job = await clusterJob(config);
  try {
    return jobFingerprint(job);
  } finally {
    job.dispose?.();
  }
}

/**
 * Evaluate each epoch's checkpoint on the test split (as a single-process run does after every
 * epoch) and put test loss, accuracy, firing rates and evaluation time into its metrics.jsonl line.
 * Returns the last epoch's result.
 */
async function evaluateEpochs(
  runDir: string,
  epochEnds: readonly number[],
  commits: ReadonlyMap<number, string>,
  io: RunIO,
): Promise<{ testAccuracy?: number; testMetrics: Readonly<Record<string, number>> } | undefined> {
  if (!epochEnds.length) return undefined;
  const file = path.join(runDir, 'metrics.jsonl');
  const lines = (await fs.readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  let last: { testAccuracy?: number; testMetrics: Readonly<Record<string, number>> } | undefined;
  for (const step of epochEnds) {
    const dir = commits.get(step);
    const i = lines.findIndex((l) => l.step === step && l.testLoss === undefined);
    if (!dir || i < 0) throw new SpikeflowError('invalid-state', `the cluster ended epoch at step ${step} without ${dir ? `its line in ${file}` : 'a checkpoint of that step'}`);
    const t0 = performance.now();
    const ev = await runEval(dir, {}, { ...io, json: undefined, quiet: true });
    const { time, epoch, trainLoss, trainAccuracy, samplesPerSecond, lr, trainSeconds, peakRssMiB, batches } = lines[i];
    // The key order of core's EpochMetrics line. The workers count arg-max hits only (class tasks), so
    // the training metrics are accuracy alone or none; the test split has every metric of the task.
    lines[i] = {
      time,
      epoch,
      step,
      trainLoss,
      trainAccuracy,
      testLoss: ev.testLoss,
      testAccuracy: ev.testAccuracy,
      firingRates: ev.firingRates,
      samplesPerSecond,
      lr,
      trainSeconds,
      evalSeconds: (performance.now() - t0) / 1000,
      peakRssMiB,
      batches,
      metrics: trainAccuracy === undefined ? {} : { accuracy: trainAccuracy },
      testMetrics: ev.metrics,
    };
    last = { testAccuracy: ev.testAccuracy, testMetrics: ev.metrics };
    if (!io.quiet) {
      const scores =
        ev.testAccuracy !== undefined
          ? `accuracy ${(ev.testAccuracy * 100).toFixed(2)}%`
          : Object.entries(ev.metrics)
              .map(([k, v]) => `${k} ${v.toFixed(4)}`)
              .join(', ');
      io.log(`epoch ${String(epoch)}: test ${scores} loss ${ev.testLoss.toFixed(4)} on ${ev.samples} samples (${dir})`);
    }
  }
  await writeFileAtomic(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return last;
}

/** The run config of a cluster command: flags over a config file over a resumed checkpoint's config. */
async function clusterConfig(opts: Record<string, any>): Promise<RunConfig> {
  const base = opts.resume ? { ...(await readStateCheckpoint(opts.resume)).config, maxSteps: undefined } : runConfigSchema.parse({});
  const file = opts.config ? readConfigFile(opts.config) : undefined;
  return parseRunConfig(mergeConfig(base, file, flagsToConfig(opts)), opts.config ? `configuration (${opts.config} and flags)` : 'configuration');
}

/** The stored config of a cluster checkpoint; its batchSize is the global batch, turned back into per-worker for `train --workers`. */
export async function resumedClusterConfig(opts: Record<string, any>): Promise<Record<string, unknown>> {
  const { config } = await readStateCheckpoint(opts.resume);
  const workers = Number(opts.workers);
  const global = Number(config.batchSize);
  if (!Number.isInteger(global / workers)) throw new SpikeflowError('invalid-options', `the checkpoint's global batch ${global} does not split evenly over --workers ${workers}`);
  return { ...config, batchSize: global / workers, maxSteps: undefined };
}

/**
 * `spikeflow train --workers N`: a coordinator on loopback and N local worker processes; the
 * config's `batchSize` is per worker, so the run matches one process with batch N·B.
 */
export async function runLocalCluster(config: RunConfig, io: RunIO, workers: number, resume?: string, syncBatchNorm?: boolean): Promise<void> {
  if (!Number.isInteger(workers) || workers < 1) throw new SpikeflowError('invalid-options', `--workers must be an integer >= 1, got ${workers}`);
  // CURVE with keys made for this run, even on loopback: another local user can neither join nor
  // feed the cluster. The workers' key files live in a private folder (0700) removed afterwards.
  const keyDir = mkdtempSync(path.join(tmpdir(), 'spikeflow-cluster-'));
  try {
    const coordKeys = generateKeyPair();
    const workerKeys = Array.from({ length: workers }, () => generateKeyPair());
    await Promise.all(workerKeys.map((k, i) => writeKeyPair(path.join(keyDir, `w${i}.key`), k)));
    await runClusterTraining({ ...config, batchSize: config.batchSize * workers }, io, {
      bind: 'tcp://127.0.0.1:0',
      minWorkers: workers,
      localWorkers: workers,
      resume,
      joinTimeoutMs: 300_000,
      syncBatchNorm,
      security: { curve: coordKeys },
      allow: new Set(workerKeys.map((k) => k.publicKey)),
      localWorkerArgs: (i) => ['--key', path.join(keyDir, `w${i}.key`), '--server-key', coordKeys.publicKey],
    });
  } finally {
    rmSync(keyDir, { recursive: true, force: true });
  }
}

/** `spikeflow cluster coordinator|worker|keygen`. */
export function clusterCommand(): Command {
  const cluster = new Command('cluster').description('data-parallel training over ZeroMQ: a coordinator and workers on one or many machines');
  cluster.addHelpText(
    'after',
    `
Examples:
  $ spikeflow cluster keygen --out coord.key
  $ spikeflow cluster coordinator --bind tcp://127.0.0.1:5555 --min-workers 2 --out runs/dp
  $ spikeflow cluster worker --connect tcp://127.0.0.1:5555
  $ spikeflow train --workers 2 --batch-size 32     # both on this machine`,
  );

  const coord = new Command('coordinator')
    .description('serve a training run to workers (its --batch-size is the global batch)')
    .requiredOption('--bind <endpoint>', 'where workers connect, tcp://HOST:PORT')
    .requiredOption('--min-workers <n>', 'workers needed to train', integer('--min-workers', 1, 'workers needed to train'))
    .option('--max-workers <n>', 'workers used at most (default --min-workers); more wait as standbys', integer('--max-workers', 1, 'workers used at most'))
    .option('--resume <path>', 'continue from a checkpoint or run folder')
    .option('--commit-every <n>', 'commit state (memory and disk) every N steps (default 50; every epoch end too)', integer('--commit-every', 1, 'steps between commits'))
    .option('--key <file>', 'CURVE key pair of the coordinator (spikeflow cluster keygen)')
    .option('--allow <file>', 'public keys of workers allowed to join (repeatable; .pub files or lists)', collect)
    .option('--insecure', 'allow plain TCP on a non-loopback address')
    .option('--heartbeat-timeout <s>', 'fence a worker silent this long (default 5)', seconds('--heartbeat-timeout'))
    .option('--join-timeout <s>', 'wait this long for enough workers (default 120)', seconds('--join-timeout'))
    .option('--step-timeout <s>', 'fence workers that have not finished a step this long after the first did (default 60)', seconds('--step-timeout'))
    .option('--sync-bn', 'synchronise batch-norm statistics over all workers (as one process with the global batch; two small all-reduces per BN layer per step)')
    .option('--no-eval', "skip the test-set evaluation of every epoch's checkpoint");
  addRunOptions(coord);
  coord.addHelpText(
    'after',
    `
Examples:
  $ spikeflow cluster keygen --out coord.key && spikeflow cluster keygen --out w1.key
  $ spikeflow cluster coordinator --bind tcp://0.0.0.0:5555 --min-workers 2 --key coord.key --allow w1.key.pub --allow w2.key.pub
  $ spikeflow cluster coordinator --bind tcp://127.0.0.1:5555 --min-workers 2 --batch-size 128 --epochs 3`,
  );
  coord.action(async (opts: Record<string, any>) => {
    const io = makeIO(opts);
    const config = await clusterConfig(opts);
    await runClusterTraining(config, io, {
      bind: opts.bind,
      minWorkers: opts.minWorkers,
      maxWorkers: opts.maxWorkers,
      resume: opts.resume,
      commitEvery: opts.commitEvery,
      syncBatchNorm: opts.syncBn === true,
      security: await securityOf(opts),
      allow: opts.allow ? await readAllowList(opts.allow) : undefined,
      heartbeatTimeoutMs: opts.heartbeatTimeout ? opts.heartbeatTimeout * 1000 : undefined,
      joinTimeoutMs: opts.joinTimeout ? opts.joinTimeout * 1000 : undefined,
      stepTimeoutMs: opts.stepTimeout ? opts.stepTimeout * 1000 : undefined,
      evaluate: opts.eval !== false,
    });
  });

  const worker = new Command('worker')
    .description('train for a coordinator until the run ends')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow cluster worker --connect tcp://127.0.0.1:5555
  $ spikeflow cluster worker --connect tcp://10.0.0.1:5555 --key w1.key --server-key coord.key.pub`,
    )
    .requiredOption('--connect <endpoint>', 'the coordinator, tcp://HOST:PORT')
    .option('--key <file>', "CURVE key pair of this worker (its public key must be on the coordinator's --allow list)")
    .option('--server-key <key|file>', "the coordinator's public key (Z85 text or its .pub file)")
    .option('--insecure', 'allow plain TCP to a non-loopback coordinator')
    .option('--data-host <address>', 'address to bind the ring socket on (default: the one that routes to the coordinator)')
    .option('--backend <name>', "auto, tensorflow, wasm or cpu (must be the backend the coordinator resolved, as every worker's)")
    .option('--heartbeat-timeout <s>', 'exit when the coordinator is silent (or no handshake completes) this long (default 10)', seconds('--heartbeat-timeout'))
    .option('--join-timeout <s>', 'exit when the coordinator has not let this worker in within this long (default 120)', seconds('--join-timeout'))
    .option('--step-timeout <s>', 'deadline of every wait inside a step (default 60)', seconds('--step-timeout'));
  worker.action(async (opts: Record<string, any>) => {
    const security = await securityOf(opts);
    if (security && 'curve' in security && !opts.serverKey) throw new SpikeflowError('invalid-options', "--key needs --server-key (the coordinator's public key)");
    const r = await runWorker({
      connect: opts.connect,
      security,
      serverKey: serverKeyOf(opts.serverKey),
      dataHost: opts.dataHost,
      coordinatorTimeoutMs: opts.heartbeatTimeout ? opts.heartbeatTimeout * 1000 : undefined,
      stepTimeoutMs: opts.stepTimeout ? opts.stepTimeout * 1000 : undefined,
      joinTimeoutMs: opts.joinTimeout ? opts.joinTimeout * 1000 : undefined,
      factory: async (config) => {
        const job = await clusterJob(opts.backend ? { ...config, backend: opts.backend } : config);
        const b = currentBackend();
        if (b) process.stderr.write(`${describeBackend(b)}\n`);
        return job;
      },
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stderr.write(`worker ${r.workerId} finished after ${r.steps} steps (generations ${r.generations.join(', ')})\n`);
  });

  const keygen = new Command('keygen')
    .description('write a CURVE key pair (JSON, mode 0600) and its public key (<out>.pub)')
    .addHelpText(
      'after',
      `
Examples:
  $ spikeflow cluster keygen --out coord.key`,
    )
    .requiredOption('--out <file>', 'key file to write')
    .action(async (opts: { out: string }) => {
      const keys = generateKeyPair();
      await writeKeyPair(opts.out, keys);
      process.stdout.write(`${keys.publicKey}\n`);
    });

  return cluster.addCommand(coord).addCommand(worker).addCommand(keygen);
}
