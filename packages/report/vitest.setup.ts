// Tests run on the backend named by SPIKEFLOW_TEST_BACKEND (default wasm, the fallback users get here).
import { selectBackend } from '@spikeflow/core';

await selectBackend((process.env.SPIKEFLOW_TEST_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');
