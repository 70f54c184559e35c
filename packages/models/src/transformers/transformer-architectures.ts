import type { ArchitectureDescriptor } from '@spikeflow/core';
import { sdtDescriptor, spikeDrivenTransformerDescriptor } from './spike-driven-transformer.js';
import { spikformerDescriptor } from './spikformer.js';

/** The transformer architectures the models plugin registers: `spikformer`, `spike-driven-transformer` (alias `sdt`). */
export const transformerArchitectures: readonly ArchitectureDescriptor<any>[] = Object.freeze([spikformerDescriptor, spikeDrivenTransformerDescriptor, sdtDescriptor]);
