import type { Fingerprint } from './messages.js';
import { MAX_CONTROL_BYTES } from './wire.js';

/** Bytes per value of the tensor dtypes a fingerprint names (unknown ones count as 8). */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/**
 * The largest frame the protocol lets a worker send the coordinator: a control frame, or one frame
 * of a training state of the fingerprint's tensors (the weights, or optimizer state of up to three
 * slots per tensor). The coordinator's socket drops anything bigger before buffering it.
 *
 * @example
 * ```ts
 * const router = new zmq.Router({ maxMessageSize: maxFrameBytes(jobFingerprint(job)) });
 * ```
 */
export function maxFrameBytes(fp: Fingerprint): number {
  const tensorBytes = fp.tensors.reduce((a, t) => a + t.shape.reduce((n, d) => n * d, 1) * (DTYPE_BYTES[t.dtype] ?? 8), 0);
  return MAX_CONTROL_BYTES + 3 * tensorBytes;
}
