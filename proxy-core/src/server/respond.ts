import type { ServerResponse } from 'node:http';
import type { ProxyError } from '../canonical/errors.js';

/**
 * A reason phrase safe for the status line: printable Latin-1 only, one line, short.
 * SillyTavern shows only this for a failed non-streaming request, so it carries the message.
 */
export function reasonPhrase(text: string): string {
  const clean = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/…/g, '...')
    .replace(/→/g, '->')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?')
    .trim();
  return clean.length > 180 ? `${clean.slice(0, 177)}...` : clean || 'Error';
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  reason?: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  const all = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(bytes.length),
    'cache-control': 'no-store',
    ...headers,
  };
  if (reason) res.writeHead(status, reasonPhrase(reason), all);
  else res.writeHead(status, all);
  res.end(bytes);
}

/** Sends an error rendered by the caller's dialect, with the message in the reason phrase too. */
export function sendError(
  res: ServerResponse,
  err: ProxyError,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const extra: Record<string, string> = { ...headers };
  if (err.retryAfterMs !== undefined) extra['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  sendJson(res, err.status, body, extra, err.message);
}
