import { SpikeflowError, matchesReference, tf, withoutInitialisation, type Spikeflow } from '@spikeflow/core';

/** One architecture as `spikeflow models` lists it. */
export interface ModelListEntry {
  readonly id: string;
  /** Other ids registered for the same architecture (e.g. `models/sdt` for `models/spike-driven-transformer`). */
  readonly aliases: readonly string[];
  readonly description: string;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly options: Record<string, unknown>;
  /** Trainable parameters of the model built for that input (null when it cannot take the input). */
  readonly parameters: number | null;
  /** Why the architecture cannot be built for the input. */
  readonly error?: string;
  /** The published model's count for the same configuration, when the input is the reference one. */
  readonly reference?: { readonly parameters: number; readonly significantDigits?: number; readonly source: string; readonly matches: boolean };
}

/**
 * Build every registered architecture (or the given ids) for `input` (or, without it, each one's
 * published reference input, else the input it is designed for) and count its parameters. An alias
 * (a descriptor with `aliasOf`) is listed once, under the id it stands for, with its own id in
 * `aliases`. Models are built one at a time and disposed.
 */
export function listModels(sf: Spikeflow, request: { input?: readonly number[]; classes?: number; neuron: string; ids?: readonly string[] }): ModelListEntry[] {
  const all = sf.architectures.list();
  // An alias (`aliasOf`) stands for its target: listed once, under the target's id.
  const target = (d: (typeof all)[number]) => (d.aliasOf === undefined ? d : sf.architectures.get(d.aliasOf));
  const requested = request.ids?.length ? request.ids.map((id) => target(sf.architectures.get(id))) : all.filter((d) => d.aliasOf === undefined);
  const descriptors = requested.filter((d, i) => requested.findIndex((e) => e.fullId === d.fullId) === i);
  return descriptors.map((d) => {
    const ref = d.reference;
    const useReference = request.input === undefined && request.classes === undefined && ref !== undefined;
    const fallback = d.defaultInput ?? { inputShape: [32, 32, 3], numClasses: 10 };
    const inputShape = request.input ?? ref?.inputShape ?? fallback.inputShape;
    const numClasses = request.classes ?? ref?.numClasses ?? fallback.numClasses;
    const options = (useReference ? { ...(ref?.options ?? {}) } : {}) as Record<string, unknown>;
    const aliases = all.filter((a) => a.aliasOf !== undefined && target(a).fullId === d.fullId).map((a) => a.fullId);
    const base = { id: d.fullId, aliases, description: d.description, inputShape, numClasses, options };
    let parameters: number | null = null;
    let error: string | undefined;
    try {
      // Only shapes matter: weights stay zero (no random draws), and nothing is kept.
      tf.engine().startScope();
      const model = withoutInitialisation(() => sf.model(d.fullId, options, { inputShape, numClasses, neuron: { id: request.neuron } }));
      parameters = model.parameterCount();
      model.dispose();
    } catch (e) {
      if (!SpikeflowError.is(e)) throw e;
      error = e.message;
    } finally {
      tf.engine().endScope();
    }
    const sameAsReference =
      ref !== undefined && sameShape(inputShape, ref.inputShape) && numClasses === ref.numClasses && (useReference || !ref.options || Object.keys(ref.options).length === 0);
    return {
      ...base,
      parameters,
      ...(error !== undefined ? { error } : {}),
      ...(sameAsReference && ref
        ? {
            reference: {
              parameters: ref.parameters,
              significantDigits: ref.significantDigits,
              source: ref.source,
              matches: parameters !== null && matchesReference(parameters, ref),
            },
          }
        : {}),
    };
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Parse `224x224x3` (H×W×C) into a shape. */
export function parseInputShape(text: string): number[] {
  const parts = text
    .toLowerCase()
    .split('x')
    .map((p) => Number(p));
  if (parts.length < 1 || parts.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new SpikeflowError('invalid-options', `--input expects H×W×C as positive integers joined by 'x' (e.g. 224x224x3, or 128x128x2 for event frames), got '${text}'`);
  }
  return parts;
}
