import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real provider captures the tests replay: `test/fixtures/upstream/` in this repository
 * (copied from the Vercel AI SDK, Apache-2.0; see its README.md and LICENSE-vercel-ai.txt there).
 * `$KEYBRIDGE_FIXTURES` points the tests at another copy instead.
 */
export function fixturesDir(): string {
  const fromEnv = process.env.KEYBRIDGE_FIXTURES;
  if (fromEnv) return resolve(fromEnv);
  const inRepo = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'upstream');
  if (existsSync(inRepo)) return inRepo;
  throw new Error(`the captures the tests replay are missing: ${inRepo} (restore it from git)`);
}

/** A whole non-streaming response body, e.g. fixtureJson('anthropic/anthropic-text.json'). */
export function fixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(fixturesDir(), name), 'utf8')) as T;
}

/** The payload lines of a `*.chunks.txt` capture, each one event's JSON text. */
export function fixtureChunks(name: string): string[] {
  return readFileSync(join(fixturesDir(), name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}
