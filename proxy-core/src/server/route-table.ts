import type { Dialect } from '../canonical/types.js';

/** What an inbound request is asking for, decided from method and path alone. */
export type RouteMatch =
  | { kind: 'status' }
  | { kind: 'healthz' }
  | { kind: 'models'; dialect: Dialect }
  | { kind: 'model'; dialect: 'gemini'; model: string }
  | { kind: 'chat'; dialect: Dialect; model?: string; stream?: boolean }
  | { kind: 'count_tokens'; dialect: 'anthropic' | 'gemini'; model?: string }
  | { kind: 'completions' }
  | { kind: 'method_not_allowed'; allowed: string; dialect: Dialect }
  /** The path has a malformed %-escape (`/%E0%A4%A`): a 400, whatever it was aiming at. */
  | { kind: 'bad_path'; dialect: Dialect }
  | { kind: 'not_found'; dialect: Dialect };

/** Collapses doubled slashes and drops a trailing slash: `/v1//chat/completions/` → `/v1/chat/completions`. */
export function normalizePath(pathname: string): string {
  const p = pathname.replace(/\/{2,}/g, '/');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** True when every %-escape of the path decodes (as UTF-8). */
function wellFormed(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** A percent-decoded path segment; malformed escapes (`%E0%A4%A`) are kept as sent. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Best guess of the dialect a path belongs to, for rendering errors. */
export function dialectForPath(path: string): Dialect {
  if (/\/v1beta\b|\/publishers\/google\//.test(path) || /:(stream)?generateContent$/i.test(path))
    return 'gemini';
  if (/\/messages(\/|$)/.test(path)) return 'anthropic';
  return 'openai';
}

const GEMINI_ACTION =
  /^(?:\/v1beta|\/v1alpha|\/v1)?(?:\/projects\/[^/]+\/locations\/[^/]+)?(?:\/publishers\/google)?\/models\/([^/:]+(?:\/[^/:]+)*?):([A-Za-z]+)$/;
const GEMINI_MODEL = /^(?:\/v1beta|\/v1alpha)\/models\/([^/:]+)$/;

/**
 * Maps method + path to an endpoint. Paths work with or without `/v1` (SillyTavern users paste
 * either), and with doubled slashes.
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const path = normalizePath(rawPath);
  const dialect = dialectForPath(path);
  const is = (m: string, allowed: string): RouteMatch | null =>
    method === m ? null : { kind: 'method_not_allowed', allowed, dialect };
  if (!wellFormed(path)) return { kind: 'bad_path', dialect };

  if (path === '/' || path === '') return is('GET', 'GET') ?? { kind: 'status' };
  if (path === '/healthz' || path === '/health') return is('GET', 'GET') ?? { kind: 'healthz' };

  const gem = GEMINI_ACTION.exec(path);
  if (gem) {
    const model = decodeSegment(gem[1]!);
    const action = gem[2]!;
    const bad = is('POST', 'POST');
    if (action === 'generateContent') return bad ?? { kind: 'chat', dialect: 'gemini', model, stream: false };
    if (action === 'streamGenerateContent')
      return bad ?? { kind: 'chat', dialect: 'gemini', model, stream: true };
    if (action === 'countTokens') return bad ?? { kind: 'count_tokens', dialect: 'gemini', model };
    return { kind: 'not_found', dialect: 'gemini' };
  }
  if (path === '/v1beta/models' || path === '/v1alpha/models') {
    return is('GET', 'GET') ?? { kind: 'models', dialect: 'gemini' };
  }
  const gm = GEMINI_MODEL.exec(path);
  if (gm) return is('GET', 'GET') ?? { kind: 'model', dialect: 'gemini', model: decodeSegment(gm[1]!) };

  const p = path.startsWith('/v1/') ? path.slice(3) : path;
  switch (p) {
    case '/models':
      return is('GET', 'GET') ?? { kind: 'models', dialect: 'openai' };
    case '/chat/completions':
      return is('POST', 'POST') ?? { kind: 'chat', dialect: 'openai' };
    case '/completions':
      return is('POST', 'POST') ?? { kind: 'completions' };
    case '/messages':
      return is('POST', 'POST') ?? { kind: 'chat', dialect: 'anthropic' };
    case '/messages/count_tokens':
      return is('POST', 'POST') ?? { kind: 'count_tokens', dialect: 'anthropic' };
    default:
      return { kind: 'not_found', dialect };
  }
}
