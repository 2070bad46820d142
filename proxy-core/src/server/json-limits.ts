import { ProxyError } from '../canonical/errors.js';
import { proxyMsg } from '../messages.js';

/** How deep and how big a request's JSON may be (a tool schema counts like any other member). */
export interface JsonLimits {
  /** Levels of nesting: `{}` is 1, `{"a":[1]}` is 2. */
  maxDepth: number;
  /** Values of every kind (objects, arrays, strings, numbers…) in the whole body. */
  maxValues: number;
}

export const REQUEST_JSON_LIMITS: JsonLimits = { maxDepth: 128, maxValues: 1_000_000 };

/**
 * Refuses JSON nested deeper or holding more values than `limits`, before any code that walks it
 * recursively (conversion, serialisation) can run out of stack or time. Iterative: safe at any depth.
 */
export function checkJsonLimits(value: unknown, limits: JsonLimits = REQUEST_JSON_LIMITS): void {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  let values = 1;
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.maxDepth) {
      throw new ProxyError(
        'invalid_request',
        `Request JSON is nested more than ${limits.maxDepth} levels deep (the limit)`,
        {
          code: 'json_too_deep',
          hint: `Keybridge accepts at most ${limits.maxDepth} levels of nesting, tool schemas included.`,
          messageRef: proxyMsg('jsonTooDeep', { max: limits.maxDepth }),
          hintRef: proxyMsg('jsonTooDeepHint', { max: limits.maxDepth }),
        },
      );
    }
    const children = Array.isArray(v) ? v : Object.values(v);
    values += children.length;
    if (values > limits.maxValues) {
      throw new ProxyError(
        'invalid_request',
        `Request JSON holds more than ${limits.maxValues.toLocaleString('en-US')} values (the limit)`,
        {
          code: 'json_too_large',
          hint: 'Send a shorter conversation, or fewer or smaller tools.',
          messageRef: proxyMsg('jsonTooLarge', { max: limits.maxValues.toLocaleString('en-US') }),
          hintRef: proxyMsg('jsonTooLargeHint'),
        },
      );
    }
    for (const c of children) if (c !== null && typeof c === 'object') stack.push({ v: c, depth: depth + 1 });
  }
}
