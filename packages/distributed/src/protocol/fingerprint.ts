import type { Fingerprint } from './messages.js';

/**
 * Differences between two fingerprints, as sentences naming each mismatch (empty when they agree).
 * Used to refuse a worker at join with a message that says exactly what differs.
 *
 * @example
 * ```ts
 * const diff = diffFingerprints(reference, joining);
 * if (diff.length) refuse(`model mismatch: ${diff.join('; ')}`);
 * ```
 */
export function diffFingerprints(expected: Fingerprint, actual: Fingerprint, limit = 5): string[] {
  const out: string[] = [];
  const scalar = (label: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${label}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`);
  };
  scalar('protocol', expected.protocol, actual.protocol);
  scalar('@spikeflow/core version', expected.coreVersion, actual.coreVersion);
  scalar('@spikeflow/distributed version', expected.distributedVersion, actual.distributedVersion);
  scalar('backend', expected.backend, actual.backend);
  scalar('optimizer', expected.optimizer, actual.optimizer);
  scalar('dataset length', expected.datasetLength, actual.datasetLength);
  scalar('number of classes', expected.numClasses, actual.numClasses);
  const theirs = new Map(actual.tensors.map((t) => [t.name, t]));
  const ours = new Set(expected.tensors.map((t) => t.name));
  for (const t of expected.tensors) {
    const o = theirs.get(t.name);
    if (!o) out.push(`tensor '${t.name}' [${t.shape}] ${t.dtype} is missing`);
    else if (o.dtype !== t.dtype || o.shape.length !== t.shape.length || o.shape.some((d, i) => d !== t.shape[i])) {
      out.push(`tensor '${t.name}': expected [${t.shape}] ${t.dtype}, got [${o.shape}] ${o.dtype}`);
    }
  }
  for (const t of actual.tensors) if (!ours.has(t.name)) out.push(`unexpected tensor '${t.name}' [${t.shape}] ${t.dtype}`);
  if (out.length === 0) {
    // Same set of tensors in another order would break fixed-order buckets.
    const order = expected.tensors.findIndex((t, i) => actual.tensors[i]?.name !== t.name);
    if (order >= 0) out.push(`tensor order differs at position ${order}: expected '${expected.tensors[order].name}', got '${actual.tensors[order]?.name}'`);
  }
  return out.length > limit ? [...out.slice(0, limit), `and ${out.length - limit} more differences`] : out;
}
