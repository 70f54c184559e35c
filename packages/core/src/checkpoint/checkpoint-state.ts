import { z } from 'zod';
import { SpikeflowError } from '../errors/spikeflow-error.js';

const count = (what = 'a non-negative integer') => z.number({ error: `expected ${what}` }).refine((v) => Number.isSafeInteger(v) && v >= 0, { error: `expected ${what}` });
const finite = (what: string) => z.number({ error: `expected ${what}` }).refine(Number.isFinite, { error: `expected ${what}` });
const uint32 = z
  .number({ error: 'expected an unsigned 32-bit integer' })
  .refine((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, { error: 'expected an unsigned 32-bit integer' });

/**
 * The schema of `state.json` in a checkpoint folder (see `CheckpointState`). Unknown keys are
 * kept, so a newer writer's extra fields do not break an older reader.
 */
export const checkpointStateSchema = z.looseObject({
  format: z.literal('spikeflow-checkpoint', { error: "expected 'spikeflow-checkpoint'" }),
  version: count('a positive integer version').refine((v) => v >= 1, { error: 'expected a positive integer version' }),
  epoch: count(),
  step: count(),
  batchInEpoch: count(),
  seed: z.number({ error: 'expected an integer seed' }).refine(Number.isSafeInteger, { error: 'expected an integer seed' }),
  rng: z
    .tuple([uint32, uint32, uint32, uint32], { error: 'expected the RNG state: 4 unsigned 32-bit integers' })
    .refine((s) => s.some((w) => w !== 0), { error: 'expected an RNG state that is not all zeros' }),
  optimizer: z
    .object(
      {
        kind: z.string({ error: 'expected the optimizer kind (a string)' }).min(1, { error: 'expected the optimizer kind (a string)' }),
        step: count(),
        hyper: z
          .looseObject(
            { lr: finite('a positive learning rate').refine((v) => v > 0, { error: 'expected a positive learning rate' }) },
            { error: 'expected an object of hyper-parameters' },
          )
          .refine((h) => Object.values(h).every((v) => typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))), { error: 'expected numbers or booleans' }),
      },
      { error: 'expected the optimizer state object ({ kind, step, hyper }) or null' },
    )
    .nullable(),
  config: z.record(z.string(), z.unknown(), { error: 'expected the run configuration object' }),
  metrics: z.record(z.string(), z.unknown(), { error: 'expected an object of metrics' }).optional(),
  epochProgress: z
    .object(
      {
        epoch: count(),
        batches: count(),
        samples: count(),
        lossSum: finite('a finite number'),
        correct: count(),
        trainSeconds: finite('a finite number'),
      },
      { error: 'expected the partial epoch sums object' },
    )
    .optional(),
  model: z.record(z.string(), z.unknown(), { error: 'expected the model build description object' }).optional(),
  createdAt: z.string({ error: 'expected an ISO date string' }),
  spikeflowVersion: z.string({ error: 'expected a version string' }),
});

function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of at) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Check a parsed `state.json` against {@link checkpointStateSchema}. A bad file throws one
 * `checkpoint-invalid` error listing every bad field with what was expected and what was found.
 */
export function parseCheckpointState(raw: unknown, source: string): z.infer<typeof checkpointStateSchema> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SpikeflowError('checkpoint-invalid', `${source} must hold a JSON object (a spikeflow checkpoint state), found ${show(raw)}`, { source });
  }
  const r = checkpointStateSchema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  '${i.path.join('.') || '(root)'}': ${i.message}, found ${show(valueAt(raw, i.path))}`);
  throw new SpikeflowError('checkpoint-invalid', `${source} has ${lines.length} invalid field${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, {
    source,
    fields: r.error.issues.map((i) => i.path.join('.')),
  });
}
