/**
 * Every link in the README and docs/ resolves inside the repository: a file that exists in the
 * clone, or a heading of the same page — never a path outside the clone (a sibling folder of it).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe.each(pages)('%s', (page) => {
  const text = readFileSync(path.join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  const links = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
  const anchors = new Set([...text.matchAll(/^#+\s+(.*)$/gm)].map((m) => anchor(m[1]!)));

  it('every link resolves inside the repository', () => {
    const broken = links.filter((link) => {
      if (/^(https?|mailto):/.test(link)) return false;
      const [file, hash] = link.split('#');
      if (!file) return !anchors.has(hash!);
      const target = path.resolve(root, path.dirname(page), decodeURI(file));
      return !target.startsWith(root + path.sep) || !existsSync(target);
    });
    expect(broken).toEqual([]);
  });
});
