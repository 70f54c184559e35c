import type { Command, Option } from 'commander';

/** What a value slot completes to: fixed words, file paths, or folders. */
export type CompletionValues = { readonly words: readonly string[] } | { readonly files: 'file' | 'dir' } | undefined;

/** One option of a command, as shells need it. */
export interface CompletionOption {
  readonly long?: string;
  readonly short?: string;
  readonly description: string;
  /** Present when the option takes a value. */
  readonly value?: CompletionValues;
  readonly takesValue: boolean;
}

/** A command and everything below it, flattened from a commander program. */
export interface CompletionCommand {
  /** Names from the program down, e.g. `['datasets', 'prepare']` (the program itself is `[]`). */
  readonly path: readonly string[];
  readonly description: string;
  readonly subcommands: readonly CompletionCommand[];
  readonly options: readonly CompletionOption[];
  /** Completions for positional arguments, in order. */
  readonly args: readonly CompletionValues[];
}

/** Registered ids by registry, short and `namespace/id` forms (from `loadSpikeflow`). */
export type RegistryIds = Readonly<Record<'architectures' | 'neurons' | 'datasets' | 'encoders' | 'losses' | 'surrogates' | 'hardwareTargets', readonly string[]>>;

/** Option values that are registry ids, by flag. */
const ID_FLAGS: Readonly<Record<string, keyof RegistryIds>> = {
  '--model': 'architectures',
  '--neuron': 'neurons',
  '--dataset': 'datasets',
  '--encoder': 'encoders',
  '--loss': 'losses',
  '--surrogate': 'surrogates',
  '--target': 'hardwareTargets',
};

/** Fixed choices of flags declared with free-text values (the config schema checks them). */
const FIXED: Readonly<Record<string, readonly string[]>> = {
  '--optimizer': ['adam', 'adamw', 'sgd'],
  '--schedule': ['cosine', 'constant'],
  '--backend': ['auto', 'tensorflow', 'wasm', 'cpu'],
  '--simulator': ['spinnaker', 'brian2', 'nest'],
};

function optionValues(o: Option, ids: RegistryIds): CompletionValues {
  if (o.argChoices?.length) return { words: o.argChoices };
  const long = o.long ?? '';
  if (ID_FLAGS[long]) return { words: ids[ID_FLAGS[long]] };
  if (FIXED[long]) return { words: FIXED[long] };
  if (/<dir>/.test(o.flags)) return { files: 'dir' };
  if (/<(file|path)>|<key\|file>/.test(o.flags)) return { files: 'file' };
  return undefined;
}

function argValues(cmd: Command, name: string, choices: readonly string[] | undefined, ids: RegistryIds): CompletionValues {
  if (choices?.length) return { words: choices };
  if (name === 'name' && cmd.parent?.name() === 'datasets') return { words: ids.datasets };
  if (name === 'ids' && cmd.name() === 'models') return { words: ids.architectures };
  if (name === 'file' || name === 'path') return { files: 'file' };
  return undefined;
}

/**
 * Describe `program` for shell completion: every command, its options (with what their values
 * complete to: choices, registry ids, files) and its positional arguments.
 *
 * @example
 * ```ts
 * const model = completionModel(createProgram(), ids);
 * model.subcommands.map((c) => c.path[0]); // ['train', 'eval', ...]
 * ```
 */
export function completionModel(program: Command, ids: RegistryIds, parents: readonly string[] = []): CompletionCommand {
  const path = program.parent ? [...parents, program.name()] : [];
  const options: CompletionOption[] = program.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      long: o.long,
      short: o.short,
      description: o.description,
      takesValue: o.required || o.optional,
      value: o.required || o.optional ? optionValues(o, ids) : undefined,
    }));
  options.push({ long: '--help', short: '-h', description: 'display help', takesValue: false });
  return {
    path,
    description: program.description(),
    subcommands: program.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden).map((c) => completionModel(c, ids, path)),
    options,
    args: program.registeredArguments.map((a) => argValues(program, a.name(), a.argChoices, ids)),
  };
}

/** Every command in the tree, depth first (the program first). */
export function allCommands(root: CompletionCommand): CompletionCommand[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}
