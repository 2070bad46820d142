import Anthropic from '@anthropic-ai/sdk';
import { type Content, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageStore } from '../../../proxy-core/src/index.js';
import type { RequestRecord } from '../../../proxy-core/src/observability/types.js';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type AnthropicMock, startAnthropicMock } from '../../upstreams/anthropic-mock.js';
import { type BedrockMock, startBedrockMock } from '../../upstreams/bedrock-mock.js';
import { type ClaudeCacheSim, characterCard, createClaudeCacheSim } from '../../upstreams/claude-cache.js';
import { startVertexMock, type VertexMock } from '../../upstreams/vertex-mock.js';

// Automatic prompt caching (issue 19) end to end: real SDK clients of each dialect, the proxy,
// and Claude mocks that check Claude's cache rules and simulate its cache faithfully.

type Json = Record<string, unknown>;

let px: RunningProxy;
let vertexMock: VertexMock;
let anthropicMock: AnthropicMock;
let bedrockMock: BedrockMock;
const sims: Record<'vertex' | 'anthropic' | 'bedrock', ClaudeCacheSim> = {
  vertex: createClaudeCacheSim(),
  anthropic: createClaudeCacheSim(),
  bedrock: createClaudeCacheSim(),
};

beforeAll(async () => {
  vertexMock = await startVertexMock({ claudeFixture: 'conversation', promptCache: sims.vertex });
  anthropicMock = await startAnthropicMock({ promptCache: sims.anthropic });
  bedrockMock = await startBedrockMock({ invokeFixture: 'conversation', promptCache: sims.bedrock });
  const sa = vertexMock.makeServiceAccount({ projectId: 'kb-cache' });
  px = await startProxy({
    accounts: [
      {
        id: 'vx',
        provider: 'vertex',
        baseUrl: vertexMock.url,
        region: 'us-east5',
        serviceAccount: sa.json,
        models: [{ id: 'claude-vertex', upstream: 'claude-sonnet-4-5@20250929' }],
      },
      {
        id: 'vx-off',
        provider: 'vertex',
        baseUrl: vertexMock.url,
        region: 'us-east5',
        serviceAccount: sa.json,
        promptCaching: 'off',
        models: [{ id: 'claude-vertex-nocache', upstream: 'claude-sonnet-4-5@20250929' }],
      },
      {
        id: 'ant',
        provider: 'anthropic',
        baseUrl: anthropicMock.url,
        apiKey: 'sk-ant-test-upstream',
        promptCacheTtl: '1h',
        models: [{ id: 'claude-direct', upstream: 'claude-sonnet-4-5-20250929' }],
      },
      {
        id: 'aws',
        provider: 'bedrock',
        baseUrl: bedrockMock.url,
        region: bedrockMock.region,
        ...bedrockMock.credentials[0],
        models: [{ id: 'claude-bedrock', upstream: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }],
      },
    ],
  });
});

afterAll(async () => {
  await px?.close();
  await vertexMock?.close();
  await anthropicMock?.close();
  await bedrockMock?.close();
});

const CARD = characterCard(10_000);

/** Runs `fn` and returns it with the one record it produced. */
async function withRecord<T>(fn: () => Promise<T>): Promise<{ value: T; record: RequestRecord }> {
  const next = px.nextRecord();
  const value = await fn();
  return { value, record: await next };
}

function cacheMarkers(body: Json): number {
  return (JSON.stringify(body).match(/"cache_control"/g) ?? []).length;
}

