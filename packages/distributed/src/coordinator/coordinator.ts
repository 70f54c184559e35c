import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as zmq from 'zeromq';
import { SpikeflowError, decodeSafetensors, type SpikeflowErrorKind } from '@spikeflow/core';
import type { Envelope, Fingerprint, Join, StepDone } from '../protocol/messages.js';
import { diffFingerprints } from '../protocol/fingerprint.js';
import { decodeControlFrame, encodeEnvelope, PROTOCOL_VERSION } from '../protocol/wire.js';
import { maxFrameBytes } from '../protocol/max-frame-bytes.js';
import { parseStateFrames, type StateFrames } from '../state/train-state.js';
import { readStateCheckpoint, writeStateCheckpoint } from '../state/checkpoint-files.js';
import { SendQueue } from '../transport/send-queue.js';
import { requireSecureEndpoint, secureServer, ZapAuthenticator, type Security } from '../transport/security.js';
import type { ClusterEvent } from './cluster-event.js';

/** What the cluster trains: the global batch and the length of the run. */
export interface TrainingPlan {
  /** Samples per optimizer step over all workers (kept when workers come and go). */
  readonly globalBatch: number;
  readonly epochs: number;
  /** Stop after this many optimizer steps in total. */
  readonly maxSteps?: number;
  /** Commit the state (in memory and on disk) every this many steps (default 50; an integer >= 1). Every epoch's end is committed too. */
  readonly commitEvery?: number;
  /** Upper bound of one all-reduce bucket (default 4 MiB, at most 256 MiB): also the largest ring frame a worker accepts. */
  readonly bucketBytes?: number;
  /**
   * Synchronised batch norm: every BatchNorm layer normalises with the mean and variance over all
   * ranks' samples (PyTorch's SyncBatchNorm), so N workers match one process with the global batch
   * also for models with batch norm. Costs two small all-reduces per BN layer per step. Default false.
   */
  readonly syncBatchNorm?: boolean;
}

/** Options of a {@link Coordinator}. */
export interface CoordinatorOptions {
  /** `tcp://HOST:PORT` (port 0 picks a free one; see {@link Coordinator.endpoint}). */
  readonly bind: string;
  readonly minWorkers: number;
  readonly maxWorkers?: number;
  /** Sent to every worker; its job factory builds model, optimizer and data from it. */
  readonly config: Record<string, unknown>;
  /**
   * The fingerprint every worker must present at join, derived by the caller from `config` (build
   * the job once and call `jobFingerprint`). Never taken from a worker: a client that joins first
   * cannot make its own model the reference. It also bounds the size of a state frame.
   */
  readonly fingerprint: Fingerprint;
  readonly plan: TrainingPlan;
  /** Run folder: checkpoints go to `<runDir>/checkpoints`, metrics to `<runDir>/metrics.jsonl`. */
  readonly runDir: string;
  /** Start from this checkpoint (a folder written by a previous cluster run, or its run folder). */
  readonly resume?: string;
  /** CURVE keys of the coordinator (required beyond loopback unless insecure). */
  readonly security?: Security;
  /** Public keys of the workers allowed to join (with CURVE). */
  readonly allow?: ReadonlySet<string>;
  /** A worker silent for this long is fenced (default 5 s). */
  readonly heartbeatTimeoutMs?: number;
  /** A worker that has not finished a step this long after the first rank did is fenced (default 60 s). */
  readonly stepTimeoutMs?: number;
  /** How long to wait for the first --min-workers workers (default 120 s). */
  readonly joinTimeoutMs?: number;
  /** How long to wait for joiners after falling below --min-workers (default: joinTimeoutMs). */
  readonly rejoinTimeoutMs?: number;
  /**
   * Largest frame accepted (default: what the protocol allows, a control frame or a training state
   * of the fingerprint's tensors with up to three optimizer slots each); ZeroMQ drops bigger ones
   * (and their connection) before buffering them.
   */
  readonly maxMessageBytes?: number;
  readonly onEvent?: (event: ClusterEvent) => void;
}

