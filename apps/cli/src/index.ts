export { createProgram, main, CLI_VERSION } from './cli.js';
export { runTraining, buildModel, buildOptimizer, openData } from './run/train-run.js';
export type { RunIO, TrainRunResult } from './run/train-run.js';
export { runEval } from './run/eval-run.js';
export type { EvalRunResult } from './run/eval-run.js';
export { runConfigSchema, parseRunConfig, readConfigFile, mergeConfig } from './config/run-config.js';
export type { RunConfig } from './config/run-config.js';
export { discoverPluginPackages, loadSpikeflow } from './run/plugins.js';
