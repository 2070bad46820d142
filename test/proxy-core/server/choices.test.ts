import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureChunks, fixtureJson } from '../../support/fixtures.js';
import { mockDialectAccounts, type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import {
  type AnthropicMock,
  replyFor,
  startAnthropicMock,
  streamAnthropicEvents,
} from '../../upstreams/anthropic-mock.js';
import { choiceText } from '../../upstreams/choices.js';
import { type GoogleAiMock, startGoogleAiMock } from '../../upstreams/google-ai-mock.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';
import { type MockServer, sseFrame, startMock } from '../../upstreams/support.js';
import { startVertexMock, type VertexMock } from '../../upstreams/vertex-mock.js';

// Several answers to one request (OpenAI `n`, Gemini `candidateCount`), with the real SDKs: every
// answer reaches the client, streaming and not — from upstreams that make them (Google AI Studio,
// OpenAI-compatible) and, by parallel requests with usage summed, from Claude.

type Json = Record<string, unknown>;

const openaiText = {
  whole: fixtureJson<{ choices: Array<{ message: { content: string } }> }>('openai/openai-text.json')
    .choices[0]!.message.content,
  streamed: fixtureChunks('openai/openai-text.chunks.txt')
    .map(
      (l) =>
        (JSON.parse(l) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ??
        '',
    )
    .join(''),
};
const anthropicText = {
  whole: fixtureJson<{ content: Array<{ text?: string }> }>('anthropic/anthropic-text.json')
    .content.map((b) => b.text ?? '')
    .join(''),
  streamed: fixtureChunks('anthropic/anthropic-text.chunks.txt')
    .map((l) => (JSON.parse(l) as { delta?: { text?: string } }).delta?.text ?? '')
    .join(''),
};
const geminiTextOf = (r: Json) =>
  ((r.candidates as Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }>) ?? [])
    .slice(0, 1)
    .flatMap((c) => c.content?.parts ?? [])
    .filter((p) => !p.thought)
    .map((p) => p.text ?? '')
    .join('');
const geminiText = {
  whole: geminiTextOf(fixtureJson('gemini/google-text.json')),
  streamed: fixtureChunks('gemini/google-text.chunks.txt')
    .map((l) => geminiTextOf(JSON.parse(l) as Json))
    .join(''),
};

let openaiMock: OpenAIMock;
let anthropicMock: AnthropicMock;
let googleMock: GoogleAiMock;
let vertexMock: VertexMock;
let px: RunningProxy;
/** Claude whose every second streamed answer is cut off after a few events (the connection drops). */
let cutting: MockServer;

beforeAll(async () => {
  let calls = 0;
  cutting = await startMock(async (_req, res, seen) => {
    const body = JSON.parse(seen.body) as Json;
    const { events } = replyFor(body);
    if (++calls % 2 === 1) return streamAnthropicEvents(res, events);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const ev of events.slice(0, 4)) res.write(sseFrame(JSON.stringify(ev), String(ev.type)));
    await new Promise((r) => setTimeout(r, 50));
    res.destroy();
  });
  openaiMock = await startOpenAIMock();
  anthropicMock = await startAnthropicMock();
  googleMock = await startGoogleAiMock({ apiKey: 'AIza-test-upstream' });
  vertexMock = await startVertexMock({ claudeFixture: 'conversation', geminiFixture: 'conversation' });
  const sa = vertexMock.makeServiceAccount({ projectId: 'kb-test' });
  const acc = mockDialectAccounts({
    openai: openaiMock.url,
    anthropic: anthropicMock.url,
    vertex: vertexMock.url,
    serviceAccount: sa.json,
    google: googleMock.url,
  });
  px = await startProxy({
    accounts: [
      acc.oa,
      acc.ant,
      acc.vx,
      {
        id: 'cut',
        provider: 'anthropic',
        baseUrl: cutting.url,
        apiKey: 'sk-ant-test-upstream',
        models: [{ id: 'claude-cut', upstream: 'claude-sonnet-4-5-20250929' }],
      },
      acc.gs,
    ],
  });
});

afterAll(async () => {
  await px?.close();
  await openaiMock?.close();
  await anthropicMock?.close();
  await googleMock?.close();
  await cutting?.close();
  await vertexMock?.close();
});

const openai = () => new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });
const genai = () => new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: px.origin } });

