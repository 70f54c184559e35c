/**
 * The kinds of failure spikeflow reports. Each names a family of bad input or bad state,
 * so callers can branch on `err.kind` instead of parsing messages.
 */
export type SpikeflowErrorKind =
  | 'unknown-id'
  | 'duplicate-id'
  | 'ambiguous-id'
  | 'invalid-plugin'
  | 'invalid-options'
  | 'shape-mismatch'
  | 'backend-unavailable'
  | 'dataset-missing'
  | 'dataset-corrupt'
  | 'download-failed'
  | 'checksum-mismatch'
  | 'checkpoint-invalid'
  | 'invalid-state'
  | 'not-supported'
  // memory: the backend cannot hold what a step needs
  | 'out-of-memory'
  // distributed training
  | 'timeout'
  | 'protocol-error'
  | 'peer-failed'
  | 'unauthorized'
  // hardware targets
  | 'unrepresentable'
  | 'does-not-fit'
  // files
  | 'file-truncated'
  | 'format-unknown';

/**
 * The one error class of `@spikeflow/core` (plugins may subclass it). Messages name the thing
 * that was wrong and what was expected.
 *
 * @example
 * ```ts
 * try { registry.get('nope'); } catch (e) { if (SpikeflowError.is(e, 'unknown-id')) console.log(e.message); }
 * ```
 */
export class SpikeflowError extends Error {
  readonly kind: SpikeflowErrorKind;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(kind: SpikeflowErrorKind, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpikeflowError';
    this.kind = kind;
    this.details = details;
  }

  /** True when `value` is a SpikeflowError (optionally of the given kind), across package copies. */
  static is(value: unknown, kind?: SpikeflowErrorKind): value is SpikeflowError {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as { name?: unknown; kind?: unknown };
    if (!(value instanceof SpikeflowError) && v.name !== 'SpikeflowError') return false;
    return kind === undefined || v.kind === kind;
  }
}
