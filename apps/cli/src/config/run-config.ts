import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BACKEND_CHOICES, SpikeflowError } from '@spikeflow/core';
import { formatConfigIssues, formatPath, type ConfigLayer } from './config-issues.js';
import { unknownBackendMessage } from './unknown-backend.js';

const componentSchema = z.object({ id: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) }).strict();

/** The resolved configuration of a training run; stored in the run folder and every checkpoint. */
export const runConfigSchema = z
  .object({
    model: componentSchema.default({ id: 'lif-mlp', options: {} }),
    neuron: componentSchema.default({ id: 'lif', options: {} }),
    dataset: componentSchema.default({ id: 'fashion-mnist', options: {} }),
    encoder: componentSchema.default({ id: 'direct', options: {} }),
    loss: componentSchema.default({ id: 'mse-rate', options: {} }),
    /** What the model learns; absent: from the dataset (class labels → classification, float targets → regression). */
    // Without an id (only --task-opt), the task still follows from the dataset.
    task: z
      .object({ id: z.string().min(1).optional(), options: z.record(z.string(), z.unknown()).default({}) })
      .strict()
      .optional(),
    /** `split:metric` (e.g. `valid:r2`, `test:accuracy`): the epoch best on it is saved as `checkpoints/best`. */
    select: z
      .string()
      .regex(/^(train|valid|test):[A-Za-z0-9_-]+$/, { error: 'expected split:metric, e.g. valid:r2 or test:accuracy (split train, valid or test)' })
      .optional(),
    optimizer: z
      .object({
        id: z.enum(['adam', 'adamw', 'sgd']).default('adam'),
        lr: z.number().positive().default(3e-3),
        momentum: z.number().min(0).max(1).default(0.9),
        weightDecay: z.number().min(0).default(0),
      })
      .strict()
      .default({ id: 'adam', lr: 3e-3, momentum: 0.9, weightDecay: 0 }),
    schedule: z
      .object({ id: z.enum(['cosine', 'constant']).default('cosine'), warmupSteps: z.number().int().min(0).default(0), minLr: z.number().min(0).default(0) })
      .strict()
      .default({ id: 'cosine', warmupSteps: 0, minLr: 0 }),
    timeSteps: z.number().int().positive().default(8),
    epochs: z.number().int().positive().default(1),
    batchSize: z.number().int().positive().default(64),
    evalBatchSize: z.number().int().positive().default(256),
    seed: z.number().int().min(0).default(0),
    backend: z.enum(BACKEND_CHOICES as unknown as ['auto', 'tensorflow', 'wasm', 'cpu'], { error: (issue) => unknownBackendMessage(String(issue.input)) }).default('auto'),
    dataDir: z.string().optional(),
    download: z.boolean().default(true),
    maxSteps: z.number().int().positive().optional(),
    subset: z.number().int().positive().optional(),
    testSubset: z.number().int().positive().optional(),
    /** Hold out this fraction of the training split (seeded by `seed`) as the valid split, for datasets without one. */
    /** Stop when the selection metric has not improved for this many epochs (early stopping). */
    patience: z.number().int().positive().optional(),
    validFraction: z.number().gt(0, { error: 'expected a fraction in (0, 1), e.g. 0.1' }).lt(1, { error: 'expected a fraction in (0, 1), e.g. 0.1' }).optional(),
    /** Training-batch augmentation (test and valid batches are never augmented): random crop with this zero padding, horizontal flip, Cutout squares of this size. */
    augment: z.object({ crop: z.number().int().positive().optional(), flip: z.boolean().optional(), cutout: z.number().int().positive().optional() }).strict().optional(),
    out: z.string().optional(),
  })
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema>;

/** Read a YAML or JSON config file into a plain object (not yet validated). */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpikeflowError('invalid-options', `cannot read config file '${file}': ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new SpikeflowError('invalid-options', `config file '${file}' is not valid ${path.extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new SpikeflowError('invalid-options', `config file '${file}' must contain a mapping at the top level`);
  refuseProtoKeys(value, `config file '${file}'`);
  return value as Record<string, unknown>;
}

/** Keys that would reach an object's prototype when merged: never config keys. */
const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A `__proto__` (or `constructor`, `prototype`) key anywhere in a config would be merged into the
 * object's prototype and vanish silently (or pollute it): refuse it, naming where it is.
 */
function refuseProtoKeys(value: unknown, source: string, at: readonly (string | number)[] = []): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    const here = [...at, Array.isArray(value) ? Number(k) : k];
    if (!Array.isArray(value) && PROTO_KEYS.has(k)) {
      throw new SpikeflowError(
        'invalid-options',
        `${source}: ${formatPath(here)}: '${k}' is not allowed as a config key (it would be merged into the object's prototype); remove it or rename it`,
      );
    }
    refuseProtoKeys(v, source, here);
  }
}

/** Validate a config object, with every problem listed by path (`source` names where it came from). */
export function parseRunConfig(value: unknown, source = 'configuration'): RunConfig {
  return resolveRunConfig([{ name: source, value: value as Record<string, unknown> }]);
}

/**
 * Merge config layers (later wins: defaults < resumed checkpoint < config file < flags) and
 * validate the result. Every problem is listed on its own line naming the layer the bad value
 * came from, its key path and what was expected; unknown keys get a "did you mean".
 *
 * @example
 * ```ts
 * resolveRunConfig([{ name: 'run.yaml', value: readConfigFile('run.yaml') }, { name: 'command line', value: { epochs: 3 } }]);
 * ```
 */
export function resolveRunConfig(layers: readonly ConfigLayer[]): RunConfig {
  for (const l of layers) refuseProtoKeys(l.value, l.name);
  layers = layers.map((l) => ({ name: l.name, value: expandComponents(l.value) }));
  const parsed = runConfigSchema.safeParse(mergeConfig(...layers.map((l) => l.value as Record<string, unknown> | undefined)));
  if (parsed.success) return parsed.data;
  const lines = formatConfigIssues(parsed.error.issues, runConfigSchema, layers);
  throw new SpikeflowError('invalid-options', `invalid configuration (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.map((l) => `  ${l}`).join('\n')}`, {
    problems: lines,
  });
}

const COMPONENTS = ['model', 'neuron', 'dataset', 'encoder', 'loss', 'task', 'optimizer', 'schedule'] as const;

/** `model: lif-mlp` is short for `model: { id: lif-mlp }` (likewise neuron, dataset, optimizer...). */
function expandComponents(value: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!value) return undefined;
  const out: Record<string, unknown> = { ...value };
  for (const k of COMPONENTS) if (typeof out[k] === 'string') out[k] = { id: out[k] };
  return out;
}

/** Deep-merge plain objects (later wins; arrays replace). */
export function mergeConfig(...layers: Array<Record<string, unknown> | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = isPlain(prev) && isPlain(v) ? mergeConfig(prev, v) : v;
    }
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse `key=value` pairs (`--neuron-opt tau=2`); values are read as JSON when they parse, else strings. */
export function parseKeyValues(pairs: readonly string[] | undefined, flag: string): Record<string, unknown> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SpikeflowError('invalid-options', `${flag} expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    if (PROTO_KEYS.has(key))
      throw new SpikeflowError('invalid-options', `${flag} ${pair}: '${key}' is not allowed as an option key (it would be merged into the object's prototype)`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    out[key] = value;
  }
  return out;
}
