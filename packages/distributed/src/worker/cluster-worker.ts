import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as dgram from 'node:dgram';
import {
  CORE_VERSION,
  SpikeflowError,
  applyGradients,
  defaultClassificationTask,
  countCorrect,
  globalRng,
  lossAndGradients,
  markDataTensor,
  requireFiniteLoss,
  setBatchNormSync,
  taskLossOf,
  tf,
  type StepParts,
  type Tensor,
} from '@spikeflow/core';
import { ringAllReduce } from '../collective/ring-all-reduce.js';
import type { DistributedJob, JobFactory } from '../job.js';
import type { Config, Fingerprint, Peer, Start } from '../protocol/messages.js';
import { PROTOCOL_VERSION } from '../protocol/wire.js';
import { captureState, hashModel, parseStateFrames, restoreState } from '../state/train-state.js';
import type { ChaosOptions, ChaosStats } from '../transport/chaos.js';
import { requireSecureEndpoint, type Security } from '../transport/security.js';
import { ZmqRingLink } from '../transport/zmq-ring-link.js';
import { DISTRIBUTED_VERSION } from '../version.js';
import { BatchNormSyncThread } from '../sync-bn/batch-norm-sync-thread.js';
import { ControlChannel, GenerationChanged, Reconfigure, type Received } from './control-channel.js';
import { HeartbeatThread } from './heartbeat-thread.js';
import { globalSlice } from './global-slice.js';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** The coordinator, `tcp://HOST:PORT`. */
  readonly connect: string;
  /** Builds the model, optimizer and data from the configuration the coordinator sends. */
  readonly factory: JobFactory;
  /** CURVE keys of this worker (required beyond loopback unless `insecure`). */
  readonly security?: Security;
  /** The coordinator's CURVE public key. */
  readonly serverKey?: string;
  /**
   * Address to bind the ring socket on (default: the local address that routes to the coordinator).
   * Beyond loopback it needs CURVE keys or an explicit `security: { insecure: true }`, as the coordinator's endpoint does.
   */
  readonly dataHost?: string;
  readonly workerId?: string;
  /** Deadline of every wait inside a step: ring messages and the step barrier (default 60 s). */
  readonly stepTimeoutMs?: number;
  /** Heartbeat period (default 500 ms). */
  readonly heartbeatMs?: number;
  /**
   * The coordinator is declared dead after this long without an answer (default 10 s); also the
   * deadline of the first ZeroMQ handshake with it (nothing listening, or other keys).
   */
  readonly coordinatorTimeoutMs?: number;
  /** Give up joining after this long (default 120 s). */
  readonly joinTimeoutMs?: number;
  /** Faults injected on the ring (tests). */
  readonly chaos?: ChaosOptions;
  /** Called after every step with the reduced, averaged gradient (tests, debugging). */
  readonly onGradients?: (step: number, grads: ReadonlyMap<string, Float32Array>) => void;
  /** Called after every optimizer step. */
  readonly onStep?: (info: WorkerStepInfo) => void;
  readonly log?: (line: string) => void;
}

/** One step as seen by a worker. */
export interface WorkerStepInfo {
  readonly generation: number;
  readonly rank: number;
  readonly worldSize: number;
  readonly step: number;
  readonly localSamples: number;
  readonly globalSamples: number;
  readonly paramHash: string;
}

/** How a worker finished. */
export interface WorkerResult {
  readonly workerId: string;
  readonly steps: number;
  readonly generations: number[];
  readonly checkpoint: string;
  /** Ring frames dropped as stale or duplicate, malformed, and what the chaos transport did. */
  readonly ring: { readonly dropped: number; readonly malformed: number; readonly chaos?: ChaosStats };
  /** With synchronised batch norm: its all-reduces and the time steps spent blocked in them. */
  readonly batchNorm?: { readonly calls: number; readonly waitMs: number };
}

/** The local address the OS would use to reach `host` (no packet is sent). */
async function localAddressFor(host: string): Promise<string> {
  if (host === 'localhost' || /^127\./.test(host)) return '127.0.0.1';
  return new Promise((resolve) => {
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.on('error', () => resolve('0.0.0.0'));
    s.connect(9, host, () => {
      const a = s.address().address;
      s.close();
      resolve(a);
    });
  });
}

