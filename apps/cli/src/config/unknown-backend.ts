import { createRequire } from 'node:module';
import { BACKEND_CHOICES, didYouMean } from '@spikeflow/core';

/** Names people try for a GPU backend. */
const GPU_NAMES = /^(gpu|cuda|webgl|webgpu|tensorflow-gpu|tfjs-node-gpu|metal|opencl|rocm)$/i;

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `value` is not a backend: the backends there are and which of them this installation can
 * run; for a GPU name, why there is no GPU backend; otherwise a "did you mean".
 *
 * @example
 * ```ts
 * unknownBackendMessage('gpu');
 * // "unknown backend 'gpu'; expected one of auto, tensorflow, wasm, cpu (here: auto, wasm, cpu; ...). There is no GPU backend: ..."
 * ```
 */
export function unknownBackendMessage(value: string): string {
  const tf = tfjsNodeInstalled();
  const here = BACKEND_CHOICES.filter((b) => b !== 'tensorflow' || tf);
  const base = `unknown backend '${value}'; expected one of ${BACKEND_CHOICES.join(', ')} (here: ${here.join(', ')}${tf ? '' : "; 'tensorflow' needs @tensorflow/tfjs-node, which is not installed"})`;
  if (GPU_NAMES.test(value)) {
    return `${base}. There is no GPU backend: spikeflow runs TensorFlow.js on the CPU (tfjs-node's native TensorFlow, WebAssembly or plain JavaScript); tfjs-node-gpu (CUDA), WebGL and WebGPU are not supported`;
  }
  const hint = didYouMean(value, BACKEND_CHOICES);
  return hint ? `${base} (did you mean '${hint}'?)` : base;
}
