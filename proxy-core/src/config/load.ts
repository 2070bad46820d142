import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { checkCredentialFiles } from './credential-files.js';
import { formatPath } from './format-path.js';
import { NEEDS_WORDING, PLAIN_PARSE_PARAMS, plainIssueMessage } from './plain-messages.js';
import { configSchema, type KeybridgeConfig } from './schema.js';
import { parseJson, parseYaml } from './syntax-errors.js';
import { findUnknownFields, type UnknownField } from './unknown-fields.js';

/** A config problem, worded for the person who wrote the file. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(source: string, issues: string[], title = 'invalid configuration') {
    super(`${source}: ${title}\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export { formatPath };

type Issue = z.core.$ZodIssue & { input?: unknown };

/**
 * A union that failed where exactly one option fits the kind of value written (a section where
 * `string | {id, upstream}` is allowed): that option's own findings, which name the field.
 */
function expandUnions(issues: Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((raw) => {
    const issue = { ...raw, path: [...prefix, ...raw.path] } as Issue;
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const fitting = issue.errors.filter(
      (option) =>
        !option.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_union')),
    );
    if (fitting.length !== 1) return [issue];
    return expandUnions(fitting[0] as Issue[], issue.path);
  });
}

/** A key pasted where a field name goes (long, with digits) is still a key: it is not repeated back. */
const KEY_SHAPED = /[A-Za-z0-9_+/=-]{24,}/;

function unknownFieldMessage(u: UnknownField): string {
  const name = u.path[u.path.length - 1];
  if (typeof name === 'string' && KEY_SHAPED.test(name) && /\d/.test(name)) {
    const parent = formatPath(u.path.slice(0, -1));
    return `${parent === '(root)' ? 'the top level' : parent}: has a field whose name looks like a key or token — a key goes after a field name, e.g. apiKey: your-key`;
  }
  const where = formatPath(u.path);
  if (u.suggestion) return `${where}: unknown field — did you mean ${u.suggestion}?`;
  const verb = u.place.endsWith('accounts') || u.place.endsWith('entries') ? 'take' : 'takes';
  return `${where}: unknown field — ${u.place} ${verb}: ${u.allowed.join(', ')}`;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/**
 * Every problem in an already-parsed config, worded for the person who wrote it: unknown
 * fields with the field probably meant, then zod's findings in plain words.
 */
export function describeConfigProblems(raw: unknown): { config?: KeybridgeConfig; problems: string[] } {
  const value = raw ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      problems: ['(root): must be a set of "name: value" settings (server:, accounts:, models:, …)'],
    };
  }
  const unknown = findUnknownFields(configSchema, value);
  const result = configSchema.safeParse(value, PLAIN_PARSE_PARAMS);
  if (unknown.length === 0 && result.success) return { config: result.data, problems: [] };
  // "apikey: unknown field — did you mean apiKey?" says it all; "apiKey: is required" would repeat it.
  const meant = new Set(
    unknown
      .filter(
        (u) =>
          u.suggestion && valueAt(value, [...u.path.slice(0, -1), ...u.suggestion.split('.')]) === undefined,
      )
      .map((u) => formatPath([...u.path.slice(0, -1), ...u.suggestion!.split('.')])),
  );
  const problems = unknown.map(unknownFieldMessage);
  if (!result.success) {
    for (const issue of expandUnions(result.error.issues as Issue[])) {
      const where = formatPath(issue.path);
      if (meant.has(where)) continue;
      const message = issue.message === NEEDS_WORDING ? plainIssueMessage(issue) : issue.message;
      const line = `${where}: ${message}`;
      if (!problems.includes(line)) problems.push(line);
    }
  }
  return { problems };
}

/** Validates an already-parsed config object. Throws ConfigError naming each bad field. */
export function parseConfig(raw: unknown, source = 'config'): KeybridgeConfig {
  const { config, problems } = describeConfigProblems(raw);
  if (!config) throw new ConfigError(source, problems);
  return config;
}

const REF = /\$\{([^}]+)\}/g;

/**
 * Replaces `${VAR}` with the environment variable and `${file:path}` with the file's contents
 * (trimmed; relative to the config file). A missing variable or file is an error naming it.
 */
export function interpolateSecrets(
  value: unknown,
  ctx: { env: NodeJS.ProcessEnv; baseDir: string; path: string[]; problems: string[] },
): unknown {
  if (typeof value === 'string') {
    return value.replace(REF, (_m, ref: string) => {
      const where = formatPath(ctx.path);
      if (ref.startsWith('file:')) {
        const file = ref.slice(5).trim();
        const full = isAbsolute(file) ? file : resolve(ctx.baseDir, file);
        try {
          return readFileSync(full, 'utf8').trim();
        } catch (err) {
          ctx.problems.push(`${where}: cannot read ${full} (${(err as NodeJS.ErrnoException).code ?? err})`);
          return '';
        }
      }
      const v = ctx.env[ref.trim()];
      if (v === undefined) {
        ctx.problems.push(`${where}: environment variable ${ref.trim()} is not set`);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) {
    return value.map((v, i) =>
      interpolateSecrets(v, { ...ctx, path: [...ctx.path, i as unknown as string] }),
    );
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = interpolateSecrets(v, { ...ctx, path: [...ctx.path, k] });
    return out;
  }
  return value;
}

/** Parses YAML or JSON text (by extension; YAML is a superset so it is the fallback). */
export function parseConfigText(text: string, source: string): unknown {
  const clean = text.replace(/^\uFEFF/, '');
  const isJson = extname(source).toLowerCase() === '.json';
  const parsed = isJson ? parseJson(clean) : parseYaml(clean);
  if (!parsed.ok)
    throw new ConfigError(source, parsed.problems, `cannot be read as ${isJson ? 'JSON' : 'YAML'}`);
  return parsed.value;
}

export interface LoadedConfig {
  config: KeybridgeConfig;
  /** Directory relative paths in the config resolve against. */
  baseDir: string;
  path: string;
}

/** Reads, interpolates and validates a config file. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(full, [code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? err})`]);
  }
  const baseDir = dirname(full);
  const raw = parseConfigText(text, full);
  const problems: string[] = [];
  const interpolated = interpolateSecrets(raw, { env, baseDir, path: [], problems });
  if (problems.length > 0) throw new ConfigError(full, problems);
  const config = parseConfig(interpolated, full);
  const credentialProblems = checkCredentialFiles(config, baseDir);
  if (credentialProblems.length > 0) throw new ConfigError(full, credentialProblems);
  return { config, baseDir, path: full };
}
