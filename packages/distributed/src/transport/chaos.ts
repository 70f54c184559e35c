import { Rng, SpikeflowError } from '@spikeflow/core';

/**
 * Seeded network faults applied to outgoing ring frames, standing in for `tc netem` (which this
 * kernel lacks). Probabilities are per frame.
 */
export interface ChaosOptions {
  readonly seed: number;
  /** Lose the frame. */
  readonly drop?: number;
  /** Send the frame twice. */
  readonly duplicate?: number;
  /** Hold the frame back and send it after the next one. */
  readonly reorder?: number;
  /** Delay the frame by up to `maxDelayMs`. */
  readonly delay?: number;
  readonly maxDelayMs?: number;
}

/** Counts of what the chaos transport did. */
export interface ChaosStats {
  sent: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
}

/**
 * Decides the fate of each frame from a seeded RNG and performs it through `deliver`.
 *
 * @example
 * ```ts
 * const chaos = new ChaosTransport({ seed: 1, drop: 0.05, duplicate: 0.05, reorder: 0.1 }, (f) => socket.send(f));
 * await chaos.send(frames);
 * ```
 */
export class ChaosTransport<F> {
  readonly stats: ChaosStats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0 };
  private readonly rng: Rng;
  private held: F | undefined;

  constructor(
    readonly options: ChaosOptions,
    private readonly deliver: (frame: F) => Promise<void>,
  ) {
    for (const k of ['drop', 'duplicate', 'reorder', 'delay'] as const) {
      const p = options[k] ?? 0;
      if (!(p >= 0 && p < 1)) throw new SpikeflowError('invalid-options', `chaos ${k} must be a probability in [0, 1), got ${p}`);
    }
    this.rng = new Rng(`chaos:${options.seed}`);
  }

  async send(frame: F): Promise<void> {
    const o = this.options;
    // Draw all decisions every time so the fate sequence depends only on the seed and frame count.
    const [d, u, r, l, wait] = [this.rng.uniform(), this.rng.uniform(), this.rng.uniform(), this.rng.uniform(), this.rng.uniform()];
    if (d < (o.drop ?? 0)) {
      this.stats.dropped++;
      return;
    }
    if (l < (o.delay ?? 0)) {
      this.stats.delayed++;
      await new Promise((res) => setTimeout(res, Math.floor(wait * (o.maxDelayMs ?? 20))));
    }
    if (this.held === undefined && r < (o.reorder ?? 0)) {
      this.stats.reordered++;
      this.held = frame;
      return;
    }
    await this.out(frame);
    if (u < (o.duplicate ?? 0)) {
      this.stats.duplicated++;
      await this.out(frame);
    }
    await this.flush();
  }

  /** Send a held-back frame now (called after each send and when waiting for an answer). */
  async flush(): Promise<void> {
    const h = this.held;
    this.held = undefined;
    if (h !== undefined) await this.out(h);
  }

  private async out(frame: F): Promise<void> {
    this.stats.sent++;
    await this.deliver(frame);
  }
}
