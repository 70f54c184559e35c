/**
 * Rank `rank`'s part of global batch `batch` of an epoch's visiting order: the global batch is
 * `order[batch·G, min((batch+1)·G, n))` and is cut into `worldSize` near-equal consecutive parts,
 * so the union over ranks is exactly the batch one process with batch size G would see, whatever
 * the number of workers.
 *
 * @example
 * ```ts
 * globalSlice(order, 0, 8, 1, 2).local; // order[4..8)
 * ```
 */
export function globalSlice(order: Int32Array, batch: number, globalBatch: number, rank: number, worldSize: number): { local: Int32Array; globalCount: number } {
  const start = batch * globalBatch;
  const end = Math.min(order.length, start + globalBatch);
  const m = Math.max(0, end - start);
  const a = start + Math.floor((rank * m) / worldSize);
  const b = start + Math.floor(((rank + 1) * m) / worldSize);
  return { local: order.slice(a, b), globalCount: m };
}
