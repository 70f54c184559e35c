import { SpikeflowError } from '@spikeflow/core';
import type { ChunkKey } from '../collective/ring-all-reduce.js';

/** A chunk waiting in a {@link Mailbox}. */
export interface MailItem {
  readonly chunk: number;
  readonly data: Float32Array;
}

export const keyString = (k: ChunkKey) => `${k.step}/${k.bucket}/${k.phase}/${k.round}`;

/**
 * Ring messages of the current generation keyed by (step, bucket, phase, round). Early messages
 * wait, duplicates and messages of older steps or generations are dropped, so the transport may
 * reorder or repeat frames (the chaos transport does) without changing the result.
 */
export class Mailbox {
  private generation = 0;
  private step = 0;
  private readonly items = new Map<string, MailItem>();
  private readonly consumed = new Set<string>();
  private readonly waiters = new Map<string, (item: MailItem) => void>();
  /** Frames dropped as stale or duplicate (for tests and diagnostics). */
  dropped = 0;

  /** Start a new generation: everything held is discarded. */
  reset(generation: number): void {
    this.dropped += this.items.size;
    this.generation = generation;
    this.step = 0;
    this.items.clear();
    this.consumed.clear();
  }

  /** Forget what belongs to steps before `step`. */
  advance(step: number): void {
    if (step <= this.step) return;
    this.step = step;
    for (const k of [...this.items.keys()]) if (Number(k.split('/')[0]) < step) this.items.delete(k);
    this.consumed.clear();
  }

  /** Offer a received message; returns false when it was dropped. */
  put(generation: number, key: ChunkKey, item: MailItem): boolean {
    const k = keyString(key);
    if (generation !== this.generation || key.step < this.step || this.consumed.has(k) || this.items.has(k)) {
      this.dropped++;
      return false;
    }
    const w = this.waiters.get(k);
    if (w) {
      this.waiters.delete(k);
      this.consumed.add(k);
      w(item);
    } else {
      this.items.set(k, item);
    }
    return true;
  }

  /**
   * Wait for the message under `key`. `poll` runs every `pollMs` while waiting (to request a
   * resend, or to throw when the wait must be abandoned); after `timeoutMs` a `timeout` error
   * is thrown with `describe()` in its message.
   */
  take(key: ChunkKey, o: { timeoutMs: number; pollMs?: number; poll?: (waitedMs: number) => void; describe: () => string }): Promise<MailItem> {
    const k = keyString(key);
    const ready = this.items.get(k);
    if (ready) {
      this.items.delete(k);
      this.consumed.add(k);
      return Promise.resolve(ready);
    }
    return new Promise<MailItem>((resolve, reject) => {
      const t0 = Date.now();
      const timer = setInterval(() => {
        const waited = Date.now() - t0;
        try {
          o.poll?.(waited);
          if (waited >= o.timeoutMs) throw new SpikeflowError('timeout', `no ring message ${k} after ${(waited / 1000).toFixed(1)} s: ${o.describe()}`);
        } catch (e) {
          clearInterval(timer);
          this.waiters.delete(k);
          reject(e);
        }
      }, o.pollMs ?? 50);
      this.waiters.set(k, (item) => {
        clearInterval(timer);
        resolve(item);
      });
    });
  }
}
