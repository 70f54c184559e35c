import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './temp-dir.js';

describe('tempDir', () => {
  // Registered before tempDir's own afterAll, so hooks run in reverse order: this check runs after removal.
  afterAll(() => {
    expect(existsSync(fileLevel)).toBe(false);
  });
  const fileLevel = tempDir('spikeflow-testing-suite-');
  let inTest = '';

  it('makes a new empty folder under the system temp folder with the prefix', () => {
    expect(path.dirname(fileLevel)).toBe(tmpdir());
    expect(path.basename(fileLevel)).toMatch(/^spikeflow-testing-suite-/);
    expect(readdirSync(fileLevel)).toEqual([]);
    writeFileSync(path.join(fileLevel, 'a.txt'), 'a');
    inTest = tempDir();
    writeFileSync(path.join(inTest, 'b.txt'), 'b');
    expect(inTest).not.toBe(fileLevel);
  });

  it('removes a folder made inside a test when that test ends, and keeps the suite one until the end', () => {
    expect(inTest).not.toBe('');
    expect(existsSync(inTest)).toBe(false);
    expect(existsSync(path.join(fileLevel, 'a.txt'))).toBe(true);
  });
});

describe('tempDir in beforeEach', () => {
  const made: string[] = [];
  beforeEach(() => {
    made.push(tempDir());
  });

  it('gives each test its own folder', () => {
    expect(existsSync(made[0]!)).toBe(true);
  });

  it('and removes it when that test ends', () => {
    expect(existsSync(made[0]!)).toBe(false);
    expect(existsSync(made[1]!)).toBe(true);
  });
});
