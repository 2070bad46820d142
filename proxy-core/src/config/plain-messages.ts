/**
 * zod's findings about a config, in the words of the person who wrote it: "must be a number",
 * "must be a list of model names", "must be one of: …" — no schema jargon. Messages a schema
 * wrote itself ("must be an http(s) URL") are kept as they are.
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';

/**
 * Returned by the parse-time error map for every issue the schema gave no message of its own,
 * so those (and only those) are worded here, where the whole path and input are known.
 */
export const NEEDS_WORDING = '\u0000needs-wording';

/** The parse options that make zod leave its own messages to `plainIssueMessage`. */
export const PLAIN_PARSE_PARAMS = {
  reportInput: true,
  error: () => NEEDS_WORDING,
} as const;

type Issue = z.core.$ZodIssue & { input?: unknown };
type Path = ReadonlyArray<PropertyKey>;

/** What a list or section at this place holds, by its field name (and where it sits). */
function listNoun(path: Path): string {
  const last = path[path.length - 1];
  const inAccount = path[0] === 'accounts' && path.length === 3;
  switch (last) {
    case 'accounts':
      return 'a list of accounts (each starting with "- id:")';
    case 'models':
      return inAccount ? 'a list of model names' : 'a list of models, each with an id and routes';
    case 'routes':
      return 'a list of routes, each { account: …, model: … }';
    case 'apiKeys':
      return 'a list of API keys';
    case 'allowedOrigins':
      return 'a list of web origins, such as http://localhost:8000';
    default:
      return 'a list';
  }
}

function sectionNoun(path: Path): string {
  const last = path[path.length - 1];
  switch (last) {
    case 'aliases':
      return 'a section of "alias: model" lines';
    case 'headers':
      return 'a section of "Header-Name: value" lines';
    case 'deployments':
      return 'a section of "deployment-name: model" lines, or a list of deployment names';
    case undefined:
      return 'a set of "name: value" settings';
    default:
      return typeof last === 'number'
        ? 'a set of "name: value" settings'
        : `a section of settings (indented lines under "${String(last)}:")`;
  }
}

function expectedNoun(expected: string, path: Path): string {
  switch (expected) {
    case 'number':
    case 'int':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'text';
    case 'array':
      return listNoun(path);
    case 'object':
    case 'record':
      return sectionNoun(path);
    default:
      return expected;
  }
}

/** The kind of value that was written, never the value itself (it may be a key). */
function describeInput(input: unknown): string {
  if (input === null) return 'an empty value';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return `${input}`;
    case 'object':
      return 'a section of settings';
    default:
      return typeof input;
  }
}

/** A value worth echoing (short, not key-shaped), quoted; else nothing. */
function echo(input: unknown): string {
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  if (typeof input !== 'string' || input.length > 30 || /[A-Za-z0-9_-]{24,}/.test(input)) return '';
  return JSON.stringify(input);
}

function oneOf(values: readonly unknown[]): string {
  const list = values.map((v) => String(v));
  return list.length === 2 ? `${list[0]} or ${list[1]}` : `one of: ${list.join(', ')}`;
}

function choiceMessage(values: readonly unknown[], input: unknown, what = ''): string {
  if (input === undefined) return `is required — ${what}${oneOf(values)}`;
  const shown = echo(input);
  const suggestion = typeof input === 'string' ? didYouMean(input, values.map(String)) : undefined;
  return `must be ${oneOf(values)}${shown ? ` (not ${shown})` : ''}${suggestion ? ` — did you mean ${suggestion}?` : ''}`;
}

function fieldNameOf(path: Path): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : '';
}

/** Wording for unions by field, where "must be X or Y" from the options would be unclear. */
function unionMessage(path: Path): string | undefined {
  const name = fieldNameOf(path);
  const parent = path[path.length - 2];
  if (typeof path[path.length - 1] === 'number' && parent === 'models') {
    return 'must be a model name, or { id: name-for-your-app, upstream: model-on-the-account }';
  }
  if (typeof path[path.length - 1] === 'number' && parent === 'deployments') {
    return 'must be a deployment name, or { name: deployment, model: model-behind-it }';
  }
  switch (name) {
    case 'deployments':
      return `must be ${sectionNoun(path)}`;
    case 'serviceAccount':
      return "must be the service-account key file's JSON (as text or as a section), or use serviceAccountFile: path-to-the-file.json";
    case 'proxy':
      return 'must be "inherit", "none" or a proxy URL (http://, https:// or socks5://)';
    case 'outboundProxy':
      return 'must be "env", "none" or a proxy URL (http://, https:// or socks5://)';
    default:
      return undefined;
  }
}

function sizeMessage(
  issue: Issue & { origin?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean },
): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'string':
      if (small && bound <= 1) return 'must not be empty';
      return small ? `must be at least ${bound} characters long` : `must be at most ${bound} characters long`;
    case 'array':
    case 'set':
      if (small && bound <= 1) return 'must list at least one';
      return small ? `must list at least ${bound}` : `must list at most ${bound}`;
    default:
      if (small)
        return issue.inclusive === false ? `must be more than ${bound}` : `must be at least ${bound}`;
      return issue.inclusive === false ? `must be less than ${bound}` : `must be at most ${bound}`;
  }
}

/** The message for one issue zod raised without a message from the schema. */
export function plainIssueMessage(issue: Issue): string {
  const path = issue.path;
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'is required';
      if (input === null)
        return `is empty — write ${expectedNoun(issue.expected, path)} after the colon, or remove the line`;
      if (issue.expected === 'int' && typeof input === 'number') return 'must be a whole number';
      const expected = expectedNoun(issue.expected, path);
      const hint =
        issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean')
          ? ' — put it in quotes'
          : '';
      return `must be ${expected}, not ${describeInput(input)}${hint}`;
    }
    case 'invalid_value':
      return choiceMessage(issue.values, input);
    case 'invalid_union': {
      const u = issue as Issue & { discriminator?: string; options?: unknown[] };
      if (u.discriminator !== undefined && u.options) {
        const chosen =
          input !== null && typeof input === 'object'
            ? (input as Record<string, unknown>)[u.discriminator]
            : input;
        return choiceMessage(
          u.options,
          chosen,
          u.discriminator === 'provider' ? 'the kind of account, ' : '',
        );
      }
      if (input === undefined) return 'is required';
      return unionMessage(path) ?? 'is not written in a form this setting takes';
    }
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_format': {
      const f = issue as Issue & { format?: string };
      if (f.format === 'url') return 'must be a web address, such as https://example.com';
      return 'is not written in the form this setting takes';
    }
    case 'not_multiple_of':
      return issue.divisor === 1 ? 'must be a whole number' : `must be a multiple of ${issue.divisor}`;
    case 'invalid_key':
      return 'has a name that is not allowed here';
    case 'invalid_element':
      return 'has an entry that is not allowed';
    case 'unrecognized_keys':
      return `has unknown fields: ${issue.keys.join(', ')}`;
    default:
      return 'is not valid';
  }
}
