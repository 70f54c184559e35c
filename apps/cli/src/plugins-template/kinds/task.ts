import type { KindTemplate } from '../kind-template.js';

/**
 * A multi-label task: L independent yes/no labels per sample, read out as the sigmoid of the centred
 * firing rate, fitted by its own binary cross-entropy loss and scored by its own streaming hamming and
 * subset accuracy metrics, so the example shows every part of the task contract a trainer asks for;
 * a generated multi-bars task dataset gives it data without a download.
 */
export const taskTemplate: KindTemplate = ({ namespace, factory }) => ({
  id: 'multi-label',
  contribution: 'tasks',
  descriptorImport: [
    "import { binaryCrossEntropyDescriptor } from './binary-cross-entropy.js';",
    "import { hammingAccuracyDescriptor, subsetAccuracyDescriptor } from './label-accuracy.js';",
    "import { multiBarsDescriptor } from './multi-bars-dataset.js';",
    "import { multiLabelTaskDescriptor } from './multi-label-task.js';",
  ].join('\n'),
  descriptorName: 'multiLabelTaskDescriptor',
  moreContributions: { losses: ['binaryCrossEntropyDescriptor'], metrics: ['hammingAccuracyDescriptor', 'subsetAccuracyDescriptor'], datasets: ['multiBarsDescriptor'] },
  indexExports: [
    "export { multiLabelTask, multiLabelTaskDescriptor } from './multi-label-task.js';",
    "export type { MultiLabelTaskOptions } from './multi-label-task.js';",
    "export { multiLabelLogits, RATE_GAIN } from './multi-label-logits.js';",
    "export type { MultiLabelReadOut } from './multi-label-logits.js';",
    "export { binaryCrossEntropy, binaryCrossEntropyDescriptor } from './binary-cross-entropy.js';",
    "export { labelAccuracy, hammingAccuracyDescriptor, subsetAccuracyDescriptor } from './label-accuracy.js';",
    "export { MultiBarsDataset, multiBarsDescriptor } from './multi-bars-dataset.js';",
    "export type { MultiBarsOptions } from './multi-bars-dataset.js';",
  ].join('\n'),
  usage: `spikeflow train --task ${namespace}/multi-label --dataset ${namespace}/multi-bars --loss ${namespace}/bce --model lif-mlp`,
  readmeSection: `## The task

\`${namespace}/multi-label\` learns L independent yes/no labels per sample. What a trainer asks of it:

- **target**: a \`regression\` target of shape \`[L]\` whose values are 0 or 1 (\`y\` a \`Float32Array\`, \`[B, L]\`);
  \`targetTensor\` refuses anything else with a typed error;
- **read-out**: the network outputs \`[T, B, L]\`; the probability of label l is
  \`sigmoid(8 * (rate - 0.5))\` (\`RATE_GAIN\` = 8) for a spike rate (\`mean\`, \`last\`), \`sigmoid(v)\` for a \`membrane\` read-out;
- **loss**: \`${namespace}/bce\`, binary cross-entropy of that read-out (a task loss: it takes the raw output, the
  target tensor and \`{ target, readOut, mask }\`);
- **metrics**: \`hamming\` (\`${namespace}/hamming-accuracy\`, labels right) and \`subset\` (\`${namespace}/subset-accuracy\`,
  samples with every label right), streamed over a split;
- **selection**: the best checkpoint has the highest \`hamming\` (option \`select: 'subset'\` to change it).

\`${namespace}/multi-bars\` is data for it, generated from a seed (no download): 8x8 images with any subset of four
bars (top, bottom, left, right half); the target is which bars are present, \`[4]\` zeros and ones. It is a task
dataset (\`sf.taskDataset('${namespace}/multi-bars', { split })\`, splits train, valid and test).
`,
  files: {
    'src/multi-label-logits.ts': `import { readOutput, SpikeflowError, tf, type ReadOut, type Tensor } from '@spikeflow/core';

/**
 * Slope of the map from a firing rate r in [0, 1] to a logit, z = RATE_GAIN * (r - 0.5): a silent
 * output reads p = sigmoid(-4) ≈ 0.018, one that always fires p ≈ 0.982, half the steps exactly 0.5.
 * Without it a rate (never negative) could not express "absent".
 */
export const RATE_GAIN = 8;

/** The read-outs a multi-label output can use: a spike rate (\`mean\`, \`last\`) or a membrane potential. */
export type MultiLabelReadOut = Extract<ReadOut, 'mean' | 'last' | 'membrane'>;

/**
 * The logits of a time-first output \`[T, B, L]\`: \`[B, L]\`. Spike read-outs (\`mean\`, \`last\`) are
 * rates in [0, 1], centred and scaled by {@link RATE_GAIN}; a \`membrane\` read-out (a non-firing
 * output layer) already is a logit. The task's read-out and the loss both go through this one map,
 * so the probabilities the metrics score are the ones the loss fits.
 *
 * @example
 * \`\`\`ts
 * const z = multiLabelLogits(model.forward(x), 'mean'); // [B, L]
 * const p = tf.sigmoid(z);
 * \`\`\`
 */
export function multiLabelLogits(output: Tensor, readOut: ReadOut): Tensor {
  if (readOut !== 'mean' && readOut !== 'last' && readOut !== 'membrane') {
    throw new SpikeflowError('invalid-options', \`multi-label read-out must be mean, last or membrane, got '\${readOut}'\`);
  }
  return tf.tidy(() => {
    const read = readOutput(output, readOut);
    return readOut === 'membrane' ? read : tf.mul(tf.sub(read, 0.5), RATE_GAIN);
  });
}
`,
    'src/multi-label-task.ts': `import { SpikeflowError, tf, type Task, type TaskContext, type TaskDescriptor, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { multiLabelLogits, type MultiLabelReadOut } from './multi-label-logits.js';

const schema = z.object({
  /** How \`[T, B, L]\` becomes one logit per label (default \`mean\`, the firing rate). */
  readOut: z.enum(['mean', 'last', 'membrane']).default('mean'),
  /** The loss used when none is chosen. */
  loss: z.string().min(1).default('${namespace}/bce'),
  /** The metric that selects the best checkpoint (both are maximised). */
  select: z.enum(['hamming', 'subset']).default('hamming'),
}).strict();

/** Validated options of \`${namespace}/multi-label\`. */
export type MultiLabelTaskOptions = z.infer<typeof schema>;

/** The number of labels of a multi-label target: a \`regression\` target of shape \`[L]\` holding 0 or 1. */
function labelCount(context: TaskContext): number {
  const target = context.target;
  if (target.kind !== 'regression' || target.shape.length !== 1 || !(target.shape[0]! >= 1)) {
    const got = target.kind === 'regression' ? \`a 'regression' target of shape [\${target.shape}]\` : \`a '\${target.kind}' target\`;
    throw new SpikeflowError('invalid-options', \`task '${namespace}/multi-label' learns a 0/1 vector per sample (a 'regression' target of shape [labels]), got \${got}\`);
  }
  return target.shape[0]!;
}

/**
 * Multi-label classification: each sample carries L independent yes/no labels (a \`Float32Array\` of
 * 0s and 1s, \`[B, L]\`). The network outputs \`[T, B, L]\`; the read-out is the sigmoid of the rate's
 * logit ({@link multiLabelLogits}), fitted by binary cross-entropy and scored by hamming accuracy
 * (labels right) and subset accuracy (samples with every label right); hamming accuracy selects the
 * best checkpoint by default.
 *
 * @example
 * \`\`\`ts
 * const task = sf.task('${namespace}/multi-label', {}, { target: { kind: 'regression', shape: [4] } });
 * const p = task.predict(model.forward(x)); // B * 4 probabilities
 * \`\`\`
 */
export function multiLabelTask(options: MultiLabelTaskOptions, context: TaskContext): Task {
  const id = '${namespace}/multi-label';
  const L = labelCount(context);
  const readOut: MultiLabelReadOut = options.readOut;
  const checkOutput = (output: Tensor): void => {
    if (output.rank !== 3 || output.shape[2] !== L) {
      throw new SpikeflowError('shape-mismatch', \`task '\${id}' expects the network output [T, B, \${L}] (one output per label), got [\${output.shape}]\`);
    }
  };
  const probabilities = (output: Tensor): Tensor => {
    checkOutput(output);
    return tf.tidy(() => tf.sigmoid(multiLabelLogits(output, readOut)));
  };
  return {
    id,
    target: context.target,
    readOut,
    losses: ['${namespace}/bce'],
    defaultLoss: options.loss,
    metrics: [
      { name: 'hamming', id: '${namespace}/hamming-accuracy' },
      { name: 'subset', id: '${namespace}/subset-accuracy' },
    ],
    selection: { metric: options.select, mode: 'max' },
    checkOutput,
    readOutput: probabilities,
    predict(output) {
      const p = probabilities(output);
      try {
        return p.dataSync() as Float32Array;
      } finally {
        p.dispose();
      }
    },
    targetTensor(y, size) {
      if (!(y instanceof Float32Array)) throw new SpikeflowError('shape-mismatch', \`task '\${id}' expects y as a Float32Array of 0/1 labels, got \${y?.constructor?.name ?? typeof y}\`);
      if (!Number.isInteger(size) || size < 1 || y.length !== size * L) {
        throw new SpikeflowError('shape-mismatch', \`task '\${id}' expects \${L} labels per sample, \${size} samples: \${size * L} values; got \${y.length}\`);
      }
      const bad = y.findIndex((v) => v !== 0 && v !== 1);
      if (bad >= 0) throw new SpikeflowError('dataset-corrupt', \`task '\${id}': label \${bad % L} of sample \${Math.floor(bad / L)} is \${y[bad]}; expected 0 or 1\`);
      return tf.tensor2d(y, [size, L], 'float32');
    },
  };
}

/** Registry entry \`${namespace}/multi-label\`. */
export const multiLabelTaskDescriptor: TaskDescriptor<MultiLabelTaskOptions> = {
  id: 'multi-label',
  description: 'Multi-label: L independent 0/1 labels per sample, sigmoid-of-rate read-out, binary cross-entropy, hamming and subset accuracy',
  options: schema,
  targetKinds: ['regression'],
  create: (options, context) => multiLabelTask(options, context),
};
`,
    'src/binary-cross-entropy.ts': `import { SpikeflowError, tf, type LossContext, type LossFunction, type TaskLoss, type TaskLossDescriptor, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { multiLabelLogits } from './multi-label-logits.js';

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Binary cross-entropy of the multi-label read-out: with z the logits ({@link multiLabelLogits}) and
 * y the 0/1 labels, the mean over labels and counted samples of \`-(y log σ(z) + (1 - y) log σ(-z))\`,
 * computed as \`y softplus(-z) + (1 - y) softplus(z)\`: finite for large |z|, with gradient σ(z) - y.
 * (tf.logSigmoid is avoided: its custom gradient loses its saved input inside tf.tidy.)
 *
 * @example
 * \`\`\`ts
 * const loss = sf.taskLoss('${namespace}/bce');
 * const value = loss.compute(output, task.targetTensor(y, B), { target: task.target, readOut: task.readOut });
 * \`\`\`
 */
export function binaryCrossEntropy(): TaskLoss {
  const id = '${namespace}/bce';
  return {
    id,
    compute(output: Tensor, target: Tensor, context: LossContext): Tensor {
      const spec = context.target;
      if (spec.kind !== 'regression' || spec.shape.length !== 1) {
        throw new SpikeflowError('invalid-options', \`loss '\${id}' fits 0/1 label vectors (a 'regression' target of shape [labels]), got a '\${spec.kind}' target\`);
      }
      const B = target.shape[0]!;
      const L = spec.shape[0]!;
      if (target.dtype !== 'float32' || !sameShape(target.shape, [B, L])) {
        throw new SpikeflowError('shape-mismatch', \`loss '\${id}' expects a float32 target [B, \${L}], got \${target.dtype} [\${target.shape}]\`);
      }
      if (output.rank !== 3 || !sameShape(output.shape.slice(1), [B, L])) {
        throw new SpikeflowError('shape-mismatch', \`loss '\${id}' expects the network output [T, \${B}, \${L}], got [\${output.shape}]\`);
      }
      if (context.mask && !sameShape(context.mask.shape, [B])) {
        throw new SpikeflowError('shape-mismatch', \`loss '\${id}' expects a mask [\${B}], got [\${context.mask.shape}]\`);
      }
      return tf.tidy(() => {
        const z = multiLabelLogits(output, context.readOut);
        const elementwise = tf.add(tf.mul(target, tf.softplus(tf.neg(z))), tf.mul(tf.sub(1, target), tf.softplus(z)));
        if (!context.mask) return tf.mean(elementwise);
        const weight = tf.reshape(tf.cast(context.mask, 'float32'), [B, 1]);
        // Mean over the counted samples' labels; an empty mask gives 0 rather than 0/0.
        const count = tf.maximum(tf.mul(tf.sum(weight), L), 1);
        return tf.div(tf.sum(tf.mul(elementwise, weight)), count);
      });
    },
  };
}

/** The classic \`create\`: class labels have no 0/1 vector to fit, so it says which task to use. */
function refusesClassLabels(): LossFunction {
  return {
    id: '${namespace}/bce',
    compute() {
      throw new SpikeflowError('not-supported', "loss '${namespace}/bce' fits 0/1 label vectors; use it with the '${namespace}/multi-label' task, or a classification loss such as ce-mean for class labels");
    },
  };
}

/** Registry entry \`${namespace}/bce\` (in the losses registry, as a task loss). */
export const binaryCrossEntropyDescriptor: TaskLossDescriptor<Record<string, never>> = {
  id: 'bce',
  description: 'Binary cross-entropy of the sigmoid-of-rate read-out against 0/1 labels (multi-label)',
  options: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  targetKinds: ['regression'],
  create: () => refusesClassLabels(),
  createTaskLoss: () => binaryCrossEntropy(),
};
`,
    'src/label-accuracy.ts': `import { SpikeflowError, targetLayout, type Metric, type MetricContext, type MetricDescriptor } from '@spikeflow/core';
import { z } from 'zod';

/**
 * A streaming multi-label accuracy over a split. A label is predicted present when its probability is
 * at least 0.5 (a NaN probability is wrong). \`hamming\` counts label positions that are right over all
 * positions; \`subset\` counts samples whose labels are all right. Counts are integers, so the result
 * is exact for the split however it was cut into batches.
 *
 * @example
 * \`\`\`ts
 * const hamming = labelAccuracy('hamming', { target: { kind: 'regression', shape: [4] } });
 * hamming.update(task.predict(output), y);
 * hamming.result(); // in [0, 1]
 * \`\`\`
 */
export function labelAccuracy(average: 'hamming' | 'subset', context: MetricContext): Metric {
  const id = \`${namespace}/\${average}-accuracy\`;
  const layout = targetLayout(context.target, ['regression'], \`metric '\${id}'\`);
  const width = layout.width;
  let right = 0;
  let total = 0;
  return {
    id,
    mode: 'max',
    reset() {
      right = 0;
      total = 0;
    },
    update(prediction, target, mask) {
      if (target.length % layout.targetPerSample !== 0 || prediction.length !== target.length) {
        throw new SpikeflowError('shape-mismatch', \`metric '\${id}' expects \${layout.targetPerSample} probabilities and labels per sample, got \${prediction.length} probabilities and \${target.length} labels\`);
      }
      const samples = target.length / layout.targetPerSample;
      if (mask !== undefined && mask.length !== samples) {
        throw new SpikeflowError('shape-mismatch', \`metric '\${id}' expects a mask with one entry per sample (\${samples}), got \${mask.length}\`);
      }
      for (let i = 0; i < target.length; i++) {
        if (target[i] !== 0 && target[i] !== 1) throw new SpikeflowError('dataset-corrupt', \`metric '\${id}': label value \${i} is \${target[i]}; expected 0 or 1\`);
      }
      for (let s = 0; s < samples; s++) {
        if (mask !== undefined && !mask[s]) continue;
        for (let r = s * layout.rowsPerSample; r < (s + 1) * layout.rowsPerSample; r++) {
          let rowRight = 0;
          for (let j = r * width; j < (r + 1) * width; j++) {
            const p = prediction[j]!;
            if (!Number.isNaN(p) && (p >= 0.5) === (target[j] === 1)) rowRight++;
          }
          if (average === 'hamming') {
            right += rowRight;
            total += width;
          } else {
            right += rowRight === width ? 1 : 0;
            total += 1;
          }
        }
      }
    },
    result() {
      if (total === 0) throw new SpikeflowError('invalid-state', \`metric '\${id}' has seen no samples since its last reset\`);
      return right / total;
    },
  };
}

const noOptions = z.object({}).strict() as unknown as z.ZodType<Record<string, never>>;

/** Registry entry \`${namespace}/hamming-accuracy\`: the share of label positions predicted right. */
export const hammingAccuracyDescriptor: MetricDescriptor<Record<string, never>> = {
  id: 'hamming-accuracy',
  description: 'Multi-label hamming accuracy: share of labels predicted right (probability >= 0.5 means present)',
  options: noOptions,
  mode: 'max',
  targetKinds: ['regression'],
  create: (_o, context) => labelAccuracy('hamming', context),
};

/** Registry entry \`${namespace}/subset-accuracy\`: the share of samples with every label right. */
export const subsetAccuracyDescriptor: MetricDescriptor<Record<string, never>> = {
  id: 'subset-accuracy',
  description: 'Multi-label subset accuracy: share of samples whose labels are all predicted right',
  options: noOptions,
  mode: 'max',
  targetKinds: ['regression'],
  create: (_o, context) => labelAccuracy('subset', context),
};
`,
    'src/multi-label-task.spec.ts': `import { createSpikeflow, selectBackend, SpikeflowError, tf, type LossContext } from '@spikeflow/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ${factory} } from './plugin.js';

// References in plain float64 numbers, written from the definitions (not from the code under test).
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** Logit of one label from its T output values: 8 (rate - 1/2) for a spike rate, the last value for a membrane. */
const logitOf = (values: number[], readOut: 'mean' | 'membrane') => (readOut === 'mean' ? 8 * (values.reduce((a, b) => a + b, 0) / values.length - 0.5) : values[values.length - 1]!);
/** out[t][b][l] flattened time-first; the logits [B][L]. */
function logits(out: number[], T: number, B: number, L: number, readOut: 'mean' | 'membrane'): number[][] {
  return Array.from({ length: B }, (_, b) => Array.from({ length: L }, (_, l) => logitOf(Array.from({ length: T }, (_, t) => out[(t * B + b) * L + l]!), readOut)));
}
/** Mean binary cross-entropy -(y ln p + (1 - y) ln(1 - p)) over the counted samples' labels. */
function bce(out: number[], y: number[], T: number, B: number, L: number, readOut: 'mean' | 'membrane', mask?: number[]): number {
  const z = logits(out, T, B, L, readOut);
  let sum = 0;
  let n = 0;
  for (let b = 0; b < B; b++) {
    if (mask && !mask[b]) continue;
    for (let l = 0; l < L; l++) {
      const p = sigmoid(z[b]![l]!);
      sum -= y[b * L + l]! * Math.log(p) + (1 - y[b * L + l]!) * Math.log(1 - p);
      n++;
    }
  }
  return sum / n;
}
/** A repeatable pseudo-random sequence in [0, 1). */
const noise = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.abs(Math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453) % 1);

const kindOf = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return SpikeflowError.is(e) ? \`\${e.kind}: \${e.message}\` : 'untyped';
  }
};

describe('${namespace}/multi-label', () => {
  beforeAll(async () => {
    await selectBackend('auto');
  });
  const sf = createSpikeflow({ plugins: [${factory}()] });
  const target = { kind: 'regression', shape: [3] } as const;
  const T = 4;
  const B = 2;
  const L = 3;
  // Spikes: sample 0 fires on 4, 2 and 0 of 4 steps; sample 1 on 1, 3 and 2 steps.
  const spikes = [
    [[1, 1, 0], [0, 1, 1]],
    [[1, 0, 0], [0, 1, 0]],
    [[1, 1, 0], [1, 1, 1]],
    [[1, 0, 0], [0, 0, 0]],
  ];

  it('registers the task, its loss and its metrics, and declares what the trainer asks for', () => {
    expect(sf.tasks.get('multi-label').fullId).toBe('${namespace}/multi-label');
    expect(sf.losses.get('bce').fullId).toBe('${namespace}/bce');
    expect(sf.metrics.ids()).toEqual(expect.arrayContaining(['${namespace}/hamming-accuracy', '${namespace}/subset-accuracy']));
    const task = sf.task('multi-label', {}, { target });
    expect(task).toMatchObject({ id: '${namespace}/multi-label', readOut: 'mean', defaultLoss: '${namespace}/bce', selection: { metric: 'hamming', mode: 'max' } });
    expect(task.losses).toContain(task.defaultLoss);
    expect([...sf.taskMetrics(task).keys()]).toEqual(['hamming', 'subset']);
    expect(sf.task('multi-label', { select: 'subset' }, { target }).selection).toEqual({ metric: 'subset', mode: 'max' });
  });

  it('reads out the sigmoid of the centred firing rate, or of the last membrane value', () => {
    const flat = spikes.flat(2);
    const p = sf.task('multi-label', {}, { target }).predict(tf.tensor(spikes));
    const ref = logits(flat, T, B, L, 'mean').flat().map(sigmoid);
    expect(ref[1]).toBe(0.5); // a rate of exactly one half is undecided
    ref.forEach((v, i) => expect(p[i]).toBeCloseTo(v, 6));
    const v = noise(T * B * L, 1).map((u) => 6 * u - 3);
    const pm = sf.task('multi-label', { readOut: 'membrane' }, { target }).predict(tf.tensor(v, [T, B, L]));
    logits(v, T, B, L, 'membrane').flat().map(sigmoid).forEach((r, i) => expect(pm[i]).toBeCloseTo(r, 6));
  });

  it('binary cross-entropy equals the float64 definition, with and without a mask', () => {
    const task = sf.task('multi-label', {}, { target });
    const loss = sf.taskLoss(task.defaultLoss);
    const y = [1, 1, 0, 0, 1, 1];
    const yt = task.targetTensor(Float32Array.from(y), B);
    const context: LossContext = { target: task.target, readOut: task.readOut };
    const flat = spikes.flat(2);
    expect(loss.compute(tf.tensor(spikes), yt, context).dataSync()[0]).toBeCloseTo(bce(flat, y, T, B, L, 'mean'), 5);
    const mask = tf.tensor1d([0, 1]);
    expect(loss.compute(tf.tensor(spikes), yt, { ...context, mask }).dataSync()[0]).toBeCloseTo(bce(flat, y, T, B, L, 'mean', [0, 1]), 5);
  });

  it('its gradient matches central differences of the float64 loss, for rates and membranes', () => {
    const y = [1, 0, 1, 0, 0, 1];
    for (const readOut of ['mean', 'membrane'] as const) {
      const task = sf.task('multi-label', { readOut }, { target });
      const loss = sf.taskLoss('bce');
      const out = noise(T * B * L, readOut === 'mean' ? 2 : 3).map((u) => (readOut === 'mean' ? u : 4 * u - 2));
      // Include a rate of exactly one half (logit 0), which spike counts often hit.
      if (readOut === 'mean') [0, 1, 0.25, 0.75].forEach((v, t) => (out[(t * B + 0) * L + 0] = v));
      const yt = task.targetTensor(Float32Array.from(y), B);
      const g = tf.grad((x: tf.Tensor) => loss.compute(x, yt, { target: task.target, readOut }))(tf.tensor(out, [T, B, L])).dataSync();
      const h = 1e-6;
      out.forEach((_, i) => {
        const plus = [...out];
        const minus = [...out];
        plus[i]! += h;
        minus[i]! -= h;
        const numeric = (bce(plus, y, T, B, L, readOut) - bce(minus, y, T, B, L, readOut)) / (2 * h);
        expect(Math.abs(g[i]! - numeric)).toBeLessThan(1e-5 + 1e-3 * Math.abs(numeric));
      });
    }
  });

  it('hamming and subset accuracy stream over batches and masks exactly as counted by hand', () => {
    const task = sf.task('multi-label', {}, { target });
    const metrics = sf.taskMetrics(task);
    const hamming = metrics.get('hamming')!;
    const subset = metrics.get('subset')!;
    const probs = noise(12 * L, 4);
    probs[5] = Number.NaN; // counts as wrong
    const labels = noise(12 * L, 5).map((u) => (u < 0.5 ? 1 : 0));
    const mask = noise(12, 6).map((u) => (u < 0.7 ? 1 : 0));
    let rightLabels = 0;
    let rightSamples = 0;
    let counted = 0;
    for (let s = 0; s < 12; s++) {
      if (!mask[s]) continue;
      counted++;
      let r = 0;
      for (let l = 0; l < L; l++) {
        const p = probs[s * L + l]!;
        if (!Number.isNaN(p) && (p >= 0.5 ? 1 : 0) === labels[s * L + l]) r++;
      }
      rightLabels += r;
      rightSamples += r === L ? 1 : 0;
    }
    // Two uneven batches give the split's value, not a mean of batch values.
    for (const [a, b] of [[0, 5], [5, 12]] as const) {
      for (const m of [hamming, subset]) m.update(probs.slice(a * L, b * L), labels.slice(a * L, b * L), mask.slice(a, b));
    }
    expect(hamming.result()).toBe(rightLabels / (counted * L));
    expect(subset.result()).toBe(rightSamples / counted);
    hamming.reset();
    expect(kindOf(() => hamming.result())).toMatch(/^invalid-state: /);
  });

  it('refuses wrong targets, labels and outputs with typed errors naming what was expected', () => {
    const task = sf.task('multi-label', {}, { target });
    expect(kindOf(() => sf.task('multi-label', {}, { target: { kind: 'class', numClasses: 3 } }))).toMatch(/^invalid-options: .*shape \\[labels\\]\\), got a 'class' target/);
    expect(kindOf(() => sf.task('multi-label', {}, { target: { kind: 'regression', shape: [2, 3] } }))).toMatch(/^invalid-options: .*got a 'regression' target of shape \\[2,3\\]/);
    expect(kindOf(() => sf.task('multi-label', { readOut: 'per-step' }, { target }))).toMatch(/^invalid-options: /);
    expect(kindOf(() => task.targetTensor(Float32Array.from([1, 0, 0.5]), 1))).toMatch(/^dataset-corrupt: .*label 2 of sample 0 is 0.5; expected 0 or 1/);
    expect(kindOf(() => task.targetTensor(Int32Array.from([1, 0, 1]), 1))).toMatch(/^shape-mismatch: .*Float32Array of 0\\/1 labels, got Int32Array/);
    expect(kindOf(() => task.targetTensor(new Float32Array(4), 1))).toMatch(/^shape-mismatch: .*3 values; got 4/);
    expect(kindOf(() => task.predict(tf.zeros([4, 2, 5])))).toMatch(/^shape-mismatch: .*\\[T, B, 3\\] \\(one output per label\\), got \\[4,2,5\\]/);
    expect(kindOf(() => sf.taskLoss('bce').compute(tf.zeros([4, 2, 3]), tf.zeros([2, 3], 'int32'), { target, readOut: 'mean' }))).toMatch(/^shape-mismatch: .*float32 target \\[B, 3\\], got int32/);
    expect(kindOf(() => sf.metric('hamming-accuracy', {}, { target }).update([0.9, 0.1, 0.2], [1, 0, 2]))).toMatch(/^dataset-corrupt: .*label value 2 is 2; expected 0 or 1/);
    expect(kindOf(() => sf.metric('hamming-accuracy', {}, { target: { kind: 'class', numClasses: 3 } }))).toMatch(/^invalid-options: /);
  });
});
`,
    'src/multi-bars-dataset.ts': `import { Rng, SpikeflowError, type TaskDataset, type TaskDatasetDescriptor, type TaskDatasetOpenOptions, type TaskSplit } from '@spikeflow/core';
import { z } from 'zod';

const SIZE = 8;
/** The labels, in target order: where a bar may be drawn for each. */
const LABELS = ['top-row', 'bottom-row', 'left-column', 'right-column'] as const;

const schema = z.object({
  /** Samples per split. */
  length: z.number().int().positive().default(512),
  /** Probability that a background pixel is lit. */
  noise: z.number().min(0).max(0.5).default(0.02),
  seed: z.number().int().nonnegative().default(0),
}).strict();

/** Validated options of \`${namespace}/multi-bars\`. */
export type MultiBarsOptions = z.infer<typeof schema>;

/**
 * 8x8 one-channel images with any subset of four bars: a horizontal bar in the top half, one in the
 * bottom half, a vertical bar in the left half, one in the right half (each present with
 * probability 1/2, at a random row or column of its half), plus salt noise. The target is the 0/1
 * vector of which bars are present (\`[4]\`), the input of the \`${namespace}/multi-label\` task. Sample i is
 * generated from (seed, split, i) alone.
 *
 * @example
 * \`\`\`ts
 * const train = await sf.taskDataset('${namespace}/multi-bars', { split: 'train' });
 * const { x, y } = train.getBatch([0, 1]); // x: 2 * 64 pixels, y: 2 * 4 labels
 * \`\`\`
 */
export class MultiBarsDataset implements TaskDataset {
  readonly name = '${namespace}/multi-bars';
  readonly sampleShape = [SIZE, SIZE, 1] as const;
  readonly targetSpec = { kind: 'regression', shape: [LABELS.length] } as const;
  readonly labelNames = LABELS;
  readonly length: number;

  constructor(readonly split: TaskSplit, private readonly options: MultiBarsOptions) {
    this.length = options.length;
  }

  /** Labels and pixels of sample i. */
  sample(i: number): { labels: Float32Array; pixels: Float32Array } {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new SpikeflowError('invalid-options', \`\${this.name} \${this.split} index \${i} is out of range [0, \${this.length})\`);
    const rng = new Rng(\`\${this.options.seed}/\${this.split}/\${i}\`);
    const labels = Float32Array.from(LABELS, () => (rng.uniform() < 0.5 ? 1 : 0));
    const pixels = new Float32Array(SIZE * SIZE);
    const half = SIZE / 2;
    for (let l = 0; l < LABELS.length; l++) {
      const at = rng.int(half) + (l % 2 === 1 ? half : 0);
      if (!labels[l]) continue;
      for (let k = 0; k < SIZE; k++) pixels[l < 2 ? at * SIZE + k : k * SIZE + at] = 1;
    }
    for (let p = 0; p < pixels.length; p++) if (rng.uniform() < this.options.noise) pixels[p] = 1;
    return { labels, pixels };
  }

  getBatch(indices: ArrayLike<number>): { x: Float32Array; y: Float32Array } {
    const x = new Float32Array(indices.length * SIZE * SIZE);
    const y = new Float32Array(indices.length * LABELS.length);
    for (let k = 0; k < indices.length; k++) {
      const { labels, pixels } = this.sample(indices[k]!);
      x.set(pixels, k * SIZE * SIZE);
      y.set(labels, k * LABELS.length);
    }
    return { x, y };
  }
}

/** Registry entry \`${namespace}/multi-bars\` (a task dataset: open it with \`sf.taskDataset\`). */
export const multiBarsDescriptor: TaskDatasetDescriptor<MultiBarsOptions> = {
  id: 'multi-bars',
  description: 'Synthetic 8x8 images with any subset of four bars; target: which bars (4 labels, 0/1)',
  sampleShape: [SIZE, SIZE, 1],
  numClasses: 0,
  options: schema,
  targetKind: 'regression',
  splits: ['train', 'valid', 'test'],
  open: async () => {
    throw new SpikeflowError('not-supported', "dataset '${namespace}/multi-bars' has 0/1 label vectors, not class labels; open it with sf.taskDataset('${namespace}/multi-bars', { split })");
  },
  openTask: async (o: MultiBarsOptions & TaskDatasetOpenOptions) => new MultiBarsDataset(o.split, { length: o.length, noise: o.noise, seed: o.seed }),
};
`,
    'src/multi-bars-dataset.spec.ts': `import { createSpikeflow, selectBackend, SpikeflowError } from '@spikeflow/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ${factory} } from './plugin.js';

describe('${namespace}/multi-bars', () => {
  beforeAll(async () => {
    await selectBackend('auto');
  });
  const sf = () => createSpikeflow({ plugins: [${factory}()] });

  it('opens train, valid and test with 0/1 label vectors the multi-label task accepts', async () => {
    const s = sf();
    const train = await s.taskDataset('multi-bars', { split: 'train', length: 64 });
    expect(train.length).toBe(64);
    expect(train.targetSpec).toEqual({ kind: 'regression', shape: [4] });
    const task = s.task('multi-label', {}, { target: train.targetSpec });
    const { y } = train.getBatch([0, 1, 2]);
    expect(task.targetTensor(y, 3).shape).toEqual([3, 4]);
    await expect(s.taskDataset('multi-bars', { split: 'valid', noise: 2 })).rejects.toThrowError(/noise/);
    await expect(s.dataset('multi-bars', { split: 'train' })).rejects.toSatisfy((e: unknown) => SpikeflowError.is(e, 'not-supported'));
  });

  it('draws exactly the bars its labels name, each in its half', async () => {
    const ds = await sf().taskDataset('multi-bars', { split: 'test', length: 200, noise: 0 });
    const { x, y } = ds.getBatch(Array.from({ length: 200 }, (_, i) => i));
    const seen = new Set<string>();
    for (let k = 0; k < 200; k++) {
      const img = x.subarray(k * 64, (k + 1) * 64);
      const full = (cells: number[]) => cells.every((c) => img[c] === 1);
      const rows = [0, 1, 2, 3, 4, 5, 6, 7].filter((r) => full([0, 1, 2, 3, 4, 5, 6, 7].map((c) => r * 8 + c)));
      const cols = [0, 1, 2, 3, 4, 5, 6, 7].filter((c) => full([0, 1, 2, 3, 4, 5, 6, 7].map((r) => r * 8 + c)));
      const labels = Array.from(y.subarray(k * 4, k * 4 + 4));
      // Without noise, a full row or column exists only where a bar was drawn.
      expect([rows.some((r) => r < 4), rows.some((r) => r >= 4), cols.some((c) => c < 4), cols.some((c) => c >= 4)].map(Number)).toEqual(labels);
      seen.add(labels.join(''));
    }
    // Labels are independent: many of the 16 subsets occur.
    expect(seen.size).toBeGreaterThan(12);
  });

  it('is deterministic per (seed, split, index) and differs between splits', async () => {
    const a = await sf().taskDataset('multi-bars', { split: 'train', seed: 3 });
    const b = await sf().taskDataset('multi-bars', { split: 'train', seed: 3 });
    const v = await sf().taskDataset('multi-bars', { split: 'valid', seed: 3 });
    expect(a.getBatch([5, 9])).toEqual(b.getBatch([5, 9]));
    expect(a.getBatch([0, 1, 2, 3]).x).not.toEqual(v.getBatch([0, 1, 2, 3]).x);
    expect(() => a.getBatch([a.length])).toThrowError(/out of range/);
  });
});
`,
  },
});
