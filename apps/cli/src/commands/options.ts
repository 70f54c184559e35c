import { InvalidArgumentError, type Command } from 'commander';
import { BACKEND_CHOICES, SpikeflowError, type BackendChoice } from '@spikeflow/core';
import { parseKeyValues } from '../config/run-config.js';
import { unknownBackendMessage } from '../config/unknown-backend.js';

/** A commander parser for an integer flag (`--epochs 3`); the message names the flag. */
export function int(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} expects an integer, got '${v}'`);
    return n;
  };
}

function num(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} expects a number, got '${v}'`);
    return n;
  };
}

/**
 * A commander parser for `--augment crop=4,flip,cutout=16`: the run config's `augment` object. Unknown parts,
 * missing or non-integer sizes and repeats are `invalid-options` errors naming the part and what is expected.
 */
export function augmentFlag(v: string): { crop?: number; flip?: boolean; cutout?: number } {
  const out: { crop?: number; flip?: boolean; cutout?: number } = {};
  const bad = (why: string) => new SpikeflowError('invalid-options', `--augment ${v}: ${why}; expected a comma-separated list of crop=P, flip, cutout=S (e.g. crop=4,flip)`);
  for (const part of v.split(',').map((p) => p.trim())) {
    const [key, value, ...rest] = part.split('=');
    if (Object.hasOwn(out, key)) throw bad(`'${key}' is given twice`);
    if (key === 'flip') {
      if (value !== undefined) throw bad("'flip' takes no value");
      out.flip = true;
    } else if (key === 'crop' || key === 'cutout') {
      const n = Number(value);
      if (value === undefined || rest.length > 0 || !Number.isInteger(n) || n < 1)
        throw bad(`'${key}' needs a positive integer size (${key}=${key === 'crop' ? 4 : 16}), got '${part}'`);
      out[key] = n;
    } else {
      throw bad(`unknown part '${part}'`);
    }
  }
  return out;
}

/** What `--test-subset N` means, in every command that takes it (see run/test-samples.ts). */
export const TEST_SUBSET_HELP = "evaluate on N test samples chosen at random by the run's seed (the same N samples in train, eval, simulate and finetune)";

/** A commander parser for `--backend`: an unknown name is an `invalid-options` error saying which backends exist here. */
export function backendFlag(v: string): BackendChoice {
  if (!(BACKEND_CHOICES as readonly string[]).includes(v)) throw new SpikeflowError('invalid-options', `--backend: ${unknownBackendMessage(v)}`);
  return v as BackendChoice;
}

/** A commander parser for a repeatable flag: collects every value in order. */
export const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * The options the chip commands (`export`, `simulate`, `finetune`) share: Loihi's input quantisation and
 * reset handling, and where the checkpoint's dataset lives.
 */
export function addChipOptions(cmd: Command): Command {
  return cmd
    .option('--input-bits <n>', 'Loihi 2: graded input payload bits 1..8 (default: chosen by calibration)', int('--input-bits'))
    .option('--calibration-samples <n>', 'training samples used to bound the first layer (default 1000)', int('--calibration-samples'))
    .option('--allow-reset-mismatch', "map soft-reset neurons to Loihi's reset-to-0 anyway")
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu', backendFlag);
}

