/**
 * Same-dialect passthrough streams reach the client as the upstream's own bytes (issue 17, speed):
 * also when the proxy asked the upstream for usage and the client did not — then only the
 * usage-only chunk is cut. The upstream writes its stream in awkward pieces (inside `data:`,
 * between CR and LF, inside a UTF-8 character, inside `"usage"`), each a separate read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';

const KEY = 'sk-proj-PassthroughBytesTestKey0123456789abcdef';

const chunk = (content: string) =>
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"up-model-0613","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"usage":null}`;
const finish =
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"up-model-0613","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}';
const usage =
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"up-model-0613","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}';

function sse(lines: string[], eol: string): Buffer {
  return Buffer.from(lines.map((l) => `${l}${eol}${eol}`).join(''), 'utf8');
}

/** Split points that fall in awkward places of `bytes`. */
function awkwardCuts(bytes: Buffer): number[] {
  const at = new Set<number>();
  const near = (needle: string, delta: number) => {
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) at.add(i + delta);
  };
  near('data:', 2); // inside the field name
  near('\r\n', 1); // between CR and LF
  near('\n\n', 1); // between the two line ends of a blank line
  near('"usage":{', 4); // inside the usage member
  near('—', 1); // inside a three-byte character
  near('日', 2);
  return [...at].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
}

interface Seen {
  body: Record<string, unknown>;
}

let upstream: Server;
let px: RunningProxy;
let next: Buffer = Buffer.alloc(0);
const seen: Seen[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', async () => {
      seen.push({ body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const bytes = next;
      let from = 0;
      for (const cut of [...awkwardCuts(bytes), bytes.length]) {
        res.write(bytes.subarray(from, cut));
        from = cut;
        // a pause between pieces, so that each is a read of its own
        await new Promise((ok) => setTimeout(ok, 2));
      }
      res.end();
    });
  });
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
  const port = (upstream.address() as AddressInfo).port;
  px = await startProxy({
    accounts: [
      {
        id: 'up',
        provider: 'openai-compatible',
        baseUrl: `http://127.0.0.1:${port}/v1`,
        apiKey: KEY,
        models: ['up-model'],
      },
    ],
  });
});

afterAll(async () => {
  await px?.close();
  await new Promise((ok) => upstream?.close(ok));
});

async function ask(extra: Record<string, unknown> = {}): Promise<Buffer> {
  const res = await fetch(`${px.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'up-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      ...extra,
    }),
  });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('passthrough streams relay the upstream bytes', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`a client that did not ask for usage gets every byte but the usage chunk; the log has usage (${name})`, async () => {
      const lines = [
        ': OPENROUTER PROCESSING',
        chunk('Bonjour — '),
        chunk('日本語の“text”'),
        finish,
        usage,
        'data: [DONE]',
      ];
      next = sse(lines, eol);
      const recorded = px.nextRecord();
      const got = await ask();
      // the proxy asked for usage, for the log
      expect(seen.at(-1)?.body.stream_options).toEqual({ include_usage: true });
      expect(
        got.equals(
          sse(
            lines.filter((l) => l !== usage),
            eol,
          ),
        ),
      ).toBe(true);
      const rec = await recorded;
      expect(rec).toMatchObject({ status: 200, passthrough: true, responseModel: 'up-model-0613' });
      expect(rec.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
      expect(rec.ttftMs).toBeTypeOf('number');
    });

    it(`a client that asked for usage gets the upstream's bytes exactly (${name})`, async () => {
      const lines = [
        ': OPENROUTER PROCESSING',
        chunk('Bonjour — '),
        chunk('日本語の“text”'),
        finish,
        usage,
        'data: [DONE]',
      ];
      next = sse(lines, eol);
      const recorded = px.nextRecord();
      const got = await ask({ stream_options: { include_usage: true } });
      expect(seen.at(-1)?.body.stream_options).toEqual({ include_usage: true });
      expect(got.equals(next)).toBe(true);
      expect((await recorded).usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    });
  }

  it('an error event mid-stream is still redacted; the bytes around it are the upstream’s', async () => {
    const error = `data: {"error":{"message":"Incorrect API key provided: ${KEY}","type":"invalid_request_error"}}`;
    const lines = [': OPENROUTER PROCESSING', chunk('Bonjour — '), error, usage, 'data: [DONE]'];
    next = sse(lines, '\n');
    const recorded = px.nextRecord();
    const text = (await ask()).toString('utf8');
    expect(text).not.toContain(KEY);
    expect(
      text.startsWith(
        `: OPENROUTER PROCESSING\n\n${chunk('Bonjour — ')}\n\ndata: {"error":{"message":"Incorrect API key provided: `,
      ),
    ).toBe(true);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"usage":{');
    const rec = await recorded;
    expect(JSON.stringify(rec)).not.toContain(KEY);
    expect(rec.error?.message).toContain('Incorrect API key provided');
  });
});
