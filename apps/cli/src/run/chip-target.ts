import {
  SpikeflowError,
  type HardwareIO,
  type HardwareResult,
  type HardwareTarget,
  type HardwareTargetDescriptor,
  type Registered,
  type Spikeflow,
  type TrainedNetwork,
} from '@spikeflow/core';
import { parseOptionFlag } from '../config/parse-option-flag.js';
import { loadSpikeflow } from './plugins.js';
import type { OptionalPackage } from './optional-package.js';
import { loadTrainedModel } from './trained-model.js';
import type { RunIO } from './train-run.js';
import type { TrainedModel } from './trained-model.js';

/** The targets of the chip packages this repository publishes, by the names users type, for the install hint. */
const CHIP_PACKAGES: Readonly<Record<string, OptionalPackage>> = {
  loihi: '@spikeflow/chips-loihi',
  loihi1: '@spikeflow/chips-loihi',
  loihi2: '@spikeflow/chips-loihi',
  spinnaker: '@spikeflow/chips-spinnaker',
  spinnaker1: '@spikeflow/chips-spinnaker',
};

/** What a chip command needs the target to offer. */
export type ChipCommand = 'export' | 'simulate' | 'finetune';

const WHAT: Record<ChipCommand, string> = { export: 'export', simulate: 'simulation', finetune: 'fine-tuning' };

function offers(target: HardwareTarget, command: ChipCommand): boolean {
  return command === 'export' || typeof target[command] === 'function';
}

/** A target made with its default options, or undefined when it needs options (or refuses its defaults). */
function withDefaults(d: Registered<HardwareTargetDescriptor<any>>): HardwareTarget | undefined {
  try {
    return d.create(d.options.parse({}));
  } catch {
    return undefined;
  }
}

/**
 * The names `--target` accepts for `command`: each target's aliases, then its id (short when no
 * other namespace has it), the newest generation of a namespace first (`loihi, loihi2, loihi1`).
 */
export function targetNames(sf: Spikeflow, command: ChipCommand): string[] {
  const all = sf.hardwareTargets.list();
  const sorted = [...all].sort((a, b) => (a.namespace === b.namespace ? b.id.localeCompare(a.id) : a.namespace.localeCompare(b.namespace)));
  return sorted.flatMap((d) => {
    const target = withDefaults(d);
    if (command !== 'export' && !(target && offers(target, command))) return [];
    const shortOk = all.filter((o) => o.id === d.id).length === 1;
    return [...(d.aliases ?? []), shortOk ? d.id : d.fullId];
  });
}

/**
 * Look `--target` up in the hardware-target registry (an alias such as `loihi`, a short id or
 * `namespace/id`), validate `--target-opt` against its schema and create it. A target that does
 * not offer `command` is unknown to that command; the error names the ones that do.
 */
export function resolveTarget(
  sf: Spikeflow,
  id: string,
  targetOpt: readonly string[] | undefined,
  command: ChipCommand,
): { descriptor: Registered<HardwareTargetDescriptor<any>>; target: HardwareTarget } {
  const byAlias = sf.hardwareTargets.list().find((d) => d.aliases?.includes(id));
  const unknown = () => new SpikeflowError('unknown-id', `unknown ${WHAT[command]} target '${id}'; known: ${targetNames(sf, command).join(', ')}`);
  if (!byAlias && !sf.hardwareTargets.has(id)) {
    // Our own chips are optional packages: name the one to install rather than call the target unknown.
    const pkg = CHIP_PACKAGES[id.replace(/^(loihi|spinnaker)\//, '')];
    if (pkg)
      throw new SpikeflowError('not-supported', `spikeflow ${command} --target ${id} needs ${pkg}, which is not installed; install it next to spikeflow: npm install ${pkg}`, {
        package: pkg,
      });
    throw unknown();
  }
  const descriptor = byAlias ?? sf.hardwareTargets.get(id);
  const { options } = sf.hardwareTargets.parseOptions(descriptor.fullId, parseOptionFlag(targetOpt, '--target-opt', descriptor) ?? {});
  const target = descriptor.create(options);
  if (!offers(target, command)) throw unknown();
  return { descriptor, target };
}

/** The checkpoint's run as the hardware-target contract sees it. */
export function trainedNetwork(t: TrainedModel): TrainedNetwork {
  return {
    model: t.model,
    checkpointDir: t.checkpoint.dir,
    encoder: t.encoder,
    encoderId: t.config.encoder.id,
    timeSteps: t.config.timeSteps,
    seed: t.config.seed,
    evalBatchSize: t.config.evalBatchSize,
    train: t.train,
    test: t.test,
  };
}

/** The CLI's output channel for a target. */
export function hardwareIO(io: RunIO): HardwareIO {
  return { log: io.log, quiet: io.quiet === true, forceProgress: io.forceProgress };
}

/** The flag values chip targets read (`--input-bits`, `--simulator`, ...); undefined ones are left out. */
export function chipFlags(opts: Readonly<Record<string, any>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
}

/** Print a target's result: its lines for people, or one JSON object `{ type, target, ...summary }`. */
export function printResult(io: RunIO, type: ChipCommand, target: string, r: HardwareResult): void {
  if (io.json) io.json({ type, target, ...r.summary });
  else for (const line of r.lines) io.log(line);
}

/**
 * What every chip command does around its call of the contract: resolve `--target` (and its
 * `--target-opt`) and run `before` before anything loads, load `--checkpoint` with `--data-dir`/`--backend`, run
 * `body`, and dispose the model.
 */
export async function withTrainedTarget<R>(
  opts: Readonly<Record<string, any>>,
  command: ChipCommand,
  io: RunIO,
  body: (target: HardwareTarget, t: TrainedModel, descriptor: Registered<HardwareTargetDescriptor<any>>) => Promise<R>,
  /** Checks of the flags against the target, before the checkpoint is opened. */
  before?: (target: HardwareTarget) => void,
): Promise<R> {
  const { sf } = await loadSpikeflow();
  const { descriptor, target } = resolveTarget(sf, opts.target, opts.targetOpt, command);
  before?.(target);
  const t = await loadTrainedModel(opts.checkpoint, { ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.backend ? { backend: opts.backend } : {}) }, io);
  try {
    return await body(target, t, descriptor);
  } finally {
    t.model.dispose();
  }
}
