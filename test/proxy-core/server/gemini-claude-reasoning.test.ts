import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { type Content, GoogleGenAI, type Part } from '@google/genai';
import { generateText, jsonSchema, type ModelMessage, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type AnthropicMock, startAnthropicMock, THINKING } from '../../upstreams/anthropic-mock.js';
import { startVertexMock, type VertexMock } from '../../upstreams/vertex-mock.js';

// Gemini-dialect clients (the official @google/genai SDK and the Vercel AI SDK's Google provider)
// talking to Claude with thinking and tools: what they send back in turn 2 must reach Claude with
// the exact signed thinking block of turn 1 — the whole text and the signature that signs it.

type Json = Record<string, unknown>;

const WEATHER_SCHEMA = {
  type: 'object',
  properties: { location: { type: 'string', description: 'City name' } },
  required: ['location'],
};
const THINKING_BLOCK = { type: 'thinking', thinking: THINKING.thinking, signature: THINKING.signature };

let anthropicMock: AnthropicMock;
let vertexMock: VertexMock;
let px: RunningProxy;

beforeAll(async () => {
  anthropicMock = await startAnthropicMock();
  vertexMock = await startVertexMock({ claudeFixture: 'conversation', geminiFixture: 'conversation' });
  const sa = vertexMock.makeServiceAccount({ projectId: 'kb-test' });
  px = await startProxy({
    accounts: [
      {
        id: 'ant',
        provider: 'anthropic',
        baseUrl: anthropicMock.url,
        apiKey: 'sk-ant-test-upstream',
        models: [{ id: 'claude-direct', upstream: 'claude-sonnet-4-5-20250929' }],
      },
      {
        id: 'vx',
        provider: 'vertex',
        baseUrl: vertexMock.url,
        region: 'us-east5',
        serviceAccount: sa.json,
        models: [{ id: 'claude-vertex', upstream: 'claude-sonnet-4-5@20250929' }],
      },
    ],
  });
});

afterAll(async () => {
  await px?.close();
  await anthropicMock?.close();
  await vertexMock?.close();
});

const upstreams = [
  { name: 'anthropic', model: 'claude-direct', bodies: () => anthropicMock.bodies() },
  {
    name: 'vertex-claude',
    model: 'claude-vertex',
    bodies: () => vertexMock.apiRequests().map((r) => JSON.parse(r.body) as Json),
  },
];

/** The Claude request that carried the tool result (turn 2), checked to be the only one. */
function turnTwo(bodies: Json[]): Json {
  const withResult = bodies.filter((b) =>
    (b.messages as Array<{ content: unknown }>).some(
      (m) => Array.isArray(m.content) && m.content.some((c: Json) => c.type === 'tool_result'),
    ),
  );
  expect(withResult).toHaveLength(1);
  return withResult[0]!;
}

function expectExactReplay(body: Json): void {
  const messages = body.messages as Array<{ role: string; content: Json[] }>;
  expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
  expect(messages).toHaveLength(3);
  expect(messages[1]!.role).toBe('assistant');
  expect(messages[1]!.content).toEqual([
    THINKING_BLOCK,
    { type: 'tool_use', id: expect.any(String), name: 'weather', input: { location: 'Paris' } },
  ]);
}

const genaiTools = [
  {
    functionDeclarations: [
      { name: 'weather', description: 'Weather for a city', parametersJsonSchema: WEATHER_SCHEMA },
    ],
  },
];
const genaiConfig = {
  tools: genaiTools,
  thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
};