describe('a 20-turn role-play from an OpenAI client (SillyTavern Custom) to Claude on Vertex', () => {
  it('reads its history from cache from the second turn on, and the usage totals show the saving', async () => {
    const client = new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });
    const usage = await UsageStore.open();
    const history: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: CARD }];
    const records: RequestRecord[] = [];
    const start = sims.vertex.log.length;
    for (let turn = 1; turn <= 20; turn++) {
      history.push({ role: 'user', content: `*looks at the map* Aria, what lies beyond pass ${turn}?` });
      const stream = turn % 2 === 0; // SillyTavern streams or not, as the user chose
      const { value: answer, record } = await withRecord(async () => {
        if (!stream) {
          const r = await client.chat.completions.create({ model: 'claude-vertex', messages: history });
          return r.choices[0]!.message.content ?? '';
        }
        let text = '';
        const s = await client.chat.completions.create({
          model: 'claude-vertex',
          messages: history,
          stream: true,
        });
        for await (const chunk of s) text += chunk.choices[0]?.delta?.content ?? '';
        return text;
      });
      expect(record.status).toBe(200);
      expect(answer.length).toBeGreaterThan(0);
      history.push({ role: 'assistant', content: answer });
      records.push(record);
      usage.record(record);
    }
    const log = sims.vertex.log.slice(start);
    expect(log).toHaveLength(20);
    // Turn 1 writes the card and the first turn; every later turn reads everything up to the
    // previous turn's question (the card and the history) and writes only the newest exchange.
    expect(log[0]!.read).toBe(0);
    expect(log[0]!.write).toBeGreaterThan(10_000);
    for (let i = 1; i < 20; i++) {
      expect(log[i]!.read, `turn ${i + 1}`).toBe(log[i - 1]!.read + log[i - 1]!.write);
      expect(log[i]!.write, `turn ${i + 1}`).toBeLessThan(200);
    }
    // Claude's rules held on every request: at most 4 breakpoints (the mock refuses more).
    expect(Math.max(...sims.vertex.breakpoints.slice(start))).toBeLessThanOrEqual(4);
    // The records carry the reads, writes and the money they saved.
    expect(records[0]!.usage?.cacheWriteTokens).toBe(log[0]!.write);
    expect(records[0]!.cacheSavedUsd).toBeLessThan(0); // the first write costs a little extra
    for (const r of records.slice(1)) {
      expect(r.usage?.cacheReadTokens).toBeGreaterThan(10_000);
      expect(r.cacheSavedUsd).toBeGreaterThan(0);
    }
    // Sonnet 4.5: $3/M input, $0.30/M reads, $3.75/M writes.
    const expected = log.reduce((sum, u) => sum + (u.read * (3 - 0.3) - u.write * (3.75 - 3)) / 1e6, 0);
    const total = usage.summary().total;
    expect(total.cacheReadTokens).toBe(log.reduce((n, u) => n + u.read, 0));
    expect(total.cacheWriteTokens).toBe(log.reduce((n, u) => n + u.write, 0));
    expect(total.cacheSavedUsd).toBeCloseTo(expected, 6);
    expect(total.cacheSavedUsd).toBeGreaterThan(0.5); // ~19 × 10k+ tokens at $2.70/M
    await usage.close();
  });

  it('places nothing for an account with promptCaching: off', async () => {
    const before = vertexMock.apiRequests().length;
    const client = new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });
    await client.chat.completions.create({
      model: 'claude-vertex-nocache',
      messages: [
        { role: 'system', content: CARD },
        { role: 'user', content: 'Hello' },
      ],
    });
    const sent = JSON.parse(vertexMock.apiRequests()[before]!.body) as Json;
    expect(cacheMarkers(sent)).toBe(0);
  });
});