/** The texts of every choice of an OpenAI answer, by index. */
async function openaiChoices(
  model: string,
  stream: boolean,
): Promise<{ texts: string[]; finishes: string[]; usage?: OpenAI.CompletionUsage }> {
  const c = openai();
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello' }];
  if (!stream) {
    const r = await c.chat.completions.create({ model, messages, max_tokens: 500, n: 2 });
    expect(r.choices.map((ch) => ch.index)).toEqual([0, 1]);
    return {
      texts: r.choices.map((ch) => ch.message.content ?? ''),
      finishes: r.choices.map((ch) => ch.finish_reason),
      usage: r.usage,
    };
  }
  const texts: string[] = [];
  const finishes: string[] = [];
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of await c.chat.completions.create({
    model,
    messages,
    max_tokens: 500,
    n: 2,
    stream: true,
    stream_options: { include_usage: true },
  })) {
    for (const ch of chunk.choices) {
      texts[ch.index] = (texts[ch.index] ?? '') + (ch.delta?.content ?? '');
      if (ch.finish_reason) finishes[ch.index] = ch.finish_reason;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  return { texts, finishes, usage };
}

/** The usage of one answer to the same request (n absent). */
async function oneAnswerUsage(model: string, stream: boolean): Promise<OpenAI.CompletionUsage> {
  const c = openai();
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello' }];
  if (!stream) return (await c.chat.completions.create({ model, messages, max_tokens: 500 })).usage!;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of await c.chat.completions.create({
    model,
    messages,
    max_tokens: 500,
    stream: true,
    stream_options: { include_usage: true },
  }))
    usage = chunk.usage ?? usage;
  return usage!;
}

/** The texts of every candidate of a Gemini answer, by index. */
async function geminiCandidates(model: string, stream: boolean): Promise<{ texts: string[]; usage?: Json }> {
  const ai = genai();
  const config = { candidateCount: 2, maxOutputTokens: 500 };
  const texts: string[] = [];
  let usage: Json | undefined;
  const read = (r: {
    candidates?: Array<{ index?: number; content?: { parts?: Array<{ text?: string }> } }>;
  }) => {
    for (const c of r.candidates ?? []) {
      const i = c.index ?? 0;
      texts[i] = (texts[i] ?? '') + (c.content?.parts ?? []).map((p) => p.text ?? '').join('');
    }
  };
  if (!stream) {
    const r = await ai.models.generateContent({ model, contents: 'Hello', config });
    read(r);
    usage = r.usageMetadata as Json;
  } else {
    for await (const ch of await ai.models.generateContentStream({ model, contents: 'Hello', config })) {
      read(ch);
      if (ch.usageMetadata) usage = ch.usageMetadata as Json;
    }
  }
  return { texts, usage };
}

