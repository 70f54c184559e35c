import * as zmq from 'zeromq';
import { SpikeflowError } from '@spikeflow/core';
import type { ChunkKey, RingLink } from '../collective/ring-all-reduce.js';
import { PHASE_RESEND, type ChunkHeader, type Peer } from '../protocol/messages.js';
import { decodeChunkHeader, encodeChunkHeader } from '../protocol/wire.js';
import { ChaosTransport, type ChaosOptions, type ChaosStats } from './chaos.js';
import { frameMac, verifyFrameMac } from './frame-mac.js';
import { Mailbox, keyString } from './mailbox.js';
import { SendQueue } from './send-queue.js';
import { secureClient, secureServer, ZapAuthenticator, type Security } from './security.js';

/** Options of a {@link ZmqRingLink}. */
export interface RingLinkOptions {
  readonly workerId: string;
  readonly security: Security;
  /** Give up on a ring message after this long (the error names the neighbour). */
  readonly timeoutMs: number;
  /** Ask the left neighbour to send a missing message again after this long (default 250 ms). */
  readonly resendAfterMs?: number;
  /**
   * Largest gradient chunk accepted, in values (default 2^20: a 4 MiB bucket): the socket's
   * ZeroMQ message limit, so a bigger frame is dropped before it is ever buffered.
   */
  readonly maxChunkValues?: number;
  /** Faults injected on outgoing frames (tests). */
  readonly chaos?: ChaosOptions;
  /** Throw to abandon a wait (new generation, coordinator lost); called while waiting. */
  readonly check?: () => void;
}