/** What must agree across the cluster, from a built job. */
export function jobFingerprint(job: DistributedJob): Fingerprint {
  return {
    tensors: job.model.namedTensors().map((e) => ({ name: e.name, shape: [...e.variable.shape], dtype: e.variable.dtype })),
    coreVersion: CORE_VERSION,
    distributedVersion: DISTRIBUTED_VERSION,
    protocol: PROTOCOL_VERSION,
    datasetLength: job.samplesPerEpoch,
    numClasses: job.numClasses,
    optimizer: job.optimizer.kind,
    backend: tf.getBackend(),
  };
}

/**
 * Run one worker until the coordinator says the training is finished. It says hello, builds its
 * job from the configuration it receives, joins with the model's fingerprint, and trains its
 * slice of every global batch: local BPTT gradients, a ring all-reduce, the optimizer step, a
 * barrier. A newer generation (a peer died or joined) interrupts whatever it is doing; it then
 * restores the committed state it is sent and carries on.
 *
 * @example
 * ```ts
 * await runWorker({ connect: 'tcp://127.0.0.1:5555', factory: async (config) => buildMyJob(config) });
 * ```
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerResult> {
  const workerId = options.workerId ?? randomUUID();
  const security = requireSecureEndpoint(options.connect, options.security, 'coordinator');
  // The ring socket obeys the coordinator's rule: plain TCP only on loopback unless the user said insecure.
  if (options.dataHost && !('curve' in security))
    requireSecureEndpoint(`tcp://${options.dataHost.includes(':') ? `[${options.dataHost}]` : options.dataHost}:0`, options.security, 'ring socket (--data-host)');
  const log = options.log ?? (() => {});
  const stepTimeout = options.stepTimeoutMs ?? 60_000;
  const coordinatorTimeout = options.coordinatorTimeoutMs ?? 10_000;
  for (const [name, ms] of [
    ['step timeout', stepTimeout],
    ['coordinator timeout', coordinatorTimeout],
    ['join timeout', options.joinTimeoutMs ?? 1],
    ['heartbeat period', options.heartbeatMs ?? 1],
  ] as const) {
    if (!(Number.isFinite(ms) && ms > 0)) throw new SpikeflowError('invalid-options', `worker: the ${name} must be a positive number of milliseconds, got ${ms}`);
  }
  const host = os.hostname();
  const hb = new HeartbeatThread({
    endpoint: options.connect,
    workerId,
    security,
    serverKey: options.serverKey,
    intervalMs: options.heartbeatMs ?? 500,
    timeoutMs: coordinatorTimeout,
  });
  const lostMessage = () =>
    hb.coordinatorLost
      ? hb.abortReason
        ? `the coordinator at ${options.connect} stopped this worker: ${hb.abortReason}`
        : `the coordinator at ${options.connect} has not answered for ${(coordinatorTimeout / 1000).toFixed(1)} s (rank ${currentRank}, worker ${workerId} on ${host}, generation ${ctl.generation}, step ${currentStep})`
      : undefined;
  let currentStep = 0;
  let currentRank = -1;
  const ctl = new ControlChannel(options.connect, workerId, security, options.serverKey, lostMessage, coordinatorTimeout);
  let link: ZmqRingLink | undefined;
  let bnSync: BatchNormSyncThread | undefined;
  let job: DistributedJob | undefined;
  const generations: number[] = [];
  try {
    await ctl.send({ hello: { workerId, host, pid: process.pid, protocol: PROTOCOL_VERSION } });
    const cfg = await ctl.wait(['config', 'refuse'], 'configuration', options.joinTimeoutMs ?? 120_000);
    if ('refuse' in cfg.message) throw new SpikeflowError(cfg.message.refuse.kind as 'unauthorized', `the coordinator refused worker ${workerId}: ${cfg.message.refuse.reason}`);
    const cfgMessage = (cfg.message as { config: Config }).config;
    // From now on every message (heartbeats too) proves it comes from this worker.
    ctl.token = cfgMessage.sessionToken ?? '';
    hb.setToken(ctl.token);
    const config = JSON.parse(cfgMessage.json) as Record<string, unknown>;
    job = await options.factory(config);
    const coordHost = /^tcp:\/\/\[?([^\]]+?)\]?:\d+$/.exec(options.connect)?.[1] ?? '127.0.0.1';
    const dataHost = options.dataHost ?? (await localAddressFor(coordHost));
    const ringSecurity: Security = 'curve' in security ? { curve: (await import('../transport/security.js')).generateKeyPair() } : security;
    // The ring socket takes no frame bigger than a bucket (chunks are at most a bucket).
    const maxChunkValues = Math.ceil((cfgMessage.bucketBytes || 4 << 20) / 4);
    link = await ZmqRingLink.bind(dataHost, { workerId, security: ringSecurity, timeoutMs: stepTimeout, maxChunkValues, chaos: options.chaos, check: () => ctl.check() });
    if (cfgMessage.syncBatchNorm) {
      // Batch-norm sums travel on their own sockets, owned by a thread (the main thread blocks in them).
      bnSync = await BatchNormSyncThread.bind(dataHost, {
        security: ringSecurity,
        timeoutMs: stepTimeout,
        check: () => {
          ctl.check(false);
          if (hb.coordinatorGeneration > ctl.generation) throw new GenerationChanged(hb.coordinatorGeneration);
        },
      });
    }
    await ctl.send({
      join: {
        workerId,
        fingerprint: jobFingerprint(job),
        dataEndpoint: link.endpoint,
        dataPublicKey: 'curve' in ringSecurity ? ringSecurity.curve.publicKey : '',
        bnEndpoint: bnSync?.endpoint ?? '',
      },
    });
    log(`worker ${workerId} joined ${options.connect}; ring socket ${link.endpoint}`);

    let next: Received = await ctl.wait(['start', 'stateRequest', 'refuse', 'finish'], 'start of training', options.joinTimeoutMs ?? 120_000, () => true, false);
    const params = job.model.namedParameters();
    const parts = stepPartsOf(job);
    const sizes = params.map(([, v]) => v.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    let orderCache: { epoch: number; order: Int32Array } | undefined;
    for (;;) {
      if ('refuse' in next.message)
        throw new SpikeflowError(next.message.refuse.kind as 'unauthorized', `the coordinator refused worker ${workerId}: ${next.message.refuse.reason}`);
      if ('hold' in next.message) {
        // Survivors wait for joiners; the coordinator decides when (and whether) to go on.
        ctl.generation = next.message.hold.generation;
        log(`holding: ${next.message.hold.reason}`);
        next = await ctl.wait(['start', 'finish'], 'a new generation (waiting for workers to join)', options.joinTimeoutMs ?? 120_000, () => true, false);
        continue;
      }
      if ('finish' in next.message) {
        return {
          workerId,
          steps: currentStep,
          generations,
          checkpoint: next.message.finish.checkpoint,
          ring: { dropped: link.mailbox.dropped, malformed: link.malformed, chaos: link.chaosStats },
          batchNorm: bnSync ? { ...bnSync.stats } : undefined,
        };
      }
      if ('stateRequest' in next.message) {
        // Rank 0 of a fresh run: its freshly initialised weights become everyone's (verified by hash).
        const st = captureState(job, { step: 0, epoch: 0, batchInEpoch: 0 });
        await ctl.send({ commit: { generation: next.message.stateRequest.generation, step: 0, stateHash: st.hash } }, st.frames);
        next = await ctl.wait(['start', 'refuse', 'finish'], 'start of training', options.joinTimeoutMs ?? 120_000, () => true, false);
        continue;
      }
      const start = (next.message as { start: Start }).start;
      ctl.generation = start.generation;
      generations.push(start.generation);
      const state = parseStateFrames(next.frames, start.stateHash, `coordinator ${options.connect}`);
      const pos = restoreState(job, state);
      const n = start.ring.length;
      const rank = start.rank;
      currentRank = rank;
      const left: Peer = start.ring[(rank - 1 + n) % n];
      const right: Peer = start.ring[(rank + 1) % n];
      await link.configure(start.generation, rank, left, right, start.ringKey ?? new Uint8Array(0));
      const bn = start.syncBatchNorm ? bnSync : undefined;
      if (start.syncBatchNorm && !bn)
        throw new SpikeflowError(
          'protocol-error',
          `generation ${start.generation} synchronises batch norm but the configuration did not say so; coordinator and worker versions differ`,
        );
      bn?.configure(start.generation, rank, start.ring, start.ringKey ?? new Uint8Array(0));
      currentStep = pos.step;
      hb.update(start.generation, currentStep);
      log(`generation ${start.generation}: rank ${rank} of ${n}, from step ${pos.step}`);
      // Forward/backward of one step on this rank's slice: `count × ∇(mean loss)` in a flat buffer.
      const compute = (step: number) => {
        const epoch = Math.floor(step / start.stepsPerEpoch);
        if (orderCache?.epoch !== epoch) orderCache = { epoch, order: job!.order(epoch) };
        const { local, globalCount } = globalSlice(orderCache.order, step % start.stepsPerEpoch, start.globalBatch, rank, n);
        const flat = new Float32Array(total);
        let r = { loss: 0, correct: 0 };
        if (bn) {
          setBatchNormSync(bn);
          try {
            // The trainer weights rank r's gradient by n_r / N; the batch-norm backward must know it.
            if (local.length > 0) {
              bn.beginStep(step, local.length / globalCount);
              r = localGradients(job!, parts, local, epoch, step, params, flat);
            } else bn.skipStep(step, () => emptyForward(job!));
          } finally {
            setBatchNormSync(null);
          }
        } else if (local.length > 0) r = localGradients(job!, parts, local, epoch, step, params, flat);
        return { step, flat, local, globalCount, lossSum: r.loss * local.length, correct: r.correct };
      };
      let ahead: ReturnType<typeof compute> | undefined;
      try {
        for (;;) {
          const step = currentStep;
          link.advance(step);
          const tA = performance.now();
          const { flat, local, globalCount, lossSum, correct } = ahead?.step === step ? ahead : compute(step);
          ahead = undefined;
          ctl.check();
          const tB = performance.now();
          await ringAllReduce(flat, { rank, size: n, link, step, bucketValues: Math.max(1, Math.floor(start.bucketBytes / 4)) });
          applyUpdate(job, params, flat, globalCount, step);
          if (options.onGradients) {
            const m = new Map<string, Float32Array>();
            let off = 0;
            params.forEach(([name], i) => {
              m.set(
                name,
                flat.slice(off, off + sizes[i]).map((v) => v / globalCount),
              );
              off += sizes[i];
            });
            options.onGradients(step, m);
          }
          const tC = performance.now();
          const paramHash = hashModel(job, { localBatchNorm: !start.syncBatchNorm });
          const tD = performance.now();
          currentStep = step + 1;
          hb.update(start.generation, currentStep);
          options.onStep?.({ generation: start.generation, rank, worldSize: n, step, localSamples: local.length, globalSamples: globalCount, paramHash });
          const peakRssMib = process.resourceUsage().maxRSS / 1024;
          await ctl.send({ stepDone: { generation: start.generation, step, lossSum, correct, samples: local.length, paramHash, lr: job.optimizer.lr, peakRssMib } });
          // While the barrier's answer travels, compute the next step's gradients (they read the
          // parameters just updated; nothing changes them before the next all-reduce). The RNG
          // state a commit records is the one before this look-ahead.
          const rngAtStep = globalRng().getState();
          // Likewise the buffers: the look-ahead's forward pass moves batch-norm running statistics.
          const buffersAtStep = new Map(
            job.model
              .namedTensors()
              .filter((e) => !e.trainable)
              .map((e) => [e.name, (e.variable.dataSync() as Float32Array).slice()]),
          );
          if (currentStep < start.totalSteps) ahead = compute(currentStep);
          const pr = await ctl.wait(['proceed', 'finish'], `barrier of step ${step} (generation ${start.generation})`, stepTimeout, (m) =>
            'proceed' in m ? m.proceed.generation === start.generation && m.proceed.step === step : true,
          );
          if (process.env.SPIKEFLOW_TRACE)
            log(
              `step ${step}: grads ${(tB - tA).toFixed(1)} ms, all-reduce ${(tC - tB).toFixed(1)} ms, hash ${(tD - tC).toFixed(1)} ms, barrier ${(performance.now() - tD).toFixed(1)} ms`,
            );
          if ('finish' in pr.message) {
            next = pr;
            break;
          }
          const p = (pr.message as { proceed: { commit: boolean; pause: boolean } }).proceed;
          if (p.commit && rank === 0) {
            const st = captureState(
              job,
              { step: currentStep, epoch: Math.floor(currentStep / start.stepsPerEpoch), batchInEpoch: currentStep % start.stepsPerEpoch },
              rngAtStep,
              buffersAtStep,
            );
            await ctl.send({ commit: { generation: start.generation, step: currentStep, stateHash: st.hash } }, st.frames);
          }
          if (p.pause) {
            next = await ctl.wait(['start', 'finish'], `next generation after step ${step}`, stepTimeout, () => true, false);
            break;
          }
        }
      } catch (e) {
        if (e instanceof GenerationChanged) {
          // Interrupted inside a batch-norm all-reduce: the newer Start is on its way (or queued).
          log(`generation ${start.generation} interrupted at step ${currentStep} (batch-norm all-reduce)`);
          next = await ctl.wait(['start', 'finish'], `generation ${e.generation}`, stepTimeout, () => true, false);
          continue;
        }
        if (!(e instanceof Reconfigure)) throw e;
        log(`generation ${start.generation} interrupted at step ${currentStep}`);
        next = e.start;
      }
    }
  } catch (e) {
    if (SpikeflowError.is(e)) {
      // Name who and where, as every cluster error must.
      const where = `${currentRank >= 0 ? `rank ${currentRank}, ` : ''}worker ${workerId} on ${host} (pid ${process.pid}), generation ${ctl.generation}, step ${currentStep}`;
      if (!e.message.includes(workerId))
        throw new SpikeflowError(
          e.kind,
          `${e.message} [${where}]`,
          { ...e.details, rank: currentRank, workerId, host, generation: ctl.generation, step: currentStep },
          { cause: e },
        );
    }
    throw e;
  } finally {
    link?.close();
    await bnSync?.close();
    ctl.close();
    await hb.stop();
    job?.dispose?.();
  }
}

/**
 * The step parts of a job: its task (classification of `numClasses` classes with the mean read-out
 * when it names none, as the cluster trained before tasks) and its loss under the task signature.
 */