/** The options `train` and `eval` share with a config file; flags win over the file. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'YAML or JSON config file (flags override it)')
    .option('--model <id>', 'architecture id (default lif-mlp)')
    .option('--model-opt <key=value>', 'architecture option, repeatable (e.g. channels=32)', collect)
    .option('--connect <fn>', 'SEW-ResNet connect function ADD, AND or IAND (same as --model-opt connect=...)')
    .option('--norm <kind>', 'normalisation of the CNN architectures: bn, tdbn, tebn, bntt, none (same as --model-opt norm=...)')
    .option('--neuron <id>', 'neuron id (default lif)')
    .option('--neuron-opt <key=value>', 'neuron option, repeatable (e.g. tau=2, surrogate=atan)', collect)
    .option('--dataset <id>', 'dataset id (default fashion-mnist)')
    .option('--dataset-opt <key=value>', 'dataset option, repeatable (e.g. window=24, horizon=1, targets=OT)', collect)
    .option('--task <id>', 'task id: classification or regression (default: from the dataset, class labels → classification, series → regression)')
    .option('--task-opt <key=value>', 'task option, repeatable (e.g. readOut=last, select=mse)', collect)
    .option(
      '--select <split:metric>',
      "save the epoch best on this metric as checkpoints/best (e.g. valid:r2, test:accuracy; default valid:<the task's metric> when the dataset has a valid split)",
    )
    .option('--encoder <id>', 'encoder id (default direct)')
    .option('--loss <id>', 'loss id: mse-rate, ce-mean, tet for classification (default mse-rate); mse, mae, huber for regression (default mse)')
    .option('--optimizer <id>', 'adam, adamw or sgd (default adam)')
    .option('--lr <number>', 'learning rate (default 3e-3)', num('--lr'))
    .option('--momentum <number>', 'SGD momentum (default 0.9)', num('--momentum'))
    .option('--weight-decay <number>', 'weight decay (default 0)', num('--weight-decay'))
    .option('--schedule <id>', 'cosine or constant (default cosine)')
    .option('-T, --time-steps <n>', 'simulation time steps T (default 8)', int('--time-steps'))
    .option('--epochs <n>', 'epochs (default 1)', int('--epochs'))
    .option('--batch-size <n>', 'batch size (default 64)', int('--batch-size'))
    .option('--eval-batch-size <n>', 'evaluation batch size (default 256)', int('--eval-batch-size'))
    .option('--seed <n>', 'random seed (default 0)', int('--seed'))
    .option('--backend <name>', 'auto, tensorflow, wasm or cpu (default auto)', backendFlag)
    .option('--data-dir <dir>', 'folder holding the dataset files')
    .option('--no-download', 'never download datasets')
    .option('--max-steps <n>', 'stop after N optimizer steps', int('--max-steps'))
    .option('--subset <n>', 'train on N training samples chosen at random by the seed (the same N every epoch)', int('--subset'))
    .option('--test-subset <n>', TEST_SUBSET_HELP, int('--test-subset'))
    .option('--patience <n>', 'early stopping: stop when the --select metric has not improved for N epochs', int('--patience'))
    .option('--valid-fraction <f>', 'hold out this fraction of the training split (seeded) as a valid split, for datasets that have none (e.g. 0.1)', num('--valid-fraction'))
    .option(
      '--augment <list>',
      'augment training batches, comma-separated: crop=P (random crop with P zero padding), flip (horizontal), cutout=S (an SxS hole); e.g. crop=4,flip',
      augmentFlag,
    )
    .option('--out <dir>', 'run folder (default runs/<time>-<model>-<dataset>)')
    .option('--json', 'JSON lines on stdout: {"type":"epoch",...} per epoch, then {"type":"summary",...}; logs stay on stderr')
    .option('--progress', 'draw progress bars even when stderr is not a terminal');
}

/** `--model-opt` pairs plus the `--connect` / `--norm` shorthands (given twice, the shorthand must agree). */
function modelOptions(o: Record<string, any>): Record<string, unknown> | undefined {
  const pairs = parseKeyValues(o.modelOpt, '--model-opt');
  const shorthands = { ...(o.connect !== undefined ? { connect: o.connect } : {}), ...(o.norm !== undefined ? { norm: o.norm } : {}) };
  for (const [k, v] of Object.entries(shorthands)) {
    if (pairs?.[k] !== undefined && pairs[k] !== v) throw new SpikeflowError('invalid-options', `--${k} ${String(v)} contradicts --model-opt ${k}=${String(pairs[k])}`);
  }
  return pairs === undefined && Object.keys(shorthands).length === 0 ? undefined : { ...pairs, ...shorthands };
}

/** Turn parsed flags into a partial config object (only what was given). */
export function flagsToConfig(o: Record<string, any>): Record<string, unknown> {
  const comp = (id: string | undefined, opts: Record<string, unknown> | undefined) =>
    id === undefined && opts === undefined ? undefined : { ...(id !== undefined ? { id } : {}), ...(opts !== undefined ? { options: opts } : {}) };
  return {
    model: comp(o.model, modelOptions(o)),
    neuron: comp(o.neuron, parseKeyValues(o.neuronOpt, '--neuron-opt')),
    dataset: comp(o.dataset, parseKeyValues(o.datasetOpt, '--dataset-opt')),
    task: comp(o.task, parseKeyValues(o.taskOpt, '--task-opt')),
    select: o.select,
    encoder: comp(o.encoder, undefined),
    loss: comp(o.loss, undefined),
    optimizer:
      o.optimizer || o.lr !== undefined || o.momentum !== undefined || o.weightDecay !== undefined
        ? { id: o.optimizer, lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay }
        : undefined,
    schedule: o.schedule ? { id: o.schedule } : undefined,
    timeSteps: o.timeSteps,
    epochs: o.epochs,
    batchSize: o.batchSize,
    evalBatchSize: o.evalBatchSize,
    seed: o.seed,
    backend: o.backend,
    dataDir: o.dataDir,
    download: o.download === false ? false : undefined,
    maxSteps: o.maxSteps,
    subset: o.subset,
    testSubset: o.testSubset,
    validFraction: o.validFraction,
    patience: o.patience,
    augment: o.augment,
    out: o.out,
  };
}
