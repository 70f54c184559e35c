import { concatEvents, type EventBatch } from './event-batch.js';
import type { EventFile } from './event-file.js';

/**
 * Read every event of a file into one batch (for samples, which are small; long recordings
 * should be consumed with `file.batches()`).
 *
 * @example
 * ```ts
 * const events = await readAllEvents(await openEventFile('sample.bin'));
 * ```
 */
export async function readAllEvents(file: EventFile): Promise<EventBatch> {
  const parts: EventBatch[] = [];
  for await (const b of file.batches()) parts.push(b);
  return concatEvents(parts);
}
