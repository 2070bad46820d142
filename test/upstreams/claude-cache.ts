import { createHash } from 'node:crypto';

/**
 * Claude's prompt cache, simulated for the mocks (Anthropic API, Vertex, Bedrock InvokeModel and
 * Converse). It checks what Claude checks — at most 4 breakpoints, none on thinking or empty
 * text blocks, a longer TTL never after a shorter one — and caches as Claude does: the prompt is
 * rendered tools → system → messages; a breakpoint whose prefix (everything up to and including
 * its block, markers aside) was cached within its TTL is read; the rest up to the last breakpoint
 * is written, but only prefixes at least the model's minimum long are cached at all.
 *
 * Tokens are counted at 3.5 characters each for ASCII text (Claude's English ratio) and 1 per other
 * character: a little more than the proxy's own estimate, as the real tokenizer would be.
 */

type Json = Record<string, unknown>;

export interface CacheUsage {
  /** Uncached prompt tokens after the last breakpoint (Anthropic's `input_tokens`). */
  input: number;
  read: number;
  write: number;
  /** Of `write`, the tokens written under a 1-hour breakpoint. */
  write1h: number;
}

export interface ClaudeCacheSim {
  /** Claude's validation of cache markers: an error message, or undefined when valid. */
  check(body: Json, wire?: 'anthropic' | 'converse'): string | undefined;
  /** Serves one request against the cache: the usage Claude would report. */
  use(body: Json, model: string, wire?: 'anthropic' | 'converse'): CacheUsage;
  /** Every request's usage so far, in order. */
  log: CacheUsage[];
  /** Breakpoint counts per request, in order. */
  breakpoints: number[];
  /** Moves the simulated clock on (TTL expiry). */
  advance(ms: number): void;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function simTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3.5 + other);
}

/** The simulator's minimums (Anthropic's table, the ones the tests use). */
export function simMinimum(model: string): number {
  if (/haiku-4-5|opus-4-[56]/.test(model)) return 4096;
  if (/opus-4-7|sonnet-4-6|haiku/.test(model)) return 2048;
  if (/opus-5(?!-\d)|fable|mythos/.test(model)) return 512;
  return 1024;
}

/** One rendered unit of the prompt: its identity (markers aside), tokens, and its marker if any. */
interface Unit {
  key: string;
  tokens: number;
  marker?: { ttl: string };
  /** Where it sits, for error messages. */
  where: string;
  /** thinking / empty text: may not carry a marker. */
  unmarkable?: string;
}

function stripMarker(b: unknown): unknown {
  if (!isObj(b)) return b;
  const { cache_control: _c, ...rest } = b;
  return rest;
}

function blockTokens(b: unknown): number {
  if (typeof b === 'string') return simTokens(b);
  if (!isObj(b)) return 0;
  if (typeof b.text === 'string') return simTokens(b.text);
  if (b.type === 'thinking') return 0;
  if (b.type === 'tool_use') return simTokens(JSON.stringify(b.input ?? {})) + 5;
  if (b.type === 'tool_result')
    return Array.isArray(b.content)
      ? b.content.reduce((n: number, c) => n + blockTokens(c), 0)
      : blockTokens(b.content);
  if (isObj(b.toolUse)) return simTokens(JSON.stringify(b.toolUse.input ?? {})) + 5;
  if (isObj(b.toolResult) && Array.isArray(b.toolResult.content))
    return b.toolResult.content.reduce((n: number, c) => n + blockTokens(c), 0);
  if (b.type === 'image' || isObj(b.image)) return 1500;
  return 0;
}

function anthropicUnits(body: Json): Unit[] {
  const units: Unit[] = [];
  const marker = (b: unknown) => {
    if (!isObj(b) || !isObj(b.cache_control)) return undefined;
    return { ttl: String(b.cache_control.ttl ?? '5m') };
  };
  (Array.isArray(body.tools) ? body.tools : []).forEach((t, i) => {
    units.push({
      key: JSON.stringify(stripMarker(t)),
      tokens: simTokens(JSON.stringify(stripMarker(t))),
      marker: marker(t),
      where: `tools.${i}`,
    });
  });
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : body.system;
  (Array.isArray(system) ? system : []).forEach((b, i) => {
    units.push({
      key: JSON.stringify(stripMarker(b)),
      tokens: blockTokens(b),
      marker: marker(b),
      where: `system.${i}`,
    });
  });
  (Array.isArray(body.messages) ? body.messages : []).forEach((m, mi) => {
    if (!isObj(m)) return;
    const content = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    (Array.isArray(content) ? content : []).forEach((b, bi) => {
      const unmarkable =
        isObj(b) && (b.type === 'thinking' || b.type === 'redacted_thinking')
          ? 'thinking blocks cannot be cached directly'
          : isObj(b) && b.type === 'text' && b.text === ''
            ? 'cache_control cannot be set for empty text blocks'
            : undefined;
      units.push({
        key: `${String(m.role)}:${JSON.stringify(stripMarker(b))}`,
        tokens: blockTokens(b),
        marker: marker(b),
        where: `messages.${mi}.content.${bi}`,
        unmarkable,
      });
    });
  });
  return units;
}

