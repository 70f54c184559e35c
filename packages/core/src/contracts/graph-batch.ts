import type { TargetSpec } from './task.js';
import type { TaskSplit } from './task-dataset.js';

/**
 * One full-graph step for transductive node tasks (node classification on Cora-like graphs): every
 * node goes through the network, the loss and the metrics count only the nodes the split's mask
 * selects. There are no sample indices to shuffle — an epoch is one step — so a graph dataset hands
 * out whole-graph batches and a mask per split instead of `getBatch(indices)`.
 *
 * Tensors built from it are `x: [N, ...nodeShape]` (the batch axis is the node axis, so the model
 * sees `[T, N, ...]`), `y` typed by `targetSpec` for all `N` nodes (nodes outside the mask may hold
 * any valid value), and the mask becomes the `float32 [N]` `LossContext.mask` and the metrics'
 * per-sample `mask`.
 */
export interface GraphBatch {
  /** Node features, `numNodes * prod(nodeShape)` floats. */
  readonly x: Float32Array;
  /** Targets of every node, laid out as `targetSpec` says. */
  readonly y: Int32Array | Float32Array;
  /** One entry per node: 1 where the node counts for this split, 0 elsewhere. */
  readonly mask: Uint8Array;
  readonly numNodes: number;
  readonly nodeShape: readonly number[];
  /** Edges as two parallel index arrays (source, destination), for models that read the graph. */
  readonly edges: { readonly source: Int32Array; readonly destination: Int32Array };
}

/** A dataset that is one graph: the same nodes for every split, a different mask per split. */
export interface GraphDataset {
  readonly name: string;
  readonly numNodes: number;
  readonly nodeShape: readonly number[];
  readonly targetSpec: TargetSpec;
  /** The whole graph with `split`'s mask. */
  graphBatch(split: TaskSplit): GraphBatch;
}