describe('openai client, n: 2', () => {
  it.each([false, true])(
    'Google AI Studio: both candidates come back as choices (stream=%s)',
    async (stream) => {
      const before = googleMock.bodies.length;
      const out = await openaiChoices('gemini-studio', stream);
      const text = stream ? geminiText.streamed : geminiText.whole;
      expect(out.texts).toEqual([choiceText(0, text), choiceText(1, text)]);
      expect(out.finishes).toEqual(['stop', 'stop']);
      const sent = googleMock.bodies.slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.generationConfig).toMatchObject({ candidateCount: 2 });
    },
  );

  it.each([false, true])('OpenAI-compatible: both choices come back (stream=%s)', async (stream) => {
    const before = openaiMock.chats().length;
    const out = await openaiChoices('oa-model', stream);
    const text = stream ? openaiText.streamed : openaiText.whole;
    expect(out.texts).toEqual([choiceText(0, text), choiceText(1, text)]);
    expect(
      openaiMock
        .chats()
        .slice(before)
        .map((c) => c.body.n),
    ).toEqual([2]);
  });

  it.each([
    ['Anthropic', 'claude-direct', false],
    ['Anthropic', 'claude-direct', true],
    ['Vertex', 'claude-vertex', false],
    ['Vertex', 'claude-vertex', true],
  ] as const)(
    'Claude (%s): two requests at once, two choices, usage summed (stream=%s)',
    async (where, model, stream) => {
      const bodies = () =>
        where === 'Vertex'
          ? vertexMock.apiRequests().map((r) => JSON.parse(r.body) as Json)
          : anthropicMock.bodies();
      // One answer alone, the same way, to know what two must add up to.
      const single = await oneAnswerUsage(model, stream);
      const before = bodies().length;
      const recorded = px.nextRecord();
      const out = await openaiChoices(model, stream);
      const text = stream ? anthropicText.streamed : anthropicText.whole;
      expect(out.texts).toEqual([text, text]);
      expect(out.finishes).toEqual(['stop', 'stop']);
      const sent = bodies().slice(before);
      expect(sent).toHaveLength(2);
      for (const body of sent) expect(body).not.toHaveProperty('n');
      expect(out.usage).toMatchObject({
        prompt_tokens: 2 * single.prompt_tokens,
        completion_tokens: 2 * single.completion_tokens,
      });
      const record = await recorded;
      expect(record.status).toBe(200);
      expect(record.usage).toMatchObject({
        inputTokens: 2 * single.prompt_tokens,
        outputTokens: 2 * single.completion_tokens,
      });
    },
  );

  it('more answers than Keybridge sends at once to Claude: a 400 that names n and the provider', async () => {
    const before = anthropicMock.bodies().length;
    const err = await openai()
      .chat.completions.create({
        model: 'claude-direct',
        messages: [{ role: 'user', content: 'Hello' }],
        max_tokens: 50,
        n: 9,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as Error).message).toMatch(/n = 9/);
    expect((err as Error).message).toMatch(/anthropic account "ant"/);
    expect(anthropicMock.bodies().length).toBe(before);
  });

  it('a failing answer fails the request, never one choice in silence', async () => {
    anthropicMock.failNext(
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
    );
    const err = await openai()
      .chat.completions.create({
        model: 'claude-direct',
        messages: [{ role: 'user', content: 'Hello' }],
        max_tokens: 50,
        n: 2,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as Error).message).toMatch(/prompt is too long/);
  });

  it('one of the streams cut short: the stream ends with an error, never as if complete', async () => {
    const texts: string[] = [];
    const recorded = px.nextRecord();
    const failure = await (async () => {
      try {
        for await (const chunk of await openai().chat.completions.create({
          model: 'claude-cut',
          messages: [{ role: 'user', content: 'Hello' }],
          max_tokens: 50,
          n: 2,
          stream: true,
        }))
          for (const ch of chunk.choices)
            texts[ch.index] = (texts[ch.index] ?? '') + (ch.delta?.content ?? '');
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(Error);
    expect(texts.join('')).not.toBe(`${anthropicText.streamed}${anthropicText.streamed}`);
    const record = await recorded;
    expect(record.error?.message).toBeTruthy();
  });
});

describe('@google/genai client, candidateCount: 2', () => {
  it.each([false, true])('Claude (Anthropic): two candidates, usage summed (stream=%s)', async (stream) => {
    const before = anthropicMock.bodies().length;
    const out = await geminiCandidates('claude-direct', stream);
    const text = stream ? anthropicText.streamed : anthropicText.whole;
    expect(out.texts).toEqual([text, text]);
    expect(anthropicMock.bodies().slice(before)).toHaveLength(2);
    const one = fixtureJson<{ usage: { output_tokens: number } }>('anthropic/anthropic-text.json').usage;
    if (!stream) expect(out.usage?.candidatesTokenCount).toBe(2 * one.output_tokens);
  });

  it.each([false, true])(
    'OpenAI-compatible: n reaches the upstream, both choices come back (stream=%s)',
    async (stream) => {
      const before = openaiMock.chats().length;
      const out = await geminiCandidates('oa-model', stream);
      const text = stream ? openaiText.streamed : openaiText.whole;
      expect(out.texts).toEqual([choiceText(0, text), choiceText(1, text)]);
      expect(
        openaiMock
          .chats()
          .slice(before)
          .map((c) => c.body.n),
      ).toEqual([2]);
    },
  );

  it.each([false, true])('Google AI Studio (passed through): both candidates (stream=%s)', async (stream) => {
    const out = await geminiCandidates('gemini-studio', stream);
    const text = stream ? geminiText.streamed : geminiText.whole;
    expect(out.texts).toEqual([choiceText(0, text), choiceText(1, text)]);
  });
});