export function stepPartsOf(job: DistributedJob): StepParts {
  const task = job.task ?? defaultClassificationTask(job.numClasses);
  const loss = job.taskLoss ?? (job.loss ? taskLossOf(job.loss) : undefined);
  if (!loss) throw new SpikeflowError('invalid-options', `the distributed job has no loss: give it loss (class labels) or taskLoss (e.g. sf.taskLoss('${task.defaultLoss}'))`);
  return { model: job.model, encoder: job.encoder, task, loss, timeSteps: job.timeSteps, seed: job.seed };
}

/**
 * Forward and backward on this rank's samples with core's step (the one `Trainer` runs); writes
 * `count × ∇(mean loss)` into `flat`. `correct` is NaN for tasks without class labels.
 */
function localGradients(
  job: DistributedJob,
  parts: StepParts,
  indices: Int32Array,
  epoch: number,
  step: number,
  params: Array<[string, tf.Variable]>,
  flat: Float32Array,
): { loss: number; correct: number } {
  const { x, y } = job.getBatch(indices);
  job.model.train();
  return tf.tidy(() => {
    const batch = { x, y, indices, size: indices.length, sampleShape: job.sampleShape };
    const { loss, grads, prediction } = lossAndGradients(parts, params, batch, epoch);
    let off = 0;
    for (const [name, v] of params) {
      const g = grads.get(name);
      // Unused parameters contribute zeros (as PyTorch DDP does), so every rank sends the same layout.
      if (g) flat.set(tf.mul(g, indices.length).dataSync() as Float32Array, off);
      off += v.size;
    }
    requireFiniteLoss(loss, `step ${step} (epoch ${epoch})`);
    return { loss, correct: countCorrect(parts.task.target, prediction, y) };
  });
}

