import { SpikeflowError } from '@spikeflow/core';

/** The error every reader throws when a file ends inside a record or packet. */
export function truncatedError(file: string, format: string, offset: number, what: string): SpikeflowError {
  return new SpikeflowError('file-truncated', `${format} file '${file}' is truncated: it ends at byte ${offset} inside ${what}`, { file, format, offset });
}

/** The error for bytes that break a format's rules. */
export function corruptError(file: string, format: string, offset: number, what: string): SpikeflowError {
  return new SpikeflowError('dataset-corrupt', `${format} file '${file}' is not valid at byte ${offset}: ${what}`, { file, format, offset });
}
