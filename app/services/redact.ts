/**
 * Redaction of secrets from anything that leaves the main process (the window's answers and
 * events, the request log, diagnostics, the app log). The matching is proxy-core's one
 * SecretRedactor — the same masks (`sk-p…7Q2X`), escaped forms and credential shapes as the
 * proxy's — fed here with every secret the vault has seen; on top of it, fields whose names say
 * "secret" are blanked in diagnostics.
 */
import { REDACTED, SecretRedactor } from '../../proxy-core/src/index.js';

export { REDACTED };

const SECRET_KEY_NAME =
  /(api[-_]?key|secret|password|passwd|token|private[-_]?key|credential|authorization|access[-_]?key|service[-_]?account|x-goog-api-key|cookie)/i;

/** The secrets inside a secret value: a service-account JSON's private key and key id too. */
function partsOf(value: string): string[] {
  const out = [value];
  if (value.trimStart().startsWith('{')) {
    try {
      const json = JSON.parse(value) as Record<string, unknown>;
      for (const k of ['private_key', 'private_key_id']) if (typeof json[k] === 'string') out.push(json[k]);
    } catch {
      // not JSON: the value alone
    }
  }
  return out;
}

export class Redactor {
  readonly #values = new Set<string>();
  readonly #accessKeys = new Set<string>();
  #all: SecretRedactor | undefined;
  #withoutAccessKeys: SecretRedactor | undefined;

  /** Remembers a secret value so it is removed wherever it appears. */
  addSecret(value: string): void {
    for (const v of partsOf(value)) {
      if (v.length < 6 || this.#values.has(v)) continue;
      this.#values.add(v);
      this.#all = undefined;
      this.#withoutAccessKeys = undefined;
    }
  }

  /** Marks a value as allowed in API answers that may show it (the proxy access key). */
  addAccessKey(value: string): void {
    if (!this.#accessKeys.has(value)) {
      this.#accessKeys.add(value);
      this.#withoutAccessKeys = undefined;
    }
    this.addSecret(value);
  }

  #core(allowAccessKey: boolean): SecretRedactor {
    if (allowAccessKey) {
      this.#withoutAccessKeys ??= new SecretRedactor(
        [...this.#values].filter((v) => !this.#accessKeys.has(v)),
      );
      return this.#withoutAccessKeys;
    }
    this.#all ??= new SecretRedactor(this.#values);
    return this.#all;
  }

  /**
   * True when text contains a known secret value. With allowAccessKey, the proxy access key is
   * not counted (it is the user's own key, shown on the Connect page).
   */
  findSecret(text: string, allowAccessKey = false): boolean {
    return this.#core(allowAccessKey).contains(text, { shapes: false });
  }

  /** Redacts known secrets and credential shapes from text. */
  text(input: string): string {
    return this.#core(false).text(input);
  }

  /**
   * A copy of an answer or event for the window with every known secret masked (credential
   * shapes are left: the window shows the user's own settings). The value itself when clean.
   */
  answer<T>(input: T, allowAccessKey = false): T {
    return this.#core(allowAccessKey).value(input, { shapes: false });
  }

  /** A request record with known secrets and credential shapes masked in every text it carries. */
  record<T>(input: T): T {
    return this.#core(false).value(input);
  }

  /** Deep copy of a value with secret-named fields replaced and every string redacted. */
  value<T>(input: T): T {
    return this.#walk(input, 0) as T;
  }

  #walk(input: unknown, depth: number): unknown {
    if (depth > 20) return '[…]';
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((v) => this.#walk(v, depth + 1));
    if (input && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) {
        if (SECRET_KEY_NAME.test(k) && v !== null && v !== undefined && v !== '' && typeof v !== 'boolean') {
          out[k] = REDACTED;
        } else {
          out[k] = this.#walk(v, depth + 1);
        }
      }
      return out;
    }
    return input;
  }
}
