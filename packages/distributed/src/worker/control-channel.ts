import * as zmq from 'zeromq';
import { SpikeflowError, type SpikeflowErrorKind } from '@spikeflow/core';
import type { Envelope, EnvelopeKind, Hold } from '../protocol/messages.js';

const generationOf = (m: Envelope): number => ('start' in m ? m.start.generation : 'hold' in m ? m.hold.generation : 0);
import { decodeEnvelope, encodeEnvelope } from '../protocol/wire.js';
import { SendQueue } from '../transport/send-queue.js';
import { secureClient, type Security } from '../transport/security.js';

/** A control message with the raw frames that followed it. */
export interface Received {
  readonly message: Envelope;
  readonly frames: Buffer[];
}

/** Thrown inside a worker's step when the coordinator has started a newer generation. */
export class Reconfigure extends Error {
  constructor(readonly start: Received) {
    super('a new generation started');
  }
}

/**
 * Thrown out of a blocking wait inside a step (a synchronised batch-norm all-reduce) when the
 * coordinator's heartbeat answers name a newer generation: the Start itself is read afterwards.
 */
export class GenerationChanged extends Error {
  constructor(readonly generation: number) {
    super(`the coordinator moved to generation ${generation}`);
  }
}

const ERROR_KINDS = new Set<SpikeflowErrorKind>(['timeout', 'protocol-error', 'peer-failed', 'unauthorized', 'invalid-options', 'invalid-state', 'checkpoint-invalid']);

/**
 * The worker's DEALER to the coordinator: sends control messages and queues what arrives. An
 * Abort becomes a fatal error and a Start of a newer generation an interruption, both raised by
 * {@link check} from inside long waits.
 */
export class ControlChannel {
  generation = 0;
  /** The session token from Config, carried by every message sent after it. */
  token = '';
  /** A TCP connection to the coordinator was made, a handshake completed, and failed handshakes. */
  private connected = false;
  private handshaken = false;
  private handshakeError = '';
  private readonly openedAt = Date.now();
  private readonly socket: zmq.Dealer;
  private readonly queue: Received[] = [];
  private readonly sendQueue = new SendQueue();
  private fatal: Error | undefined;
  private newerStart: Received | undefined;
  /** Frames that failed to decode. */
  malformed = 0;
  private wake: (() => void) | undefined;

  /**
   * @param handshakeTimeoutMs no connection to the coordinator within this long, or only failed
   * handshakes (another server key), is fatal; a refused CURVE key or a security mismatch is fatal at once.
   */
  constructor(
    readonly endpoint: string,
    workerId: string,
    security: Security,
    serverKey: string | undefined,
    private readonly lost: () => string | undefined,
    private readonly handshakeTimeoutMs = 10_000,
  ) {
    // Only the coordinator this socket connected to can send on it; a Start carries a whole
    // training state, whose size the worker learns only later, so the cap is the protocol's 1 GiB.
    this.socket = new zmq.Dealer({ linger: 0, sendTimeout: 5000, routingId: workerId, maxMessageSize: 1 << 30 });
    secureClient(this.socket, security, serverKey);
    void this.watch(security);
    this.socket.connect(endpoint);
    void this.loop();
  }

  /** Handshake outcomes: ZeroMQ retries a refused connection forever, the worker should not. */
  private async watch(security: Security): Promise<void> {
    try {
      for await (const e of this.socket.events) {
        if (e.type === 'connect') this.connected = true;
        else if (e.type === 'handshake') this.handshaken = true;
        else if (e.type === 'handshake:error:other') this.handshakeError = e.error.message;
        else if (e.type === 'handshake:error:auth') {
          this.fatal ??= new SpikeflowError(
            'unauthorized',
            `the coordinator at ${this.endpoint} refused this worker's CURVE key: its public key must be on the coordinator's --allow list`,
          );
        } else if (e.type === 'handshake:error:protocol') {
          const mine = 'curve' in security ? 'CURVE (--key)' : 'plain TCP (no --key)';
          this.fatal ??= new SpikeflowError('unauthorized', `the coordinator at ${this.endpoint} does not speak ${mine}: ${e.error.message}; use the same security on both sides`);
        }
      }
    } catch {
      // closed
    }
  }

