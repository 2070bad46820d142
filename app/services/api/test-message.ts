/** "Send a test message": the request each SillyTavern source sends, and how its answer is read. */
import { appMsg, type MessageRef } from '../../contract/index.js';

interface PreparedTest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function testRequest(
  source: 'openai' | 'claude' | 'gemini',
  origin: string,
  model: string,
  text: string,
  key: string | null,
): PreparedTest {
  if (source === 'claude') {
    return {
      url: `${origin}/v1/messages`,
      headers: {
        'content-type': 'application/json',
        'x-api-key': key ?? 'keybridge',
        'anthropic-version': '2023-06-01',
      },
      body: { model, max_tokens: 256, messages: [{ role: 'user', content: text }] },
    };
  }
  if (source === 'gemini') {
    const q = key ? `?key=${encodeURIComponent(key)}` : '';
    return {
      url: `${origin}/v1beta/models/${encodeURIComponent(model)}:generateContent${q}`,
      headers: { 'content-type': 'application/json' },
      body: { contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { maxOutputTokens: 256 } },
    };
  }
  return {
    url: `${origin}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: { model, max_tokens: 256, stream: false, messages: [{ role: 'user', content: text }] },
  };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Reads the message and hint from any of the three dialects' error bodies. */
export function readProxyError(json: unknown): { message?: string; hint?: string } {
  const body = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const error = (body.error && typeof body.error === 'object' ? body.error : body) as Record<string, unknown>;
  const message = typeof error.message === 'string' ? error.message : undefined;
  const hint = typeof error.hint === 'string' ? error.hint : undefined;
  // proxy-core writes "message — hint" into the one message field the dialects have.
  if (!hint && message?.includes(' — ')) {
    const at = message.indexOf(' — ');
    return { message: message.slice(0, at), hint: message.slice(at + 3) };
  }
  return { message, hint };
}

export function hintForStatus(status: number): { text: string; ref: MessageRef } | undefined {
  if (status === 401 || status === 403)
    return {
      text: 'The proxy wants the access key: check Settings → Access key.',
      ref: appMsg('testHintAccessKey'),
    };
  if (status === 404)
    return { text: 'Check that the model is enabled under Models.', ref: appMsg('testHintModel') };
  if (status === 429)
    return {
      text: 'The provider is rate limiting this account; wait a moment and try again.',
      ref: appMsg('testHintRateLimit'),
    };
  if (status >= 500)
    return {
      text: 'The provider had a problem; the live log shows the details.',
      ref: appMsg('testHintProvider'),
    };
  return undefined;
}

export function readReply(source: 'openai' | 'claude' | 'gemini', json: unknown): string | null {
  const body = (json && typeof json === 'object' ? json : null) as Record<string, unknown> | null;
  if (!body) return null;
  const textOf = (parts: unknown): string | null =>
    Array.isArray(parts)
      ? parts
          .map((p) =>
            p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
              ? (p as { text: string }).text
              : '',
          )
          .join('')
      : null;
  if (source === 'claude') return textOf(body.content);
  if (source === 'gemini') {
    const cand = Array.isArray(body.candidates)
      ? (body.candidates[0] as Record<string, unknown> | undefined)
      : undefined;
    const content = cand?.content as { parts?: unknown } | undefined;
    return textOf(content?.parts);
  }
  const choice = Array.isArray(body.choices)
    ? (body.choices[0] as Record<string, unknown> | undefined)
    : undefined;
  const message = choice?.message as { content?: unknown } | undefined;
  if (typeof message?.content === 'string') return message.content;
  return textOf(message?.content);
}