/** Two turns with @google/genai; `sendBack` makes what goes back of the model turn's parts. */
async function genaiTwoTurns(
  model: string,
  stream: boolean,
  sendBack: (parts: Part[]) => Part[] = (parts) => parts,
): Promise<string> {
  const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: px.origin } });
  const contents: Content[] = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
  const parts: Part[] = [];
  if (stream) {
    for await (const ch of await ai.models.generateContentStream({ model, contents, config: genaiConfig }))
      parts.push(...(ch.candidates?.[0]?.content?.parts ?? []));
  } else {
    const r = await ai.models.generateContent({ model, contents, config: genaiConfig });
    parts.push(...(r.candidates?.[0]?.content?.parts ?? []));
  }
  const fc = parts.find((p) => p.functionCall)!.functionCall!;
  contents.push({ role: 'model', parts: sendBack(parts) });
  contents.push({
    role: 'user',
    parts: [{ functionResponse: { name: fc.name!, id: fc.id, response: { temperature: 21 } } }],
  });
  const final = await ai.models.generateContent({ model, contents, config: genaiConfig });
  return final.text ?? '';
}

/** Two turns with the Vercel AI SDK's Google provider (streamText or generateText, then generateText). */
async function aiSdkTwoTurns(model: string, stream: boolean): Promise<string> {
  const google = createGoogleGenerativeAI({ baseURL: `${px.origin}/v1beta`, apiKey: 'x' });
  const tools = {
    weather: tool({ description: 'Weather for a city', inputSchema: jsonSchema(WEATHER_SCHEMA) }),
  };
  const providerOptions = {
    google: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
  };
  const messages: ModelMessage[] = [{ role: 'user', content: 'Weather in Paris?' }];
  const args = { model: google(model), messages, tools, providerOptions, maxRetries: 0 };
  let turn: { messages: ModelMessage[] };
  let reasoning: string;
  if (stream) {
    const r = streamText(args);
    await r.consumeStream();
    turn = await r.response;
    reasoning = (await r.reasoningText) ?? '';
  } else {
    const r = await generateText(args);
    turn = r.response;
    reasoning = r.reasoningText ?? '';
  }
  expect(reasoning).toBe(THINKING.thinking);
  // The client itself kept the signature with the thinking it signs.
  const parts = turn.messages.flatMap(
    (m): Array<{ type: string }> => (Array.isArray(m.content) ? m.content : []),
  );
  const kept = parts.find((p) => p.type === 'reasoning') as
    | { providerOptions?: { google?: Json } }
    | undefined;
  expect(kept?.providerOptions?.google?.thoughtSignature).toBe(THINKING.signature);
  const call = parts.find((p) => p.type === 'tool-call') as
    | { type: 'tool-call'; toolCallId: string; toolName: string }
    | undefined;
  expect(call).toBeDefined();
  if (call?.type !== 'tool-call') throw new Error('no tool call');
  const final = await generateText({
    ...args,
    messages: [
      ...messages,
      ...turn.messages,
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            output: { type: 'json', value: { temperature: 21 } },
          },
        ],
      },
    ],
  });
  return final.text;
}

describe.each(upstreams)('Gemini clients → Claude with thinking and tools ($name)', (up) => {
  it.each([true, false])(
    '@google/genai (stream=%s): turn 2 carries the exact signed thinking',
    async (stream) => {
      const before = up.bodies().length;
      const final = await genaiTwoTurns(up.model, stream);
      expect(final.length).toBeGreaterThan(0);
      expectExactReplay(turnTwo(up.bodies().slice(before)));
    },
  );

  it.each([true, false])(
    '@ai-sdk/google (stream=%s): turn 2 carries the exact signed thinking',
    async (stream) => {
      const before = up.bodies().length;
      const final = await aiSdkTwoTurns(up.model, stream);
      expect(final.length).toBeGreaterThan(0);
      expectExactReplay(turnTwo(up.bodies().slice(before)));
    },
  );

  it.each([
    ['drops the thought parts', (parts: Part[]) => parts.filter((p) => !p.thought)],
    [
      'keeps the thoughts but drops their signature',
      (parts: Part[]) => parts.map(({ thoughtSignature: _, ...p }) => p),
    ],
  ])('a client that %s: the proxy’s memory restores the block', async (_what, sendBack) => {
    const before = up.bodies().length;
    const final = await genaiTwoTurns(up.model, true, sendBack);
    expect(final.length).toBeGreaterThan(0);
    expectExactReplay(turnTwo(up.bodies().slice(before)));
  });
});