describe('an Anthropic client (same-dialect passthrough)', () => {
  const client = () => new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 });
  const params = (turns: number): Anthropic.MessageCreateParamsNonStreaming => {
    const messages: Anthropic.MessageParam[] = [];
    for (let i = 0; i < turns; i++) {
      messages.push({ role: 'user', content: [{ type: 'text', text: `Question ${i}` }] });
      if (i < turns - 1)
        messages.push({ role: 'assistant', content: [{ type: 'text', text: `Answer ${i}` }] });
    }
    return {
      model: 'claude-direct',
      max_tokens: 300,
      stop_sequences: ['\nUser:'],
      system: [{ type: 'text', text: CARD }],
      messages,
    };
  };

  it('gets breakpoints (1 h, as the account asks) and nothing else in its body changes', async () => {
    const start = sims.anthropic.log.length;
    const { record: first } = await withRecord(() => client().messages.create(params(1)));
    // 1-hour writes are priced at twice the input price ($6/M for Sonnet 4.5), not $3.75/M.
    const written = sims.anthropic.log[start]!.write1h;
    expect(written).toBe(sims.anthropic.log[start]!.write);
    expect(first.usage?.cacheWrite1hTokens).toBe(written);
    expect(first.cacheSavedUsd).toBeCloseTo((-written * (6 - 3)) / 1e6, 9);
    const { record } = await withRecord(() => client().messages.create(params(2)));
    const sent = anthropicMock.bodies().at(-1)!;
    const marks = JSON.stringify(sent).match(/"cache_control":\{[^}]*\}/g) ?? [];
    expect(marks).toEqual([
      '"cache_control":{"type":"ephemeral","ttl":"1h"}',
      '"cache_control":{"type":"ephemeral","ttl":"1h"}',
      '"cache_control":{"type":"ephemeral","ttl":"1h"}',
    ]);
    // Without the markers it is exactly what the client sent (stop sequences and all).
    const unmarked = JSON.parse(JSON.stringify(sent).replace(/,"cache_control":\{[^}]*\}/g, '')) as Json;
    expect(unmarked).toEqual({ ...params(2), model: 'claude-sonnet-4-5-20250929' });
    expect(record.passthrough).toBe(true);
    expect(sims.anthropic.log[start + 1]!.read).toBeGreaterThan(10_000);
    expect(record.usage?.cacheReadTokens).toBe(sims.anthropic.log[start + 1]!.read);
  });

  it('keeps its own markers exactly as sent and adds none', async () => {
    const p = params(2);
    const own: Anthropic.MessageCreateParamsNonStreaming = {
      ...p,
      system: [{ type: 'text', text: CARD, cache_control: { type: 'ephemeral' } }],
    };
    await client().messages.create(own);
    const sent = anthropicMock.bodies().at(-1)!;
    expect(sent).toEqual({ ...own, model: 'claude-sonnet-4-5-20250929' });
    expect(cacheMarkers(sent)).toBe(1);
  });

  it('streams through Vertex too, with the history read from cache', async () => {
    const start = sims.vertex.log.length;
    for (const turns of [1, 2]) {
      const s = client().messages.stream({ ...params(turns), model: 'claude-vertex' });
      await s.finalMessage();
    }
    expect(sims.vertex.log[start + 1]!.read).toBeGreaterThan(10_000);
  });
});

describe('a Gemini client to Claude on Bedrock (InvokeModel)', () => {
  it('gets breakpoints and reads the history from cache on the next turn', async () => {
    const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: px.origin } });
    const start = sims.bedrock.log.length;
    const contents: Content[] = [{ role: 'user', parts: [{ text: 'Where are we?' }] }];
    const first = await ai.models.generateContent({
      model: 'claude-bedrock',
      contents,
      config: { systemInstruction: CARD },
    });
    contents.push({ role: 'model', parts: [{ text: first.text ?? '' }] });
    contents.push({ role: 'user', parts: [{ text: 'And now?' }] });
    const { record } = await withRecord(async () => {
      const stream = await ai.models.generateContentStream({
        model: 'claude-bedrock',
        contents,
        config: { systemInstruction: CARD },
      });
      for await (const _ of stream) {
        // drain
      }
    });
    const sent = JSON.parse(bedrockMock.calls.at(-1)!.seen.body) as Json;
    expect(cacheMarkers(sent)).toBe(3);
    expect(sims.bedrock.log[start]!.write).toBeGreaterThan(10_000);
    expect(sims.bedrock.log[start + 1]!.read).toBe(sims.bedrock.log[start]!.write);
    expect(record.cacheSavedUsd).toBeGreaterThan(0);
  });
});
