export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value as a JSON object, or undefined. */
export function asJsonObject(v: unknown): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

/** Parses text that should hold a JSON object; undefined when it does not. */
export function parseJsonObject(text: string): JsonObject | undefined {
  try {
    return asJsonObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * A tool call's argument text as the object a wire wants (Anthropic `input`, Gemini `args`,
 * Bedrock `toolUse.input`): no text → `{}`; a JSON object as it is; another JSON value wrapped as
 * `{value}`; text that is not JSON (a model cut off mid-call) kept as `{arguments: text}`, so
 * nothing the model said is lost. Wires that carry the text itself (OpenAI) send it unchanged.
 */
export function toolArgumentsObject(text: string): JsonObject {
  if (text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return isJsonObject(v) ? v : { value: v };
  } catch {
    return { arguments: text };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isJsonSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Index just past the JSON value starting at `i` (after any spaces), or -1 when it does not end. */
function endOfValue(bytes: Uint8Array, i: number): number {
  while (isJsonSpace(bytes[i])) i++;
  let depth = 0;
  let inString = false;
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (b === QUOTE) inString = true;
    else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      if (depth === 0) return i; // the end of the enclosing object: a bare value ended here
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (b === 0x2c || isJsonSpace(b))) return i;
  }
  return -1;
}

/**
 * Reads a few top-level members of a JSON object held as bytes without parsing the rest of it:
 * for a large answer relayed untouched, only its `usage` and `model` are wanted. `first` names are
 * looked up from the start and `last` names from the end — put each where the provider writes it,
 * outside anything nested (the answer's content, tool inputs). A JSON string cannot hold a bare
 * `"name":` (its quotes are escaped), so a match is a member name. Returns undefined when the bytes
 * do not look like a JSON object at all; members that are missing or unreadable are left out.
 */
export function peekJsonMembers(
  bytes: Buffer,
  names: { first?: readonly string[]; last?: readonly string[] },
): JsonObject | undefined {
  let start = 0;
  let end = bytes.length - 1;
  while (isJsonSpace(bytes[start])) start++;
  while (end > start && isJsonSpace(bytes[end])) end--;
  if (bytes[start] !== 0x7b || bytes[end] !== 0x7d) return undefined;
  const out: JsonObject = {};
  const read = (name: string, fromEnd: boolean) => {
    const key = `"${name}"`;
    let at = fromEnd ? bytes.lastIndexOf(key) : bytes.indexOf(key);
    while (at >= 0) {
      let i = at + key.length;
      while (isJsonSpace(bytes[i])) i++;
      if (bytes[i] === 0x3a) {
        const valueEnd = endOfValue(bytes, i + 1);
        if (valueEnd < 0) return;
        try {
          out[name] = JSON.parse(bytes.toString('utf8', i + 1, valueEnd));
        } catch {
          // left out: the caller sees the member as missing
        }
        return;
      }
      // `"name"` as a value (e.g. "role": "model"), not a member name: look further
      at = fromEnd ? bytes.lastIndexOf(key, at - 1) : bytes.indexOf(key, at + 1);
    }
  };
  for (const name of names.first ?? []) read(name, false);
  for (const name of names.last ?? []) read(name, true);
  return out;
}

/**
 * Sets `obj[key]` as an own property, whatever the key: assigning `__proto__` would replace the
 * object's prototype instead (a client may name a JSON member anything).
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** True when `word`'s bytes are at `i` in `bytes` (a byte check on a raw stream event). */
export function bytesAt(bytes: Buffer, i: number, word: Buffer): boolean {
  if (i + word.length > bytes.length) return false;
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) return false;
  return true;
}
