// The one TensorFlow.js instance every spikeflow package uses. Plugins import `tf` from
// `@spikeflow/core` rather than from tfjs directly, so kernels, gradients and backends are shared.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

// tfjs prints a banner about tfjs-node on first CPU use; spikeflow reports the backend itself.
tf.enableProdMode();

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
export type Rank = tf.Rank;
