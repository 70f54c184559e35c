import { SpikeflowError, matchesReference, tf, withoutInitialisation, type Spikeflow } from '@spikeflow/core';

/** One architecture as `spikeflow models` lists it. */
export interface ModelListEntry {
  readonly id: string;
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
 * published reference input) and count its parameters. Models are built one at a time and disposed.
 */
export function listModels(sf: Spikeflow, request: { input?: readonly number[]; classes?: number; neuron: string; ids?: readonly string[] }): ModelListEntry[] {
  const descriptors = request.ids?.length ? request.ids.map((id) => sf.architectures.get(id)) : sf.architectures.list();
  return descriptors.map((d) => {
    const ref = d.reference;
    const useReference = request.input === undefined && request.classes === undefined && ref !== undefined;
    const inputShape = request.input ?? ref?.inputShape ?? [32, 32, 3];
    const numClasses = request.classes ?? ref?.numClasses ?? 10;
    const options = (useReference ? { ...(ref?.options ?? {}) } : {}) as Record<string, unknown>;
    const base = { id: d.fullId, description: d.description, inputShape, numClasses, options };
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
    const sameAsReference = ref !== undefined && sameShape(inputShape, ref.inputShape) && numClasses === ref.numClasses && (useReference || !ref.options || Object.keys(ref.options).length === 0);
    return {
      ...base,
      parameters,
      ...(error !== undefined ? { error } : {}),
      ...(sameAsReference && ref ? { reference: { parameters: ref.parameters, significantDigits: ref.significantDigits, source: ref.source, matches: parameters !== null && matchesReference(parameters, ref) } } : {}),
    };
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Parse `224x224x3` (H×W×C) into a shape. */
export function parseInputShape(text: string): number[] {
  const parts = text.toLowerCase().split('x').map((p) => Number(p));
  if (parts.length < 1 || parts.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new SpikeflowError('invalid-options', `--input expects H×W×C as positive integers joined by 'x' (e.g. 224x224x3, or 128x128x2 for event frames), got '${text}'`);
  }
  return parts;
}