const toView = (b: Buffer) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Default {@link RingLinkOptions.maxChunkValues}: a 4 MiB bucket (the coordinator's default). */
const DEFAULT_MAX_CHUNK_VALUES = 1 << 20;

/**
 * The worker-to-worker ring over ZeroMQ: a ROUTER bound on port 0 receives from the left
 * neighbour, a DEALER sends to the right one. Frames are `[ChunkHeader, float32 payload, MAC]`,
 * the MAC an HMAC-SHA256 under the generation's ring key (from the coordinator's Start), so only
 * ring members can feed the socket even on plain TCP; frames of other generations, duplicates,
 * forged and malformed frames are dropped; a missing frame is requested again from the left
 * neighbour, so dropped frames heal.
 */
export class ZmqRingLink implements RingLink {
  readonly mailbox = new Mailbox();
  /** Frames dropped because they could not be parsed or had the wrong size. */
  malformed = 0;
  private readonly inbound: zmq.Router;
  private readonly inQueue = new SendQueue();
  private outbound: zmq.Dealer | undefined;
  private outQueue = new SendQueue();
  private chaos: ChaosTransport<Buffer[]> | undefined;
  private pastChaos: ChaosStats | undefined;
  private readonly sent = new Map<string, Buffer[]>();
  private generation = 0;
  private rank = 0;
  private left: Peer | undefined;
  private right: Peer | undefined;
  private ringKey: Uint8Array = new Uint8Array(0);
  private closed = false;
  private releaseZap: (() => void) | undefined;
  endpoint = '';

  private get maxChunkValues(): number {
    return this.options.maxChunkValues ?? DEFAULT_MAX_CHUNK_VALUES;
  }

  /** ZAP domain of this link's socket (one per link: several links may share a process). */
  private get zapDomain(): string {
    return `spikeflow-ring/${this.options.workerId}`;
  }

  private constructor(readonly options: RingLinkOptions) {
    this.inbound = new zmq.Router({ linger: 0, sendTimeout: 1000, mandatory: false, maxMessageSize: 4 * this.maxChunkValues });
    secureServer(this.inbound, options.security, this.zapDomain);
  }

  /** Bind the ring socket on `host` (port chosen by the OS) and start receiving. */
  static async bind(host: string, options: RingLinkOptions): Promise<ZmqRingLink> {
    const link = new ZmqRingLink(options);
    if (!('insecure' in options.security)) link.releaseZap = (await ZapAuthenticator.get()).allow(link.zapDomain, () => link.allowedKeys());
    await link.inbound.bind(`tcp://${host.includes(':') ? `[${host}]` : host}:0`);
    link.endpoint = link.inbound.lastEndpoint ?? '';
    void link.receiveLoop();
    return link;
  }

  private allowedKeys(): ReadonlySet<string> {
    return new Set(this.left?.publicKey ? [this.left.publicKey] : []);
  }

  private peerId(p: Peer, generation = this.generation): string {
    return `${p.workerId}/g${generation}`;
  }

  /**
   * Join generation `generation` as `rank` between `left` and `right`; `ringKey` is the
   * generation's secret (from Start) that every frame is authenticated with.
   */
  async configure(generation: number, rank: number, left: Peer, right: Peer, ringKey: Uint8Array): Promise<void> {
    if (ringKey.byteLength < 16)
      throw new SpikeflowError(
        'protocol-error',
        `generation ${generation} came with a ring key of ${ringKey.byteLength} bytes; at least 16 expected (coordinator and worker versions differ?)`,
      );
    this.ringKey = Uint8Array.from(ringKey);
    this.generation = generation;
    this.rank = rank;
    this.left = left;
    this.right = right;
    this.mailbox.reset(generation);
    this.sent.clear();
    this.outbound?.close();
    const d = new zmq.Dealer({ linger: 0, sendTimeout: this.options.timeoutMs, routingId: this.peerId({ workerId: this.options.workerId } as Peer), immediate: false });
    secureClient(d, this.options.security, right.publicKey || undefined);
    d.connect(right.endpoint);
    this.outbound = d;
    this.outQueue = new SendQueue();
    const queue = this.outQueue;
    this.pastChaos = this.chaosStats;
    this.chaos = this.options.chaos ? new ChaosTransport<Buffer[]>(this.options.chaos, (f) => queue.run(() => d.send(f))) : undefined;
    void this.resendLoop(d);
  }

  /** Tell the link that `step` has begun (older messages and stored sends are forgotten). */
  advance(step: number): void {
    this.mailbox.advance(step);
    for (const k of [...this.sent.keys()]) if (Number(k.split('/')[0]) < step) this.sent.delete(k);
  }

  /** What the chaos transport did so far (summed over generations), when it is on. */
  get chaosStats(): ChaosStats | undefined {
    if (!this.chaos) return this.pastChaos;
    const c = this.chaos.stats;
    const p = this.pastChaos;
    return p
      ? { sent: c.sent + p.sent, dropped: c.dropped + p.dropped, duplicated: c.duplicated + p.duplicated, reordered: c.reordered + p.reordered, delayed: c.delayed + p.delayed }
      : { ...c };
  }

  async send(key: ChunkKey, chunk: number, data: Float32Array): Promise<void> {
    const d = this.outbound;
    if (!d) throw new SpikeflowError('invalid-state', 'ring link used before configure()');
    const header: ChunkHeader = {
      generation: this.generation,
      step: key.step,
      bucket: key.bucket,
      chunk,
      phase: key.phase,
      round: key.round,
      fromRank: this.rank,
      length: data.length,
    };
    // `data` is a fresh copy owned by this frame: zero-copy sends must never see it change.
    const head = encodeChunkHeader(header);
    const payload = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const frames = [head, payload, frameMac(this.ringKey, head, payload)];
    this.sent.set(keyString(key), frames);
    await this.deliver(d, frames);
  }

  private async deliver(d: zmq.Dealer, frames: Buffer[]): Promise<void> {
    try {
      if (this.chaos) await this.chaos.send(frames);
      else await this.outQueue.run(() => d.send(frames));
    } catch (e) {
      if (d !== this.outbound) return; // a reconfigure closed it
      throw new SpikeflowError('timeout', `cannot send to ring neighbour ${this.describeRight()}: ${(e as Error).message}`, {}, { cause: e });
    }
  }

  async receive(key: ChunkKey): Promise<{ chunk: number; data: Float32Array }> {
    let lastAsk = 0;
    const resendAfter = this.options.resendAfterMs ?? 250;
    return this.mailbox.take(key, {
      timeoutMs: this.options.timeoutMs,
      describe: () => `left neighbour ${this.describeLeft()} (generation ${this.generation}, rank ${this.rank})`,
      poll: (waited) => {
        this.options.check?.();
        void this.chaos?.flush();
        if (waited - lastAsk >= resendAfter && this.left) {
          lastAsk = waited;
          const req = encodeChunkHeader({
            generation: this.generation,
            step: key.step,
            bucket: key.bucket,
            chunk: key.phase,
            phase: PHASE_RESEND,
            round: key.round,
            fromRank: this.rank,
            length: 0,
          });
          const to = this.peerId(this.left);
          // A lost resend request is asked again at the next poll; the deadline reports a dead neighbour.
          void this.inQueue.run(() => this.inbound.send([to, req, frameMac(this.ringKey, req)])).catch(() => undefined);
        }
      },
    });
  }

  private describeLeft(): string {
    return this.left ? `${this.left.workerId} on ${this.left.host} (pid ${this.left.pid})` : 'unknown';
  }

  private describeRight(): string {
    return this.right ? `${this.right.workerId} on ${this.right.host} (pid ${this.right.pid})` : 'unknown';
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const frames of this.inbound) {
        // [routing id, header, payload, MAC]; nothing is decoded before the MAC checks out.
        if (frames.length !== 4 || !verifyFrameMac(this.ringKey, frames[3], frames[1], frames[2])) {
          this.malformed++;
          continue;
        }
        let h: ChunkHeader;
        try {
          h = decodeChunkHeader(frames[1]);
        } catch {
          this.malformed++;
          continue;
        }
        const payload = frames[2];
        if (h.phase === PHASE_RESEND || payload.byteLength !== h.length * 4 || h.length > this.maxChunkValues) {
          this.malformed++;
          continue;
        }
        // Copy out of the receive buffer (it may be unaligned for a Float32Array view).
        const data = new Float32Array(h.length);
        new Uint8Array(data.buffer).set(toView(payload));
        this.mailbox.put(h.generation, { step: h.step, bucket: h.bucket, phase: h.phase, round: h.round }, { chunk: h.chunk, data });
      }
    } catch {
      // socket closed
    }
  }

  /** Answer resend requests arriving on the outbound DEALER from the right neighbour. */
  private async resendLoop(d: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of d) {
        if (frames.length !== 2 || !verifyFrameMac(this.ringKey, frames[1], frames[0])) continue;
        let h: ChunkHeader;
        try {
          h = decodeChunkHeader(frames[0]);
        } catch {
          continue;
        }
        if (h.phase !== PHASE_RESEND || h.generation !== this.generation) continue;
        const stored = this.sent.get(keyString({ step: h.step, bucket: h.bucket, phase: h.chunk, round: h.round }));
        if (stored && d === this.outbound) void this.deliver(d, stored).catch(() => undefined);
      }
    } catch {
      // socket closed
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbound?.close();
    this.inbound.close();
    this.releaseZap?.();
  }
}
