import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared real recordings (`../shared/data/events` beside the repository), if present. */
export const EVENT_DATA_DIR = process.env['SPIKEFLOW_EVENT_DATA'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/events');

/** Path of a shared sample, or undefined (after saying so) when it is absent. */
export function eventSample(rel: string): string | undefined {
  const p = resolve(EVENT_DATA_DIR, rel);
  if (!existsSync(p)) {
    console.warn(`skipping: real sample ${p} is absent (the shared data folder ../shared/data/events is not here)`);
    return undefined;
  }
  return p;
}
