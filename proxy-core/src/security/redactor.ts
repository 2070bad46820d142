import { ProxyError } from '../canonical/errors.js';

/**
 * The one secret redactor of Keybridge. It knows the secrets of the configuration (every key of
 * every account, the access keys) and the common shapes of credentials (`sk-…`, `sk-ant-…`,
 * `AIza…`, `AKIA…`/`ASIA…`, bearer tokens, PEM private keys, `key=` in URLs, `x-api-key:`
 * headers), and replaces them with a short mask a user recognises: `sk-p…7Q2X` for a long
 * secret (the same first-four/last-four the settings window shows), `[redacted]` otherwise.
 *
 * A known secret is found in plain text and in every escaped form an upstream may wrap it in:
 * JSON escapes (`\/`, `\n`, `\u0041`, doubled backslashes) and URL percent-encoding, mixed
 * freely inside one occurrence. Masks are plain printable text without quotes or backslashes,
 * so redacting inside a JSON document leaves it valid JSON.
 */

export const REDACTED = '[redacted]';
const REDACTED_PRIVATE_KEY = '[redacted private key]';

/** Configured values shorter than this are not treated as secrets (placeholders like "ollama"). */
export const MIN_SECRET_LENGTH = 8;

const MASK_EDGE = /^[A-Za-z0-9_.+=-]{4}$/;

/** `abcd…wxyz` for a secret of 16 characters or more (ends that are plain key characters), else `[redacted]`. */
export function maskSecret(value: string): string {
  const v = value.trim();
  if (v.length >= 16) {
    const head = v.slice(0, 4);
    const tail = v.slice(-4);
    if (MASK_EDGE.test(head) && MASK_EDGE.test(tail)) return `${head}…${tail}`;
  }
  return REDACTED;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
  '\b': 'b',
  '\f': 'f',
};

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** `[aA]` for a hex letter, the digit itself otherwise. */
function hexPattern(hex: string): string {
  return [...hex].map((h) => (/[a-f]/i.test(h) ? `[${h.toLowerCase()}${h.toUpperCase()}]` : h)).join('');
}

/** Every way one character of a secret may be written: itself, JSON-escaped, percent-encoded. */
function charPattern(ch: string): string {
  const alts = [escapeRegExp(ch)];
  const code = ch.codePointAt(0) ?? 0;
  const units =
    code > 0xffff ? [...String.fromCodePoint(code)].map((c) => c.charCodeAt(0)) : [ch.charCodeAt(0)];
  alts.push(units.map((u) => `\\\\+u${hexPattern(u.toString(16).padStart(4, '0'))}`).join(''));
  const short = SHORT_ESCAPES[ch];
  if (short !== undefined) alts.push(`\\\\+${escapeRegExp(short)}`);
  if (!/[A-Za-z0-9._~-]/.test(ch)) {
    const bytes = Buffer.from(ch, 'utf8');
    alts.push([...bytes].map((b) => `%${hexPattern(b.toString(16).padStart(2, '0'))}`).join(''));
    if (ch === ' ') alts.push('\\+');
  }
  return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
}

function secretPattern(secret: string): string {
  return [...secret].map(charPattern).join('');
}

type Replacer = (match: string, ...groups: string[]) => string;

/** A key-like token: a digit somewhere, or long enough not to be a word ("Bearer authentication"). */
function tokenLike(token: string): boolean {
  return token.length >= 24 || (token.length >= 8 && /\d/.test(token));
}

const PEM_BODY = String.raw`(?:[A-Za-z0-9+/=\s]|\\+[nrt/]|\\+u00[0-9a-fA-F]{2})*`;

