import { eventBatch, sliceEvents, type EventBatch } from './event-batch.js';

/**
 * Collects decoded events into fixed-capacity batches; stateful decoders push one event at a
 * time and hand out full batches, so memory stays bounded however long the file is.
 *
 * @example
 * ```ts
 * const b = new EventBuilder(4096);
 * b.push(10, 3, 4, 1);
 * const batch = b.take(); // 1 event
 * ```
 */
export class EventBuilder {
  private cur: EventBatch;
  private n = 0;

  constructor(private readonly capacity = 65536) {
    this.cur = eventBatch(capacity);
  }

  /** Events held now. */
  get size(): number {
    return this.n;
  }

  /** True when the batch is full and should be taken. */
  get full(): boolean {
    return this.n === this.capacity;
  }

  push(t: number, x: number, y: number, p: number): void {
    const i = this.n++;
    this.cur.t[i] = t;
    this.cur.x[i] = x;
    this.cur.y[i] = y;
    this.cur.p[i] = p;
  }

  /** Hand out the events held (undefined when none) and start a new batch. */
  take(): EventBatch | undefined {
    if (this.n === 0) return undefined;
    const out = sliceEvents(this.cur, 0, this.n);
    this.cur = eventBatch(this.capacity);
    this.n = 0;
    return out;
  }
}