/** Converse: a `cachePoint` block marks the unit before it. */
function converseUnits(body: Json): Unit[] {
  const units: Unit[] = [];
  const walk = (list: unknown, where: string, prefix: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((b, i) => {
      if (isObj(b) && isObj(b.cachePoint)) {
        const last = units.at(-1);
        if (last) last.marker = { ttl: String(b.cachePoint.ttl ?? '5m') };
        else units.push({ key: 'cachePoint', tokens: 0, marker: { ttl: '5m' }, where: `${where}.${i}` });
        return;
      }
      units.push({ key: `${prefix}${JSON.stringify(b)}`, tokens: blockTokens(b), where: `${where}.${i}` });
    });
  };
  walk(isObj(body.toolConfig) ? body.toolConfig.tools : undefined, 'toolConfig.tools', 'tool:');
  walk(body.system, 'system', 'system:');
  (Array.isArray(body.messages) ? body.messages : []).forEach((m, mi) => {
    if (isObj(m)) walk(m.content, `messages.${mi}.content`, `${String(m.role)}:`);
  });
  return units;
}

export function createClaudeCacheSim(opts: { now?: () => number } = {}): ClaudeCacheSim {
  let offset = 0;
  const clock = () => (opts.now ?? Date.now)() + offset;
  /** prefix hash → expiry time */
  const entries = new Map<string, number>();
  const log: CacheUsage[] = [];
  const breakpoints: number[] = [];
  const unitsOf = (body: Json, wire: 'anthropic' | 'converse') =>
    wire === 'anthropic' ? anthropicUnits(body) : converseUnits(body);

  return {
    log,
    breakpoints,
    advance(ms) {
      offset += ms;
    },
    check(body, wire = 'anthropic') {
      const units = unitsOf(body, wire);
      const marked = units.filter((u) => u.marker);
      if (marked.length > 4)
        return `A maximum of 4 blocks with cache_control may be provided. Found ${marked.length}.`;
      const bad = marked.find((u) => u.unmarkable);
      if (bad) return `${bad.where}: ${bad.unmarkable}`;
      let sawShort = false;
      for (const u of marked) {
        if (u.marker?.ttl === '5m') sawShort = true;
        else if (sawShort)
          return `${u.where}: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block`;
      }
      return undefined;
    },
    use(body, model, wire = 'anthropic') {
      const units = unitsOf(body, wire);
      const now = clock();
      const min = simMinimum(model);
      const hash = createHash('sha256');
      hash.update(model);
      let tokens = 0;
      let read = 0;
      let lastMarked = 0;
      const toStore: Array<{ key: string; ttl: string; prefix: number }> = [];
      units.forEach((u) => {
        hash.update(u.key);
        tokens += u.tokens;
        if (!u.marker) return;
        lastMarked = tokens;
        if (tokens < min) return;
        const key = hash.copy().digest('hex');
        const expiry = entries.get(key);
        if (expiry !== undefined && expiry > now) read = tokens;
        toStore.push({ key, ttl: u.marker.ttl, prefix: tokens });
      });
      for (const s of toStore) entries.set(s.key, now + (s.ttl === '1h' ? 3_600_000 : 300_000));
      const cachedUpTo = toStore.length > 0 ? lastMarked : 0;
      const write = Math.max(0, cachedUpTo - read);
      // Each written stretch belongs to the breakpoint that ends it, and takes that one's TTL.
      let write1h = 0;
      let from = read;
      for (const s of toStore) {
        if (s.prefix > from && s.ttl === '1h') write1h += s.prefix - from;
        from = Math.max(from, s.prefix);
      }
      const usage = { input: tokens - read - write, read, write, write1h };
      log.push(usage);
      breakpoints.push(units.filter((u) => u.marker).length);
      return usage;
    },
  };
}

/** A Messages reply (message + stream events) with the simulated usage in place of the capture's. */
export function withCacheUsage(reply: { message: Json; events: Json[] }, u: CacheUsage) {
  const usage = (base: unknown) => ({
    ...(isObj(base) ? base : {}),
    input_tokens: u.input,
    cache_read_input_tokens: u.read,
    cache_creation_input_tokens: u.write,
    cache_creation: { ephemeral_5m_input_tokens: u.write - u.write1h, ephemeral_1h_input_tokens: u.write1h },
  });
  const message = { ...reply.message, usage: usage(reply.message.usage) };
  const events = reply.events.map((ev) => {
    if (ev.type === 'message_start' && isObj(ev.message))
      return { ...ev, message: { ...ev.message, usage: usage(ev.message.usage) } };
    if (ev.type === 'message_delta' && isObj(ev.usage) && 'input_tokens' in ev.usage)
      return { ...ev, usage: usage(ev.usage) };
    return ev;
  });
  return { message, events };
}

/** A character card of about `tokens` tokens (varied sentences, as a real card is). */
export function characterCard(tokens: number): string {
  const lines: string[] = ['{{char}} is Aria, a travelling cartographer from the river city of Veldt.'];
  for (let i = 0; simTokens(lines.join('\n')) < tokens; i++) {
    lines.push(
      `Memory ${i}: in the ${i % 7 === 0 ? 'winter' : 'summer'} of year ${1200 + i}, Aria mapped valley ${i * 13} and met a ${['merchant', 'monk', 'sailor', 'smith'][i % 4]} who taught her ${i % 3 === 0 ? 'a song' : 'a trick with ink'}.`,
    );
  }
  return lines.join('\n');
}