/** Credential shapes, found even when the secret is not one of the configuration's. */
const SHAPES: Array<[RegExp, Replacer]> = [
  [
    new RegExp(`-----BEGIN [A-Z ]*PRIVATE KEY-----${PEM_BODY}(?:-----END [A-Z ]*PRIVATE KEY-----)?`, 'g'),
    () => REDACTED_PRIVATE_KEY,
  ],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, (m) => maskSecret(m)],
  [/\bsk-(?:ant-|proj-|or-)?[A-Za-z0-9_-]{16,}/g, (m) => maskSecret(m)],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, (m) => maskSecret(m)],
  [/\bya29\.[0-9A-Za-z._-]{20,}/g, (m) => maskSecret(m)],
  [/\bABSK[A-Za-z0-9+/=]{20,}/g, (m) => maskSecret(m)],
  [/\bbedrock-api-key-[A-Za-z0-9+/=._-]{16,}/g, (m) => maskSecret(m)],
  [/\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz)[A-Za-z0-9+/=]{20,}/g, (m) => maskSecret(m)],
  [
    /\b(Bearer|Basic)(\s+|%20|\+)([A-Za-z0-9._~+/=-]{8,})/gi,
    (m, scheme, gap, token) => (tokenLike(token!) ? `${scheme}${gap}${maskSecret(token!)}` : m),
  ],
  [
    /([?&;](?:key|api[-_]?key|apikey|token|access_token|id_token|sig|signature|x-goog-api-key|x-api-key)=)([^&\s"'<>#\\…]+)/gi,
    (_m, prefix, value) => `${prefix}${maskSecret(decodeSafe(value!))}`,
  ],
  [
    /\b((?:x-api-key|x-goog-api-key|api-key|apikey|x-amz-security-token|authorization)\\*["']?\s*[:=]\s*\\*["']?)([^\s"'\\,;}&…]{8,})/gi,
    (m, prefix, value) =>
      /^(?:bearer|basic)$/i.test(value!) ? m : `${prefix}${maskSecret(decodeSafe(value!))}`,
  ],
  [
    /(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@"'\\]+):([^/\s@"'\\]+)@/gi,
    (_m, scheme, user) => `${scheme}${user}:${REDACTED}@`,
  ],
];

/** One quick pass: could the text hold any of the shapes at all? (Most texts cannot.) */
const MAY_HOLD_SHAPE =
  /PRIVATE KEY|AKIA|ASIA|sk-|AIza|ya29\.|ABSK|bedrock-api-key-|IQoJb3JpZ2lu|FwoGZXIvYXdz|bearer|basic|[?&;][a-z_-]*(?:key|token|sig|signature)=|api-?key|authorization|security-token|:\/\/[^/\s]*@/i;

function decodeSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export interface RedactOptions {
  /** Also redact credential shapes (default true). Off: only the known secrets. */
  shapes?: boolean;
}

/**
 * Immutable: build a new one when the secrets change (the proxy does on every reconfigure).
 */
export class SecretRedactor {
  /** The known secrets, longest first (a secret containing another is masked whole). */
  readonly #secrets: string[];
  readonly #known: RegExp | undefined;

  constructor(secrets: Iterable<string>) {
    const unique = new Set<string>();
    for (const s of secrets) {
      if (typeof s !== 'string') continue;
      const v = s.trim();
      if (v.length >= MIN_SECRET_LENGTH) unique.add(v);
    }
    this.#secrets = [...unique].sort((a, b) => b.length - a.length);
    this.#known = this.#secrets.length
      ? new RegExp(this.#secrets.map((s) => `(${secretPattern(s)})`).join('|'), 'g')
      : undefined;
  }

  /** A redactor that knows no secrets and removes only credential shapes. */
  static readonly shapesOnly = new SecretRedactor([]);

  /** How many secrets it knows (for tests and diagnostics; never the secrets themselves). */
  get size(): number {
    return this.#secrets.length;
  }

  #maskOf(secret: string): string {
    return secret.includes('PRIVATE KEY-----') ? REDACTED_PRIVATE_KEY : maskSecret(secret);
  }

  #maskKnown(groups: unknown[]): string {
    for (let i = 0; i < this.#secrets.length; i++) {
      if (groups[i] !== undefined) return this.#maskOf(this.#secrets[i]!);
    }
    return REDACTED;
  }

  /** The text with every known secret (and, unless turned off, every credential shape) masked. */
  text(input: string, opts: RedactOptions = {}): string {
    if (typeof input !== 'string' || input === '') return input;
    let out = input;
    if (this.#known) {
      if (input.includes('\\') || input.includes('%')) {
        // An escape somewhere: the full pattern, which reads every escaped form.
        this.#known.lastIndex = 0;
        out = out.replace(this.#known, (...args: unknown[]) => this.#maskKnown(args.slice(1)));
      } else {
        // Plain text (nearly always): plain searches, far cheaper than the escape-aware pattern.
        for (const secret of this.#secrets) {
          if (out.includes(secret)) out = out.split(secret).join(this.#maskOf(secret));
        }
      }
    }
    if (opts.shapes !== false && MAY_HOLD_SHAPE.test(out)) {
      for (const [re, replace] of SHAPES) {
        re.lastIndex = 0;
        out = out.replace(re, replace as (substring: string, ...args: unknown[]) => string);
      }
    }
    return out;
  }

  /** True when the text holds a known secret (or, unless turned off, a credential shape). */
  contains(input: string, opts: RedactOptions = {}): boolean {
    return this.text(input, opts) !== input;
  }

  /**
   * A copy of a JSON-like value with every string value redacted (member names are the
   * program's own, not an upstream's). Returns the
   * value itself when nothing needed redacting, so clean records cost no copies.
   */
  value<T>(input: T, opts: RedactOptions = {}): T {
    return this.#walk(input, opts, 0) as T;
  }

  #walk(input: unknown, opts: RedactOptions, depth: number): unknown {
    if (typeof input === 'string') return this.text(input, opts);
    if (input === null || typeof input !== 'object') return input;
    if (depth > 64) return REDACTED;
    if (Array.isArray(input)) {
      let changed = false;
      const out = input.map((v) => {
        const r = this.#walk(v, opts, depth + 1);
        if (r !== v) changed = true;
        return r;
      });
      return changed ? out : input;
    }
    if (Object.getPrototypeOf(input) !== Object.prototype && Object.getPrototypeOf(input) !== null) {
      return input;
    }
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      const r = this.#walk(v, opts, depth + 1);
      if (r !== v) changed = true;
      out[k] = r;
    }
    return changed ? out : input;
  }

  /** Header values redacted (header names are ours to read, values are the upstream's). */
  headers<H extends Record<string, string | string[] | undefined>>(headers: H): H {
    let changed = false;
    const out: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(headers)) {
      const r = Array.isArray(v) ? v.map((x) => this.text(x)) : v === undefined ? v : this.text(v);
      if (Array.isArray(v) ? (r as string[]).some((x, i) => x !== v[i]) : r !== v) changed = true;
      out[k] = r;
    }
    return changed ? (out as H) : headers;
  }

  /**
   * The error with its message, hint and every other text it carries redacted. A ProxyError
   * that needs no change is returned as is; otherwise a copy of the same class and fields.
   */
  error<E extends ProxyError>(err: E): E {
    const message = this.text(err.message);
    let changed = message !== err.message;
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(err)) {
      if (k === 'cause') continue;
      const r = this.value(v);
      if (r !== v) changed = true;
      fields[k] = r;
    }
    if (!changed) return err;
    const copy = Object.create(Object.getPrototypeOf(err) as object) as E;
    Object.assign(copy, err, fields);
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined) {
      Object.defineProperty(copy, 'cause', {
        value: this.thrown(cause),
        writable: true,
        configurable: true,
      });
    }
    Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
    Object.defineProperty(copy, 'stack', {
      value: `${err.name}: ${message}`,
      writable: true,
      configurable: true,
    });
    return copy;
  }

  /**
   * Anything thrown, redacted: a ProxyError is copied, another Error has its message and stack
   * rewritten in place (keeping its class and code for the callers that test them).
   */
  thrown(err: unknown): unknown {
    if (err instanceof ProxyError) return this.error(err);
    if (err instanceof Error) {
      const message = this.text(err.message);
      if (message !== err.message) {
        try {
          err.message = message;
          err.stack = `${err.name}: ${message}`;
        } catch {
          return new Error(message);
        }
      }
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof Error) this.thrown(cause);
      return err;
    }
    if (typeof err === 'string') return this.text(err);
    return err;
  }
}
