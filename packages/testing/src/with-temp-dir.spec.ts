import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from './with-temp-dir.js';

describe('withTempDir', () => {
  it('gives fn a new folder, returns its result and removes the folder', async () => {
    let seen = '';
    const result = await withTempDir((dir) => {
      seen = dir;
      writeFileSync(path.join(dir, 'x'), 'x');
      return 42;
    }, 'spikeflow-with-');
    expect(result).toBe(42);
    expect(path.basename(seen)).toMatch(/^spikeflow-with-/);
    expect(existsSync(seen)).toBe(false);
  });

  it('removes the folder when fn throws, and passes the error on', async () => {
    let seen = '';
    await expect(
      withTempDir(async (dir) => {
        seen = dir;
        throw new Error('inside');
      }),
    ).rejects.toThrow('inside');
    expect(seen).not.toBe('');
    expect(existsSync(seen)).toBe(false);
  });
});