/** How a cluster run ended. */
export interface CoordinatorResult {
  readonly steps: number;
  readonly generations: number;
  readonly checkpoint: string;
  /** Mean training loss of every step, by global step. */
  readonly losses: ReadonlyMap<number, number>;
  /** The parameter hash all ranks agreed on after every step. */
  readonly paramHashes: ReadonlyMap<number, string>;
  readonly fenced: readonly string[];
  readonly samplesPerSecond: number;
}

interface Member {
  readonly id: string;
  /** Session token handed out in Config; every later message of this worker must carry it. */
  readonly token: string;
  readonly host: string;
  readonly pid: number;
  readonly order: number;
  lastSeen: number;
  heartbeatStep: number;
  join?: Join;
}

/** Largest all-reduce bucket: a ring frame is at most this big. */
const MAX_BUCKET_BYTES = 256 << 20;

type Phase = 'gathering' | 'initializing' | 'running' | 'committing' | 'waiting' | 'done';

/**
 * The cluster's coordinator: rendezvous (min/max workers, fingerprint check), generations and
 * ring order, step barriers, liveness (heartbeats and step progress), fencing, commits to memory
 * and disk, and the final checkpoint. It computes nothing itself.
 *
 * @example
 * ```ts
 * const fingerprint = jobFingerprint(await buildJob(config)); // the reference every worker must match
 * const c = await Coordinator.start({ bind: 'tcp://127.0.0.1:0', minWorkers: 2, config, fingerprint, plan: { globalBatch: 128, epochs: 1 }, runDir: 'runs/c' });
 * console.log(c.endpoint); // give this to the workers
 * const result = await c.run();
 * ```
 */
export class Coordinator {
  endpoint = '';
  private readonly router: zmq.Router;
  private readonly queue = new SendQueue();
  private readonly members = new Map<string, Member>();
  private readonly fenced = new Map<string, string>();
  private phase: Phase = 'gathering';
  private generation = 0;
  private ring: Member[] = [];
  private committed: StateFrames | undefined;
  private committedDir = '';
  private stepInFlight = 0;
  private readonly done = new Map<string, StepDone>();
  private firstDoneAt = 0;
  private waitingSince = Date.now();
  private pendingResize = false;
  private joinCounter = 0;
  private stepsPerEpoch = 0;
  private totalSteps = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private settle: { resolve: (r: CoordinatorResult) => void; reject: (e: Error) => void } | undefined;
  private readonly losses = new Map<number, number>();
  private readonly hashes = new Map<number, string>();
  private readonly epochAcc = { loss: 0, correct: 0, samples: 0, t0: 0, steps: 0, lr: 0, peakRssMiB: 0 };
  private trainSamples = 0;
  private trainMs = 0;
  private lastStepAt = 0;
  private ringKey: Buffer = Buffer.alloc(0);
  /** Largest frame a worker may send (ZeroMQ's limit on the socket). */
  readonly maxMessageBytes: number;
  /** Control frames dropped as malformed or unexpected. */
  malformed = 0;
  private releaseZap: (() => void) | undefined;

  private constructor(
    readonly options: CoordinatorOptions,
    private readonly security: Security,
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? maxFrameBytes(options.fingerprint);
    this.router = new zmq.Router({
      linger: 0,
      sendTimeout: 2000,
      mandatory: false,
      maxMessageSize: this.maxMessageBytes,
      heartbeatInterval: 1000,
      heartbeatTimeout: options.heartbeatTimeoutMs ?? 5000,
      heartbeatTimeToLive: options.heartbeatTimeoutMs ?? 5000,
    });
    secureServer(this.router, security, 'spikeflow-coordinator');
  }

