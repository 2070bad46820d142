import { z } from 'zod';
import { ProxyError } from '../canonical/errors.js';
import { proxyMsg } from '../messages.js';

type Issue = z.core.$ZodIssue;

/** A JSON object whose members are not checked here (a tool's parameters, a JSON schema). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/**
 * What a tool definition of the OpenAI and Anthropic dialects holds besides its schema, checked
 * alike: a name that is not empty, and an optional description and `strict` (null when unset).
 */
export const toolDefinitionFields = {
  name: z.string().min(1),
  description: z.string().nullish(),
  strict: z.boolean().nullish(),
};

/** `messages[2].content[0].type` from a zod path. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * For a union that failed in every branch, the branch that got furthest into the value says
 * what is really wrong (e.g. `content[0].type` rather than "not a string or array").
 */
function mostSpecific(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && first.path.length > 0 && (!best || first.path.length > best.path.length)) best = first;
  }
  if (!best) return issue;
  return mostSpecific({ ...best, path: [...issue.path, ...best.path] } as Issue);
}

function describeIssue(issue: Issue): string {
  const message = issue.message.replace(/^Invalid input: /, '');
  const path = formatIssuePath(issue.path);
  return path === '' ? `request body: ${message}` : `${path}: ${message}`;
}

/**
 * Validates an inbound body with a zod schema; on failure throws a 400 ProxyError whose message
 * names the offending field, e.g. `messages[2].content: expected string or array`.
 */
export function parseInbound<T>(schema: z.ZodType<T>, body: unknown, dialectLabel: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const detail = first ? describeIssue(mostSpecific(first)) : 'request body is not valid';
  throw new ProxyError('invalid_request', `Invalid ${dialectLabel} request: ${detail}`, {
    hint: 'The app sent a request this proxy cannot read. Check the connection type (API source) selected in your chat app matches this endpoint.',
    code: 'invalid_request_body',
    messageRef: proxyMsg('invalidClientRequest', { api: dialectLabel, detail }),
    hintRef: proxyMsg('invalidClientRequestHint'),
  });
}
