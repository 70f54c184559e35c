import { afterEach, describe, expect, it } from 'vitest';
import { colorEnabled, createStyle, setColorOverride, styleFor } from './color.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

afterEach(() => setColorOverride(undefined));

describe('colorEnabled', () => {
  it('colours a terminal and not a pipe', () => {
    expect(colorEnabled(tty, {}, undefined)).toBe(true);
    expect(colorEnabled(pipe, {}, undefined)).toBe(false);
    expect(colorEnabled({}, {}, undefined)).toBe(false);
    expect(colorEnabled(tty, { TERM: 'dumb' }, undefined)).toBe(false);
  });
  it('honours NO_COLOR over FORCE_COLOR, and FORCE_COLOR over the terminal check', () => {
    expect(colorEnabled(tty, { NO_COLOR: '1' }, undefined)).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' }, undefined)).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' }, undefined)).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: '' }, undefined)).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: '0' }, undefined)).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: 'false' }, undefined)).toBe(false);
    expect(colorEnabled(pipe, { NO_COLOR: '1', FORCE_COLOR: '1' }, undefined)).toBe(false);
  });
  it('--no-color (the override) wins over everything', () => {
    setColorOverride(false);
    expect(colorEnabled(tty, { FORCE_COLOR: '1' })).toBe(false);
    setColorOverride(undefined);
    expect(colorEnabled(tty, {})).toBe(true);
  });
});

describe('styles', () => {
  it('wrap text in SGR codes only when enabled', () => {
    expect(createStyle(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(createStyle(true).bold('x')).toBe('\x1b[1mx\x1b[22m');
    expect(createStyle(false).red('x')).toBe('x');
    expect(styleFor(pipe, {}).yellow('warn')).toBe('warn');
    expect(styleFor(pipe, { FORCE_COLOR: '1' }).yellow('warn')).toBe('\x1b[33mwarn\x1b[39m');
  });
});
