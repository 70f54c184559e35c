// Tests run on the backend named by SPIKEFLOW_TEST_BACKEND (default wasm, the fallback users get here).
import { selectBackend } from '@spikeflow/core';

await selectBackend((process.env.SPIKEFLOW_TEST_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm');

// The CLI's output is checked as plain text: the colour a runner forces on its tasks (nx exports
// FORCE_COLOR) must not reach it. Tests of colour set these variables themselves.
delete process.env.FORCE_COLOR;
delete process.env.NO_COLOR;
