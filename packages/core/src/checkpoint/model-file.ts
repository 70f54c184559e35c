import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { Module } from '../nn/module.js';
import { CORE_VERSION } from '../version.js';
import { encodeSafetensors, decodeSafetensors } from './safetensors.js';
import { writeFileAtomic, writeFolderAtomic } from './atomic-write.js';
import { loadCheckpoint, modelTensors } from './checkpoint.js';
import { modelBuildOf, type ModelBuild } from './model-build.js';

export const MODEL_FORMAT = 'spikeflow-model';

/** What {@link saveModelFiles} and {@link loadModelFiles} need from a Spikeflow instance. */
export interface ModelBuilder {
  model(
    id: string,
    options: Record<string, unknown>,
    context: {
      inputShape: readonly number[];
      numClasses: number;
      neuron: { id: string; options?: Record<string, unknown> };
      staticInput?: boolean;
      timeSteps?: number;
      outputShape?: readonly number[];
    },
  ): Module;
}

const shape = z.array(z.number().int().nonnegative());
const buildSchema = z.object({
  architecture: z.object({ id: z.string().min(1), options: z.record(z.string(), z.unknown()) }),
  context: z.object({
    inputShape: shape.min(1),
    numClasses: z.number().int().positive(),
    neuron: z.object({ id: z.string().min(1), options: z.record(z.string(), z.unknown()) }),
    staticInput: z.boolean(),
    timeSteps: z.number().int().positive().optional(),
    outputShape: z.array(z.number().int().positive()).min(1).optional(),
  }),
});
const modelJsonSchema = z.object({ format: z.literal(MODEL_FORMAT), version: z.literal(1), build: buildSchema, spikeflowVersion: z.string(), createdAt: z.string() });

function checkedBuild(raw: unknown, source: string): z.infer<typeof buildSchema> {
  const r = buildSchema.safeParse(raw);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  '${i.path.join('.')}': ${i.message}`);
  throw new SpikeflowError('checkpoint-invalid', `${source}: invalid model description:\n${lines.join('\n')}`, { source });
}

/** The build of a model that can be saved, or a typed error saying why not. */
function saveableBuild(model: Module): ModelBuild {
  const build = modelBuildOf(model);
  if (!build)
    throw new SpikeflowError(
      'not-supported',
      'this model was not built by sf.model(...), so how to rebuild it is unknown; build it with sf.model to save it with its architecture (or save its weights with saveCheckpoint)',
    );
  if (!build.context.neuron)
    throw new SpikeflowError(
      'not-supported',
      `model '${build.architecture.id}' was built with a neuron factory function, which cannot be saved; pass the neuron as { id, options } to sf.model`,
    );
  const json = JSON.stringify(build);
  if (JSON.stringify(JSON.parse(json)) !== json || !buildSchema.safeParse(JSON.parse(json)).success) {
    throw new SpikeflowError('not-supported', `model '${build.architecture.id}' was built with options that are not plain JSON; they cannot be saved`);
  }
  return JSON.parse(json) as ModelBuild;
}

/**
 * Save a model built by `sf.model(...)` to folder `dir`: `model.safetensors` (every parameter and
 * buffer) and `model.json` (architecture id and options, neuron spec, input shape, classes, T).
 * The folder is assembled beside the target, fsynced and renamed into place, replacing an older
 * save atomically. Use it through `sf.saveModel(model, dir)`.
 */
export async function saveModelFiles(model: Module, dir: string): Promise<string> {
  const build = saveableBuild(model);
  return writeFolderAtomic(dir, async (tmp) => {
    await writeFileAtomic(
      path.join(tmp, 'model.safetensors'),
      encodeSafetensors(modelTensors(model), { format: 'pt', producer: 'spikeflow', architecture: build.architecture.id }),
    );
    const json = { format: MODEL_FORMAT, version: 1, build, spikeflowVersion: CORE_VERSION, createdAt: new Date().toISOString() };
    await writeFileAtomic(path.join(tmp, 'model.json'), `${JSON.stringify(json, null, 2)}\n`);
  });
}

/**
 * Load a model saved by {@link saveModelFiles}, or the model of a training checkpoint (a
 * checkpoint folder, or a run folder: its newest complete checkpoint), rebuilding the
 * architecture through `sf` and loading the weights. Use it through `sf.loadModel(dir)`.
 */
export async function loadModelFiles(sf: ModelBuilder, dir: string, options: { allowNonFinite?: boolean } = {}): Promise<Module> {
  const given = path.resolve(dir);
  const jsonPath = path.join(given, 'model.json');
  let build: z.infer<typeof buildSchema>;
  let weights: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>;
  if (existsSync(jsonPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
    } catch (e) {
      throw new SpikeflowError('checkpoint-invalid', `${jsonPath} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = modelJsonSchema.safeParse(raw);
    if (!parsed.success) {
      throw new SpikeflowError(
        'checkpoint-invalid',
        `${jsonPath} is not a spikeflow model description:\n${parsed.error.issues.map((i) => `  '${i.path.join('.')}': ${i.message}`).join('\n')}`,
      );
    }
    build = parsed.data.build;
    const file = path.join(given, 'model.safetensors');
    if (!existsSync(file)) throw new SpikeflowError('checkpoint-invalid', `${file} is missing: a saved model folder holds model.json and model.safetensors`);
    const { tensors } = decodeSafetensors(new Uint8Array(await fs.readFile(file)), file);
    const w = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [k, t] of tensors) {
      if (t.dtype !== 'F32') throw new SpikeflowError('checkpoint-invalid', `${file}: tensor '${k}' has dtype ${t.dtype}, expected F32`);
      if (!options.allowNonFinite && !(t.data as Float32Array).every(Number.isFinite))
        throw new SpikeflowError('checkpoint-invalid', `${file}: tensor '${k}' holds non-finite values; expected finite weights (pass allowNonFinite to load it anyway)`);
      w.set(k, { shape: t.shape, data: t.data as Float32Array });
    }
    weights = w;
  } else {
    const ckpt = await loadCheckpoint(dir, options);
    if (!ckpt.state.model) {
      throw new SpikeflowError(
        'checkpoint-invalid',
        `${ckpt.dir} does not record how its model was built (written by an older spikeflow or a model not built by sf.model); rebuild the model yourself and call model.loadStateDict(checkpoint.weights)`,
      );
    }
    build = checkedBuild(ckpt.state.model, path.join(ckpt.dir, 'state.json'));
    weights = ckpt.weights;
  }
  const { architecture, context } = build;
  const model = sf.model(architecture.id, architecture.options, { ...context });
  try {
    model.loadStateDict(weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