/**
 * The forward pass on an empty batch, for a rank without samples in a step with synchronised batch
 * norm: its batch-norm layers take part in the statistics all-reduce and update their running
 * statistics as the other ranks' do. No loss, no gradient (the gradient of this rank is zero).
 */
function emptyForward(job: DistributedJob): void {
  job.model.train();
  tf.tidy(() => {
    job.model.resetState();
    const staticOut = job.encoder.timeInvariant ? job.model.forwardStatic(markDataTensor(tf.zeros([0, ...job.sampleShape])), job.timeSteps) : null;
    if (!staticOut) job.model.forward(markDataTensor(tf.zeros([job.timeSteps, 0, ...job.sampleShape])));
  });
}

/** Optimizer step with the summed gradient divided by the global sample count (the mean over the global batch). */
function applyUpdate(job: DistributedJob, params: Array<[string, tf.Variable]>, flat: Float32Array, globalCount: number, step: number): void {
  tf.tidy(() => {
    const grads = new Map<string, Tensor>();
    let off = 0;
    for (const [name, v] of params) {
      grads.set(name, tf.div(tf.tensor(flat.subarray(off, off + v.size), v.shape), globalCount));
      off += v.size;
    }
    applyGradients(job.optimizer, grads, job.schedule, step);
  });
}
