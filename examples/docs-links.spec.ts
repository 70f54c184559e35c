// The README, the docs and the plugin generator's README are read offline and from a checkout: their links must
// stay inside the repository (no other sites, which move or do not exist yet, e.g. unpublished npm pages) and resolve.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pages = [
  'README.md',
  'tools/create-plugin/README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Every markdown link target and bare URL of a page, fenced code excepted. */
function links(page: string): string[] {
  const text = readFileSync(path.join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  const md = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
  const bare = [...text.matchAll(/(?<!\]\()\b(?:https?:\/\/|www\.)[^\s)>`]+/g)].map((m) => m[0]);
  return [...md, ...bare];
}

describe('links in the README and docs', () => {
  it.each(pages)('%s links only inside the repository, to files that exist', (page) => {
    const all = links(page);
    expect(all.filter((l) => /^(?:[a-z]+:)?\/\/|^www\.|^[a-z]+:/i.test(l))).toEqual([]);
    const broken = all
      .filter((l) => !l.startsWith('#'))
      .filter((l) => {
        const target = path.resolve(root, path.dirname(page), decodeURI(l.split('#')[0]));
        return !target.startsWith(root + path.sep) || !existsSync(target);
      });
    expect(broken).toEqual([]);
  });

  it.each(pages)('%s names no file outside the repository (a ../ path must resolve to a file in it)', (page) => {
    const text = readFileSync(path.join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const outside = [...text.matchAll(/(?<![\w.])(?:\.\.\/)+[\w.-][\w./-]*/g)]
      .map((m) => m[0])
      .filter((p) => {
        const target = path.resolve(root, path.dirname(page), p);
        return !target.startsWith(root + path.sep) || !existsSync(target);
      });
    expect(outside).toEqual([]);
  });
});
