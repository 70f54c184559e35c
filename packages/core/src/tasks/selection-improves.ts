import type { SelectionMetric } from '../contracts/task.js';

/**
 * Whether `candidate` beats `best` under a task's selection metric (strictly: a tie keeps the earlier
 * checkpoint). A NaN candidate never improves (a diverged epoch must not be selected); anything
 * finite improves on no best yet (`undefined`) or a NaN best.
 *
 * @example
 * ```ts
 * selectionImproves({ metric: 'mse', mode: 'min' }, 0.2, 0.3); // true
 * ```
 */
export function selectionImproves(selection: SelectionMetric, candidate: number, best: number | undefined): boolean {
  if (Number.isNaN(candidate)) return false;
  if (best === undefined || Number.isNaN(best)) return true;
  return selection.mode === 'max' ? candidate > best : candidate < best;
}