  /** Validate options, load the checkpoint to resume from, bind the socket. */
  static async start(options: CoordinatorOptions): Promise<Coordinator> {
    const { minWorkers, maxWorkers = options.minWorkers, plan } = options;
    const bad = (m: string) => new SpikeflowError('invalid-options', `coordinator: ${m}`);
    if (!Number.isInteger(minWorkers) || minWorkers < 1) throw bad(`--min-workers must be an integer >= 1, got ${minWorkers}`);
    if (!Number.isInteger(maxWorkers) || maxWorkers < minWorkers) throw bad(`--max-workers must be an integer >= --min-workers (${minWorkers}), got ${maxWorkers}`);
    if (!Number.isInteger(plan.globalBatch) || plan.globalBatch < 1) throw bad(`the global batch must be an integer >= 1, got ${plan.globalBatch}`);
    if (!Number.isInteger(plan.epochs) || plan.epochs < 1) throw bad(`epochs must be an integer >= 1, got ${plan.epochs}`);
    if (plan.commitEvery !== undefined && (!Number.isInteger(plan.commitEvery) || plan.commitEvery < 1))
      throw bad(`--commit-every must be an integer >= 1 (steps between commits), got ${plan.commitEvery}`);
    if (plan.maxSteps !== undefined && (!Number.isInteger(plan.maxSteps) || plan.maxSteps < 1)) throw bad(`max steps must be an integer >= 1, got ${plan.maxSteps}`);
    if (plan.bucketBytes !== undefined && (!Number.isInteger(plan.bucketBytes) || plan.bucketBytes < 4 || plan.bucketBytes > MAX_BUCKET_BYTES)) {
      throw bad(`the bucket size must be an integer number of bytes in [4, ${MAX_BUCKET_BYTES}], got ${plan.bucketBytes}`);
    }
    for (const [name, ms] of [
      ['heartbeat timeout', options.heartbeatTimeoutMs],
      ['step timeout', options.stepTimeoutMs],
      ['join timeout', options.joinTimeoutMs],
      ['rejoin timeout', options.rejoinTimeoutMs],
    ] as const) {
      if (ms !== undefined && !(Number.isFinite(ms) && ms > 0)) throw bad(`the ${name} must be a positive number of milliseconds, got ${ms}`);
    }
    if (options.maxMessageBytes !== undefined && (!Number.isInteger(options.maxMessageBytes) || options.maxMessageBytes < 1024))
      throw bad(`the message size limit must be an integer number of bytes >= 1024, got ${options.maxMessageBytes}`);
    const fp = options.fingerprint;
    if (!fp || !Array.isArray(fp.tensors) || !fp.tensors.length || !Number.isInteger(fp.datasetLength) || fp.datasetLength < 1) {
      throw bad('the expected fingerprint (from jobFingerprint of the job the config builds) must name the tensors and a dataset length >= 1');
    }
    const security = requireSecureEndpoint(options.bind, options.security, 'coordinator');
    if ('curve' in security && !options.allow?.size)
      throw new SpikeflowError('unauthorized', "CURVE is on but no worker public key is allowed: pass --allow with the workers' .pub files");
    const c = new Coordinator(options, security);
    c.stepsPerEpoch = Math.ceil(fp.datasetLength / plan.globalBatch);
    const all = c.stepsPerEpoch * plan.epochs;
    c.totalSteps = Math.min(all, plan.maxSteps ?? all);
    if (options.resume) {
      const r = await readStateCheckpoint(options.resume);
      c.committed = r.state;
      c.committedDir = r.dir;
    }
    if ('curve' in security) c.releaseZap = (await ZapAuthenticator.get()).allow('spikeflow-coordinator', () => c.options.allow ?? new Set());
    try {
      await c.router.bind(options.bind);
    } catch (e) {
      c.close();
      throw new SpikeflowError('invalid-options', `coordinator cannot bind ${options.bind}: ${(e as Error).message}`);
    }
    c.endpoint = c.router.lastEndpoint ?? options.bind;
    return c;
  }

  private emit(event: ClusterEvent): void {
    this.options.onEvent?.(event);
  }

  private get bucketBytes(): number {
    return this.options.plan.bucketBytes ?? 4 << 20;
  }

  private get maxWorkers(): number {
    return this.options.maxWorkers ?? this.options.minWorkers;
  }

  private describe(m: Member): string {
    const rank = this.ring.indexOf(m);
    return `${rank >= 0 ? `rank ${rank} ` : ''}(worker ${m.id} on ${m.host}, pid ${m.pid})`;
  }

