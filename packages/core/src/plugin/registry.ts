import { z } from 'zod';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Descriptor, Registered } from '../contracts/descriptor.js';

/**
 * Contributions of one kind keyed `namespace/id`. A short id resolves when exactly one
 * namespace has it; unknown, ambiguous and duplicate ids throw typed errors naming what exists.
 */
export class Registry<D extends Descriptor<any>> {
  private readonly byFullId = new Map<string, Registered<D>>();

  constructor(
    readonly kind: string,
    descriptors: readonly D[],
  ) {
    for (const d of descriptors) {
      const r = d as Registered<D>;
      if (typeof r.namespace !== 'string' || typeof r.fullId !== 'string') {
        throw new SpikeflowError('invalid-plugin', `${kind} descriptor '${d.id}' was bound without a namespace; contribute it through definePlugin`);
      }
      const prior = this.byFullId.get(r.fullId);
      if (prior) throw new SpikeflowError('duplicate-id', `${kind} '${r.fullId}' is contributed twice (two plugins use namespace '${r.namespace}')`, { id: r.fullId });
      this.byFullId.set(r.fullId, r);
    }
  }

  /** Every full id, sorted. */
  ids(): string[] {
    return [...this.byFullId.keys()].sort();
  }

  list(): Registered<D>[] {
    return this.ids().map((id) => this.byFullId.get(id)!);
  }

  has(id: string): boolean {
    try {
      this.get(id);
      return true;
    } catch {
      return false;
    }
  }

  /** Resolve `namespace/id` or an unambiguous short `id`. */
  get(id: string): Registered<D> {
    const exact = this.byFullId.get(id);
    if (exact) return exact;
    if (!id.includes('/')) {
      const matches = this.list().filter((d) => d.id === id);
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) {
        throw new SpikeflowError('ambiguous-id', `${this.kind} id '${id}' is ambiguous; use one of ${matches.map((m) => m.fullId).join(', ')}`, { id });
      }
    }
    const known = this.ids();
    throw new SpikeflowError('unknown-id', `unknown ${this.kind} '${id}'; registered: ${known.length ? known.join(', ') : '(none — is its plugin loaded?)'}`, { id, known });
  }

  /** Validate options against the descriptor's schema, with the id in the error. */
  parseOptions(id: string, options: unknown): { descriptor: Registered<D>; options: D extends Descriptor<infer O> ? O : never } {
    const descriptor = this.get(id);
    const parsed = descriptor.options.safeParse(options ?? {});
    if (!parsed.success) {
      throw new SpikeflowError('invalid-options', `invalid options for ${this.kind} '${descriptor.fullId}':\n${z.prettifyError(parsed.error)}`, { id: descriptor.fullId });
    }
    return { descriptor, options: parsed.data as never };
  }
}
