import { z } from 'zod';
import { didYouMean } from '@spikeflow/core';

/** One source of configuration values, named in error messages (`run.yaml`, `command line`). */
export interface ConfigLayer {
  readonly name: string;
  readonly value: Readonly<Record<string, unknown>> | undefined;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema as z.ZodType;
  // Defaults, optionals and nullables wrap the schema that has the keys.
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
  return s;
}

function schemaAt(schema: z.core.$ZodType, path: Path): z.core.$ZodType | undefined {
  let s = unwrap(schema);
  for (const key of path) {
    if (!(s instanceof z.ZodObject)) return undefined;
    const next = (s.shape as Record<string, z.core.$ZodType>)[String(key)];
    if (!next) return undefined;
    s = unwrap(next);
  }
  return s;
}

/** The keys an object schema accepts at `path` (empty when it is not an object there). */
export function schemaKeysAt(schema: z.core.$ZodType, path: Path): string[] {
  const s = schemaAt(schema, path);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** `optimizer.lr`, `model.options.hidden[0]`; the empty path is the top level. */
export function formatPath(path: Path): string {
  if (path.length === 0) return '(top level)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}' (a string)`;
  if (Array.isArray(v)) return `a list ${JSON.stringify(v)}`;
  if (typeof v === 'object' && v !== null) return 'a mapping';
  return JSON.stringify(v);
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function bound(issue: { origin: string; inclusive?: boolean }, min: boolean, value: unknown): string {
  const op = min ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  const what =
    issue.origin === 'number' || issue.origin === 'int'
      ? 'a number'
      : issue.origin === 'string'
        ? 'a string of length'
        : issue.origin === 'array'
          ? 'a list of length'
          : `${issue.origin}`;
  return `${what} ${op} ${String(value)}`;
}

/** zod's own wording; anything else is a message the schema's author wrote, kept as is. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

function describe(issue: Issue, got: unknown, schema: z.core.$ZodType): string[] {
  if (!ZOD_DEFAULT.test(issue.message)) return [`${issue.message}; got ${show(got)}`];
  switch (issue.code) {
    case 'invalid_type': {
      // zod reports `number` for a string given to an integer field: say integer.
      const s = schemaAt(schema, issue.path);
      const expected = s instanceof z.ZodNumber && s.isInt ? 'int' : issue.expected;
      return [`expected ${EXPECTED[expected] ?? expected}, got ${show(got)}`];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
      const hint =
        typeof got === 'string'
          ? didYouMean(
              got,
              issue.values.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return [`expected ${options.length === 1 ? options[0] : `one of ${options.join(', ')}`}, got ${show(got)}${hint ? ` (did you mean '${hint}'?)` : ''}`];
    }
    case 'too_small':
      return [`expected ${bound(issue, true, issue.minimum)}, got ${show(got)}`];
    case 'too_big':
      return [`expected ${bound(issue, false, issue.maximum)}, got ${show(got)}`];
    case 'invalid_format':
      return [`expected a ${issue.format}, got ${show(got)}`];
    default:
      return [issue.message];
  }
}

/**
 * Turn zod issues for a config assembled from `layers` (later layers override earlier ones) into
 * lines naming the layer each wrong value came from, its key path, what was expected and what
 * was found; unknown keys get a "did you mean" from the keys `schema` accepts there. `schema`
 * validated the value at `prefix` (e.g. a model's own options at `['model', 'options']`).
 *
 * @example
 * ```ts
 * formatConfigIssues(issues, schema, [{ name: 'run.yaml', value: { epoch: 3 } }]);
 * // ["run.yaml: epoch: unknown key (did you mean 'epochs'?)"]
 * ```
 */
export function formatConfigIssues(issues: readonly Issue[], schema: z.core.$ZodType, layers: readonly ConfigLayer[], prefix: Path = []): string[] {
  const sourceOf = (path: Path) => {
    for (let i = layers.length - 1; i >= 0; i--) if (valueAt(layers[i].value, path) !== undefined) return layers[i].name;
    return 'defaults';
  };
  const merged = (path: Path) => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const v = valueAt(layers[i].value, path);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = schemaKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const path = [...prefix, ...issue.path, key];
        const hint = didYouMean(key, known);
        lines.push(`${sourceOf(path)}: ${formatPath(path)}: unknown key${hint ? ` (did you mean '${hint}'?)` : ''}; expected one of: ${known.join(', ')}`);
      }
      continue;
    }
    const path = [...prefix, ...issue.path];
    for (const text of describe(issue, merged(path), schema)) lines.push(`${sourceOf(path)}: ${formatPath(path)}: ${text}`);
  }
  return lines;
}
