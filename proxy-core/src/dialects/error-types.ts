import type { ErrorKind } from '../canonical/types.js';

/**
 * The `type` of an error body in Anthropic's and OpenAI's formats. Both name most kinds
 * `<kind>_error` (`rate_limit_error`); each dialect gives only the names of its own.
 */

/** The kinds both dialects name `<kind>_error`, and read back from that name. */
const SHARED_KINDS: ReadonlySet<string> = new Set<ErrorKind>([
  'invalid_request',
  'authentication',
  'permission',
  'not_found',
  'rate_limit',
]);

/** The `type` to write for an error of this kind. */
export function errorTypeOf(kind: ErrorKind, own: Partial<Record<ErrorKind, string>>): string {
  return own[kind] ?? `${kind}_error`;
}

/** The kind an error body's `type` names, or undefined when the dialect does not name it. */
export function kindOfErrorType(
  type: string | undefined,
  own: Record<string, ErrorKind>,
): ErrorKind | undefined {
  if (type === undefined) return undefined;
  if (Object.hasOwn(own, type)) return own[type];
  const kind = type.endsWith('_error') ? type.slice(0, -'_error'.length) : '';
  return SHARED_KINDS.has(kind) ? (kind as ErrorKind) : undefined;
}