  private async loop(): Promise<void> {
    try {
      for await (const [head, ...rest] of this.socket) {
        this.connected = this.handshaken = true;
        let message: Envelope;
        try {
          message = decodeEnvelope(head, `coordinator ${this.endpoint}`);
        } catch {
          this.malformed++;
          continue;
        }
        if ('abort' in message) {
          const kind = ERROR_KINDS.has(message.abort.kind as SpikeflowErrorKind) ? (message.abort.kind as SpikeflowErrorKind) : 'peer-failed';
          this.fatal ??= new SpikeflowError(kind, `the coordinator at ${this.endpoint} stopped this worker: ${message.abort.reason}`);
        } else if (('start' in message && message.start.generation > this.generation) || ('hold' in message && message.hold.generation > this.generation)) {
          const gen = 'start' in message ? message.start.generation : (message as { hold: Hold }).hold.generation;
          if (!this.newerStart || generationOf(this.newerStart.message) < gen) this.newerStart = { message, frames: rest };
        } else {
          this.queue.push({ message, frames: rest });
        }
        // Wake a waiter at once (the barrier is on every step's critical path).
        const w = this.wake;
        this.wake = undefined;
        w?.();
      }
    } catch {
      // closed
    }
  }

  async send(message: Envelope, frames: readonly Buffer[] = []): Promise<void> {
    this.check(false);
    const head = encodeEnvelope(message, this.token);
    await this.sendQueue
      .run(() => this.socket.send([head, ...frames]))
      .catch((e: Error) => {
        // A refused handshake or none at all explains the failed send better than the timeout does.
        this.check(false);
        throw new SpikeflowError('timeout', `cannot reach the coordinator at ${this.endpoint}: ${e.message}`, {}, { cause: e });
      });
  }

  /** Throw the fatal error (abort, coordinator lost) or, with `interrupt`, a pending newer Start. */
  check(interrupt = true): void {
    if (this.fatal) throw this.fatal;
    if (!this.handshaken && Date.now() - this.openedAt > this.handshakeTimeoutMs) {
      const within = `within ${(this.handshakeTimeoutMs / 1000).toFixed(1)} s`;
      if (this.handshakeError)
        throw (this.fatal = new SpikeflowError(
          'unauthorized',
          `no handshake with the coordinator at ${this.endpoint} succeeded ${within} (${this.handshakeError}): is --server-key its public key?`,
        ));
      // Connected but no handshake event yet: the answer to hello (or the join deadline) decides.
      if (!this.connected)
        throw (this.fatal = new SpikeflowError('timeout', `no connection to the coordinator at ${this.endpoint} ${within}: nothing listens there (check --connect)`));
    }
    const lost = this.lost();
    if (lost) throw (this.fatal = new SpikeflowError('peer-failed', lost));
    if (interrupt && this.newerStart) {
      const s = this.newerStart;
      this.newerStart = undefined;
      throw new Reconfigure(s);
    }
  }

  /** Take a pending newer Start, if any. */
  takeStart(): Received | undefined {
    const s = this.newerStart;
    this.newerStart = undefined;
    return s;
  }

  /**
   * Wait for the first queued message of one of `kinds` that `match` accepts (others of those
   * kinds are discarded as stale). Throws `timeout` after `timeoutMs`, naming `what`.
   */
  async wait(kinds: readonly EnvelopeKind[], what: string, timeoutMs: number, match: (m: Envelope) => boolean = () => true, interrupt = true): Promise<Received> {
    const t0 = Date.now();
    for (;;) {
      this.check(interrupt);
      while (this.queue.length) {
        const r = this.queue.shift()!;
        if (kinds.some((k) => k in r.message) && match(r.message)) return r;
      }
      if (!interrupt && this.newerStart && (kinds.includes('start') || kinds.includes('hold'))) return this.takeStart()!;
      if (Date.now() - t0 > timeoutMs) throw new SpikeflowError('timeout', `no ${what} from the coordinator at ${this.endpoint} within ${(timeoutMs / 1000).toFixed(1)} s`);
      // Woken by the next message; the timer bounds how late a deadline or lost coordinator is noticed.
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