  /** Serve until the run finishes (resolves) or cannot continue (rejects with a typed error). */
  run(): Promise<CoordinatorResult> {
    return new Promise<CoordinatorResult>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.timer = setInterval(() => this.guard(() => this.tick()), 100);
      void this.loop();
    }).finally(() => this.close());
  }

  private guard(fn: () => void | Promise<void>): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((e: unknown) => this.fail(e as Error));
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private async loop(): Promise<void> {
    try {
      for await (const [idFrame, head, ...rest] of this.router) {
        const id = idFrame.toString();
        let message: Envelope;
        let token: string;
        try {
          if (!head) throw new SpikeflowError('protocol-error', `empty message from ${id}`);
          ({ message, token } = decodeControlFrame(head, `peer '${id}'`));
        } catch (e) {
          this.malformed++;
          this.emit({ type: 'malformed', from: id, reason: (e as Error).message });
          continue;
        }
        this.guard(() => {
          try {
            this.handle(id, message, token, rest);
          } catch (e) {
            // A bad message (say, a commit whose bytes do not match its hash) costs its sender its
            // place, not the whole run.
            if (!SpikeflowError.is(e, 'protocol-error')) throw e;
            this.malformed++;
            this.emit({ type: 'malformed', from: id, reason: e.message });
            const m = this.members.get(id);
            if (m && this.ring.includes(m)) this.fence([m], e.message);
          }
        });
      }
    } catch {
      // socket closed
    }
  }

  private send(id: string, message: Envelope, frames: readonly Buffer[] = []): void {
    let head: Buffer;
    try {
      head = encodeEnvelope(message);
    } catch (e) {
      // Our own message cannot be encoded: a bug or a bad option, never the peer's fault.
      throw new SpikeflowError('invalid-state', `the coordinator cannot encode its ${Object.keys(message)[0]} message to ${id}: ${(e as Error).message}`);
    }
    // A peer that cannot be reached (gone, or its queue full for sendTimeout) is reported; its
    // silence then fences it (heartbeats), so the run neither stalls nor fails on it here.
    void this.queue.run(() => this.router.send([id, head, ...frames])).catch((e: Error) => this.emit({ type: 'unreachable', to: id, reason: e.message }));
  }

  private abort(id: string, kind: SpikeflowErrorKind, reason: string): void {
    this.send(id, { abort: { kind, reason } });
    this.send(`${id}#hb`, { abort: { kind, reason } });
  }

  private dropForged(id: string, what: string): void {
    this.malformed++;
    this.emit({ type: 'malformed', from: id, reason: `${what} without the session token of that worker (only its own connections hold it): dropped` });
  }

  private handle(id: string, message: Envelope, token: string, frames: Buffer[]): void {
    const now = Date.now();
    if ('heartbeat' in message) {
      const wid = message.heartbeat.workerId;
      const m = this.members.get(wid);
      // Liveness is the sender's: a heartbeat counts only from the heartbeat connection of the
      // worker it names, proven by the session token (a claimed id proves nothing).
      if (m && (token !== m.token || id !== `${wid}#hb`)) {
        // Until the heartbeat thread learns the token (just after Config) it sends none: no liveness, no alarm.
        if (token || id !== `${wid}#hb`) this.dropForged(id, `heartbeat naming worker ${wid}`);
        return;
      }
      const fence = this.fenced.get(wid);
      if (fence) return this.send(id, { abort: { kind: 'peer-failed', reason: fence } });
      // A worker that was in a generation elsewhere (a previous coordinator) must not carry on here.
      if (!m && message.heartbeat.generation > 0)
        return this.send(id, { abort: { kind: 'peer-failed', reason: `this coordinator does not know worker ${wid} (it was restarted?); restart the worker` } });
      if (!m) return this.send(id, { heartbeatAck: { generation: this.generation } });
      m.lastSeen = now;
      m.heartbeatStep = message.heartbeat.step;
      return this.send(id, { heartbeatAck: { generation: this.generation } });
    }
    const fence = this.fenced.get(id);
    if (fence) return this.abort(id, 'peer-failed', fence);
    if ('hello' in message) return this.onHello(id, message.hello);
    const m = this.members.get(id);
    if (!m) {
      this.malformed++;
      this.emit({ type: 'malformed', from: id, reason: 'message before hello' });
      return;
    }
    if (token !== m.token) return this.dropForged(id, `${Object.keys(message)[0]} from '${id}'`);
    m.lastSeen = now;
    if ('join' in message) return this.onJoin(m, message.join);
    if ('stepDone' in message) return this.onStepDone(m, message.stepDone);
    if ('commit' in message) return this.onCommit(m, message.commit, frames);
    this.malformed++;
    this.emit({ type: 'malformed', from: id, reason: `unexpected ${Object.keys(message)[0]} from a worker` });
  }

  private onHello(id: string, hello: { workerId: string; host: string; pid: number; protocol: string }): void {
    if (hello.workerId !== id) return this.abort(id, 'protocol-error', `hello names worker '${hello.workerId}' but arrived from '${id}'`);
    if (hello.protocol !== PROTOCOL_VERSION) return this.send(id, { refuse: { kind: 'protocol-error', reason: `protocol ${hello.protocol} is not ${PROTOCOL_VERSION}` } });
    if (this.phase === 'done') return this.send(id, { refuse: { kind: 'invalid-state', reason: 'the run is over' } });
    // A worker says hello once; a second hello under a member's id is someone else after its token.
    if (this.members.has(id)) return this.dropForged(id, `a second hello as '${id}'`);
    const token = randomBytes(24).toString('base64url');
    this.members.set(id, { id, token, host: hello.host, pid: hello.pid, order: this.joinCounter++, lastSeen: Date.now(), heartbeatStep: 0 });
    const config = { ...this.options.config };
    this.send(id, {
      config: {
        json: JSON.stringify(config),
        generation: this.generation,
        syncBatchNorm: this.options.plan.syncBatchNorm ?? false,
        sessionToken: token,
        bucketBytes: this.bucketBytes,
      },
    });
  }

  private onJoin(m: Member, join: Join): void {
    const ref = this.checkpointFingerprint(this.options.fingerprint) ?? this.options.fingerprint;
    const diff = diffFingerprints(ref, join.fingerprint);
    if (diff.length) {
      this.members.delete(m.id);
      this.emit({ type: 'refused', workerId: m.id, host: m.host, reason: diff.join('; ') });
      return this.send(m.id, { refuse: { kind: 'shape-mismatch', reason: `worker ${m.id} on ${m.host} does not match the cluster: ${diff.join('; ')}` } });
    }
    if (this.options.plan.syncBatchNorm && !join.bnEndpoint) {
      this.members.delete(m.id);
      const reason = `worker ${m.id} on ${m.host} published no batch-norm endpoint, but this run synchronises batch norm (it needs the same @spikeflow/distributed version as the coordinator)`;
      this.emit({ type: 'refused', workerId: m.id, host: m.host, reason });
      return this.send(m.id, { refuse: { kind: 'invalid-options', reason } });
    }
    m.join = join;
    this.emit({ type: 'joined', workerId: m.id, host: m.host, pid: m.pid, endpoint: join.dataEndpoint });
    const ready = this.joined();
    if (this.phase === 'gathering' && ready.length >= this.options.minWorkers) this.begin();
    else if (this.phase === 'waiting' && ready.length >= this.options.minWorkers) this.begin();
    else if ((this.phase === 'running' || this.phase === 'committing') && this.ring.length < this.maxWorkers) this.pendingResize = true;
  }

  /** With a checkpoint to resume from, joining models must match its tensors. */
  private checkpointFingerprint(fp: Fingerprint): Fingerprint | undefined {
    if (!this.committed) return undefined;
    const { tensors } = decodeSafetensors(new Uint8Array(this.committed.frames[1]), `${this.committedDir}/model.safetensors`);
    return {
      ...fp,
      tensors: [...tensors]
        .map(([name, t]) => ({ name, shape: [...t.shape], dtype: 'float32' }))
        .sort((a, b) => fp.tensors.findIndex((x) => x.name === a.name) - fp.tensors.findIndex((x) => x.name === b.name)),
    };
  }

  private joined(): Member[] {
    return [...this.members.values()].filter((m) => m.join).sort((a, b) => a.order - b.order);
  }

  /** Start training with the workers present: ask rank 0 for the initial state, or restore. */
  private begin(): void {
    if (this.committed) return this.startGeneration();
    this.phase = 'initializing';
    this.generation++;
    this.ring = this.joined().slice(0, this.maxWorkers);
    this.send(this.ring[0].id, { stateRequest: { generation: this.generation } });
  }

  private startGeneration(): void {
    const state = this.committed!;
    if (state.meta.step >= this.totalSteps) return void this.finish();
    this.generation++;
    this.ring = this.joined().slice(0, this.maxWorkers);
    this.pendingResize = false;
    // A fresh secret per generation: frames of a former member (or anyone else) never authenticate.
    this.ringKey = randomBytes(32);
    const ring = this.ring.map((m) => ({
      workerId: m.id,
      endpoint: m.join!.dataEndpoint,
      publicKey: m.join!.dataPublicKey,
      host: m.host,
      pid: m.pid,
      bnEndpoint: m.join!.bnEndpoint ?? '',
    }));
    this.stepInFlight = state.meta.step;
    this.done.clear();
    this.firstDoneAt = 0;
    this.phase = 'running';
    this.lastStepAt = Date.now();
    if (!this.epochAcc.t0) this.epochAcc.t0 = Date.now();
    const plan = this.options.plan;
    this.ring.forEach((m, rank) => {
      this.send(
        m.id,
        {
          start: {
            generation: this.generation,
            rank,
            ring,
            step: state.meta.step,
            stepsPerEpoch: this.stepsPerEpoch,
            totalSteps: this.totalSteps,
            globalBatch: plan.globalBatch,
            stateHash: state.hash,
            commitEvery: plan.commitEvery ?? 50,
            bucketBytes: this.bucketBytes,
            syncBatchNorm: plan.syncBatchNorm ?? false,
            ringKey: this.ringKey,
          },
        },
        state.frames,
      );
    });
    this.emit({ type: 'generation', generation: this.generation, step: state.meta.step, workers: this.ring.map((m) => m.id) });
  }

  private onStepDone(m: Member, d: StepDone): void {
    if (this.phase !== 'running' || d.generation !== this.generation || d.step !== this.stepInFlight || !this.ring.includes(m)) return; // stale: dropped
    if (!this.firstDoneAt) this.firstDoneAt = Date.now();
    this.done.set(m.id, d);
    if (this.done.size < this.ring.length) return;
    const all = [...this.done.values()];
    const hash = this.done.get(this.ring[0].id)!.paramHash;
    const diverged = this.ring.filter((r) => this.done.get(r.id)!.paramHash !== hash);
    if (diverged.length) {
      throw new SpikeflowError(
        'invalid-state',
        `parameters diverged after step ${d.step} (generation ${this.generation}): ${diverged.map((r) => this.describe(r)).join(', ')} differ from rank 0`,
      );
    }
    const samples = all.reduce((a, x) => a + x.samples, 0);
    const lossSum = all.reduce((a, x) => a + x.lossSum, 0);
    const correct = all.reduce((a, x) => a + x.correct, 0);
    const loss = lossSum / Math.max(1, samples);
    this.losses.set(d.step, loss);
    this.hashes.set(d.step, hash);
    const now = Date.now();
    this.trainSamples += samples;
    this.trainMs += now - this.lastStepAt;
    this.lastStepAt = now;
    const acc = this.epochAcc;
    acc.loss += lossSum;
    acc.correct += correct;
    acc.samples += samples;
    acc.steps++;
    acc.lr = this.done.get(this.ring[0].id)!.lr ?? 0;
    acc.peakRssMiB = Math.max(acc.peakRssMiB, ...all.map((x) => x.peakRssMib ?? 0));
    // Workers of a task without class labels report NaN hits: no accuracy then.
    const accuracy = Number.isNaN(correct) ? undefined : correct / Math.max(1, samples);
    this.emit({ type: 'step', generation: this.generation, step: d.step, totalSteps: this.totalSteps, loss, accuracy, samples, workers: this.ring.length, paramHash: hash });
    const next = d.step + 1;
    if (next % this.stepsPerEpoch === 0 || next >= this.totalSteps) this.endEpoch(next);
    const last = next >= this.totalSteps;
    // Every epoch's end is committed, as a single-process run checkpoints every epoch.
    const commit = last || this.pendingResize || next % (this.options.plan.commitEvery ?? 50) === 0 || next % this.stepsPerEpoch === 0;
    const pause = last || this.pendingResize;
    this.done.clear();
    this.firstDoneAt = 0;
    this.stepInFlight = next;
    if (pause) this.phase = 'committing';
    for (const r of this.ring) this.send(r.id, { proceed: { generation: this.generation, step: d.step, commit, pause } });
  }

  /**
   * The epoch's line of `metrics.jsonl`, with the keys of a single-process run's line (core's
   * EpochMetrics: epoch counted from 1; no test metrics, a caller may evaluate the epoch's checkpoint).
   */
  private endEpoch(next: number): void {
    const acc = this.epochAcc;
    const seconds = (Date.now() - acc.t0) / 1000;
    const line = {
      epoch: Math.ceil(next / this.stepsPerEpoch),
      step: next,
      trainLoss: acc.loss / Math.max(1, acc.samples),
      trainAccuracy: Number.isNaN(acc.correct) ? undefined : acc.correct / Math.max(1, acc.samples),
      firingRates: {},
      samplesPerSecond: acc.samples / Math.max(1e-9, seconds),
      lr: acc.lr,
      trainSeconds: seconds,
      evalSeconds: 0,
      peakRssMiB: acc.peakRssMiB,
      batches: acc.steps,
    };
    this.emit({ type: 'epoch', ...line, workers: this.ring.length, generation: this.generation });
    const file = path.join(this.options.runDir, 'metrics.jsonl');
    const text = `${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`;
    this.writes = this.writes.then(() => fs.mkdir(this.options.runDir, { recursive: true })).then(() => fs.appendFile(file, text));
    Object.assign(acc, { loss: 0, correct: 0, samples: 0, steps: 0, t0: Date.now() });
  }

  /** Checkpoint names as a single-process run writes them: `epoch-001` at an epoch's end, else `epoch-001-step-40`. */
  private checkpointName(step: number): string {
    const epoch = Math.ceil(step / this.stepsPerEpoch);
    const atEnd = step > 0 && step % this.stepsPerEpoch === 0;
    return atEnd ? `epoch-${String(epoch).padStart(3, '0')}` : `epoch-${String(Math.floor(step / this.stepsPerEpoch) + 1).padStart(3, '0')}-step-${step}`;
  }

  private onCommit(m: Member, c: { generation: number; step: number; stateHash: string }, frames: Buffer[]): void {
    if (c.generation !== this.generation || this.ring[0] !== m) return;
    const state = parseStateFrames(frames, c.stateHash, this.describe(m));
    if (state.meta.step !== c.step) throw new SpikeflowError('protocol-error', `commit from ${this.describe(m)} announces step ${c.step} but holds step ${state.meta.step}`);
    this.committed = state;
    // The initial state (step 0) stays in memory: a single-process run writes no checkpoint before training either.
    if (c.step > 0) {
      const name = this.checkpointName(c.step);
      // The stored config is the one the workers received, so resume and eval can rebuild the job.
      const config = this.options.config;
      const generation = this.generation;
      const write = this.writes.then(() => writeStateCheckpoint(path.join(this.options.runDir, 'checkpoints'), name, state, config));
      this.writes = write.then((dir) => {
        this.committedDir = dir;
        this.emit({ type: 'commit', step: c.step, generation, dir });
      });
      this.writes.catch((e: Error) => this.fail(e));
    }
    if (this.phase === 'initializing') this.startGeneration();
    else if (this.phase === 'committing') {
      if (c.step >= this.totalSteps) void this.finish();
      else this.startGeneration();
    }
  }

  private tick(): void {
    if (this.phase === 'done') return;
    const now = Date.now();
    const hbTimeout = this.options.heartbeatTimeoutMs ?? 5000;
    const joinTimeout = this.phase === 'waiting' ? (this.options.rejoinTimeoutMs ?? this.options.joinTimeoutMs ?? 120_000) : (this.options.joinTimeoutMs ?? 120_000);
    if (this.phase === 'gathering' || this.phase === 'waiting') {
      if (now - this.waitingSince > joinTimeout) {
        const have = this.joined().length;
        throw new SpikeflowError(
          'peer-failed',
          `only ${have} of at least ${this.options.minWorkers} workers joined within ${(joinTimeout / 1000).toFixed(0)} s${this.generation ? ` after generation ${this.generation}` : ''}; ${this.committedDir ? `resume with --resume ${this.committedDir}` : 'no training state was committed'}`,
        );
      }
    }
    // Forget hello-only or standby workers that went silent; fence ring members that did. A worker
    // between hello and join is building its job (reading a dataset, starting its heartbeat thread
    // on a loaded machine): it counts for nothing yet, so it gets the join timeout.
    for (const m of [...this.members.values()]) {
      if (now - m.lastSeen <= (m.join ? hbTimeout : Math.max(hbTimeout, this.options.joinTimeoutMs ?? 120_000))) continue;
      if (this.ring.includes(m) && this.phase !== 'gathering' && this.phase !== 'waiting') this.fence([m], `no heartbeat for ${((now - m.lastSeen) / 1000).toFixed(1)} s`);
      else if (!this.ring.includes(m)) this.members.delete(m.id);
    }
    if (this.phase === 'running' && this.firstDoneAt && now - this.firstDoneAt > (this.options.stepTimeoutMs ?? 60_000)) {
      const stuck = this.ring.filter((r) => !this.done.has(r.id));
      this.fence(stuck, `step ${this.stepInFlight} not finished ${((now - this.firstDoneAt) / 1000).toFixed(1)} s after the first rank finished it`);
    }
  }

  /** Remove workers for good (a fenced process can never rejoin) and re-form the ring from the last commit. */
  private fence(members: readonly Member[], reason: string): void {
    if (!members.length || this.phase === 'done') return;
    for (const m of members) {
      const why = `${this.describe(m)} was fenced at step ${this.stepInFlight}, generation ${this.generation}: ${reason}; a fenced process cannot rejoin (restart it to join anew)`;
      this.fenced.set(m.id, why);
      this.members.delete(m.id);
      this.abort(m.id, 'peer-failed', why);
      this.emit({ type: 'fenced', workerId: m.id, host: m.host, pid: m.pid, rank: this.ring.indexOf(m), step: this.stepInFlight, generation: this.generation, reason });
    }
    this.ring = this.ring.filter((m) => !members.includes(m));
    const left = this.joined();
    if (left.length >= this.options.minWorkers) {
      this.begin();
    } else {
      this.phase = 'waiting';
      this.waitingSince = Date.now();
      this.generation++;
      this.ring = [];
      const why = `lost ${members.map((m) => m.id).join(', ')}; ${left.length} of at least ${this.options.minWorkers} workers remain, waiting for joiners`;
      for (const m of left) this.send(m.id, { hold: { generation: this.generation, reason: why } });
      this.emit({ type: 'waiting', have: left.length, need: this.options.minWorkers, reason: members.map((m) => `${m.id} on ${m.host}: ${reason}`).join('; ') });
    }
  }

  private async finish(): Promise<void> {
    if (this.phase === 'done') return;
    this.phase = 'done';
    await this.writes;
    const checkpoint = this.committedDir;
    for (const m of this.members.values()) this.send(m.id, { finish: { step: this.committed?.meta.step ?? 0, checkpoint } });
    await this.queue.run(async () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    this.settle?.resolve({
      steps: this.committed?.meta.step ?? 0,
      generations: this.generation,
      checkpoint,
      losses: this.losses,
      paramHashes: this.hashes,
      fenced: [...this.fenced.keys()],
      samplesPerSecond: this.trainSamples / Math.max(1e-9, this.trainMs / 1000),
    });
  }

  private fail(e: Error): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    const kind: SpikeflowErrorKind = SpikeflowError.is(e) ? e.kind : 'invalid-state';
    for (const m of this.members.values()) this.abort(m.id, kind, e.message);
    void this.writes.finally(async () => {
      await this.queue.run(async () => undefined);
      await new Promise((r) => setTimeout(r, 50));
      this.settle?.reject(e);
    });
  }

  /** Close the socket and stop timers (run() does this when it settles). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.router.close();
    this.releaseZap?.();
    this.releaseZap = undefined;
  }
}
