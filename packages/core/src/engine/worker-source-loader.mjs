// Entry of a worker thread started from TypeScript sources (see worker-module.ts): install the
// source hooks, then run the worker module named by the first argument.
import { register } from 'node:module';

register('./worker-source-hooks.mjs', import.meta.url);
await import(process.argv[2]);
