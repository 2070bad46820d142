import Anthropic from '@anthropic-ai/sdk';
import { type Content as GenAIContent, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureChunks, fixtureJson } from '../../support/fixtures.js';
import { mockDialectAccounts, type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type AnthropicMock, startAnthropicMock } from '../../upstreams/anthropic-mock.js';
import { type BedrockMock, startBedrockMock } from '../../upstreams/bedrock-mock.js';
import { type GoogleAiMock, startGoogleAiMock } from '../../upstreams/google-ai-mock.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';
import type { MockServer } from '../../upstreams/support.js';
import { startVertexMock, type VertexMock } from '../../upstreams/vertex-mock.js';

// Every client dialect (real SDKs) against every provider (faithful mocks): text, streaming,
// a two-turn tool conversation, images and thinking, converted or passed through.

type Json = Record<string, unknown>;

// ---- what each upstream's captures say, so replies can be checked exactly ----
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
  (
    (r.candidates as
      | Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }>
      | undefined) ?? []
  )
    .flatMap((c) => c.content?.parts ?? [])
    .filter((p) => !p.thought)
    .map((p) => p.text ?? '')
    .join('');
const converseTextOf = (r: Json) =>
  ((r.output as { message?: { content?: Array<{ text?: string }> } } | undefined)?.message?.content ?? [])
    .map((b) => b.text ?? '')
    .join('');
const converseText = {
  whole: converseTextOf(fixtureJson('bedrock/amazon-bedrock-text.json')),
  streamed: fixtureChunks('bedrock/amazon-bedrock-text.chunks.txt')
    .map(
      (l) =>
        (JSON.parse(l) as { contentBlockDelta?: { delta?: { text?: string } } }).contentBlockDelta?.delta
          ?.text ?? '',
    )
    .join(''),
};
const geminiText = {
  whole: geminiTextOf(fixtureJson('gemini/google-text.json')),
  streamed: fixtureChunks('gemini/google-text.chunks.txt')
    .map((l) => geminiTextOf(JSON.parse(l) as Json))
    .join(''),
};

// A 1×1 PNG.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const WEATHER_SCHEMA = {
  type: 'object',
  properties: { location: { type: 'string', description: 'City name' } },
  required: ['location'],
};

interface Upstream {
  name: string;
  model: string;
  text: { whole: string; streamed: string };
  /** The upstream bodies seen, newest last, as text (to look for images and tool results). */
  bodies(): string[];
  thinking: boolean;
}

let openaiMock: OpenAIMock;
let anthropicMock: AnthropicMock;
let vertexMock: VertexMock;
let googleMock: GoogleAiMock;
let bedrockMock: BedrockMock;
let px: RunningProxy;
const mocks: MockServer[] = [];

const upstreams: Upstream[] = [
  {
    name: 'openai-compatible',
    model: 'oa-model',
    text: openaiText,
    bodies: () => openaiMock.chats().map((c) => c.seen.body),
    thinking: false,
  },
  {
    name: 'anthropic',
    model: 'claude-direct',
    text: anthropicText,
    bodies: () => anthropicMock.bodies().map((b) => JSON.stringify(b)),
    thinking: true,
  },
  {
    name: 'vertex-claude',
    model: 'claude-vertex',
    text: anthropicText,
    bodies: () => vertexMock.apiRequests().map((r) => r.body),
    thinking: true,
  },
  {
    name: 'vertex-gemini',
    model: 'gemini-vertex',
    text: geminiText,
    bodies: () => vertexMock.apiRequests().map((r) => r.body),
    thinking: false,
  },
  {
    name: 'google-ai',
    model: 'gemini-studio',
    text: geminiText,
    bodies: () => googleMock.bodies.map((b) => JSON.stringify(b)),
    thinking: false,
  },
  {
    name: 'bedrock-claude',
    model: 'claude-bedrock',
    text: anthropicText,
    bodies: () => bedrockMock.calls.map((c) => c.seen.body),
    thinking: true,
  },
  {
    name: 'bedrock-converse',
    model: 'nova-bedrock',
    text: converseText,
    bodies: () => bedrockMock.calls.map((c) => c.seen.body),
    thinking: false,
  },
];

beforeAll(async () => {
  openaiMock = await startOpenAIMock();
  anthropicMock = await startAnthropicMock();
  vertexMock = await startVertexMock({ claudeFixture: 'conversation', geminiFixture: 'conversation' });
  googleMock = await startGoogleAiMock({ apiKey: 'AIza-test-upstream' });
  bedrockMock = await startBedrockMock({ invokeFixture: 'conversation', converseFixture: 'conversation' });
  mocks.push(openaiMock, anthropicMock, googleMock);
  const sa = vertexMock.makeServiceAccount({ projectId: 'kb-test' });
  const acc = mockDialectAccounts({
    openai: openaiMock.url,
    anthropic: anthropicMock.url,
    vertex: vertexMock.url,
    serviceAccount: sa.json,
    google: googleMock.url,
    vertexExtra: [{ id: 'gemini-vertex', upstream: 'gemini-3-pro-preview' }],
  });
  px = await startProxy({
    accounts: [
      acc.oa,
      acc.ant,
      acc.vx,
      acc.gs,
      {
        id: 'aws',
        provider: 'bedrock',
        baseUrl: bedrockMock.url,
        region: bedrockMock.region,
        ...bedrockMock.credentials[0],
        models: [
          { id: 'claude-bedrock', upstream: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
          { id: 'nova-bedrock', upstream: 'amazon.nova-pro-v1:0' },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await px?.close();
  for (const m of mocks) await m.close();
  await vertexMock?.close();
  await bedrockMock?.close();
});

// ---- the three clients, each driven through its real SDK ----
interface ToolOutcome {
  name: string;
  args: Json;
  /** The final answer after sending the tool result back. */
  final: string;
}
interface Client {
  name: string;
  text(model: string, stream: boolean): Promise<string>;
  tool(model: string, stream: boolean, thinking: boolean): Promise<ToolOutcome>;
  image(model: string): Promise<string>;
  reasoning(model: string): Promise<string>;
}

const openaiClient = (): Client => {
  const c = new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: { name: 'weather', description: 'Weather for a city', parameters: WEATHER_SCHEMA },
    },
  ];
  return {
    name: 'openai',
    async text(model, stream) {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello' }];
      if (!stream)
        return (
          (await c.chat.completions.create({ model, messages, max_tokens: 500 })).choices[0]!.message
            .content ?? ''
        );
      let out = '';
      for await (const ch of await c.chat.completions.create({
        model,
        messages,
        max_tokens: 500,
        stream: true,
      })) {
        out += ch.choices[0]?.delta?.content ?? '';
      }
      return out;
    },
    async tool(model, stream, thinking) {
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const extra = thinking ? { reasoning_effort: 'low' as const } : {};
      let call: { id: string; name: string; args: string };
      if (!stream) {
        const r = await c.chat.completions.create({ model, messages, tools, max_tokens: 2000, ...extra });
        const tc = r.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
        call = { id: tc.id, name: tc.function.name, args: tc.function.arguments };
      } else {
        const acc = { id: '', name: '', args: '' };
        for await (const ch of await c.chat.completions.create({
          model,
          messages,
          tools,
          max_tokens: 2000,
          stream: true,
          ...extra,
        })) {
          for (const tc of ch.choices[0]?.delta?.tool_calls ?? []) {
            if (tc.id) acc.id = tc.id;
            if (tc.function?.name) acc.name += tc.function.name;
            if (tc.function?.arguments) acc.args += tc.function.arguments;
          }
        }
        call = acc;
      }
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.args } }],
      });
      messages.push({ role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' });
      const final = await c.chat.completions.create({ model, messages, tools, max_tokens: 2000, ...extra });
      return {
        name: call.name,
        args: JSON.parse(call.args) as Json,
        final: final.choices[0]!.message.content ?? '',
      };
    },
    async image(model) {
      const r = await c.chat.completions.create({
        model,
        max_tokens: 100,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            ],
          },
        ],
      });
      return r.choices[0]!.message.content ?? '';
    },
    async reasoning(model) {
      let out = '';
      for await (const ch of await c.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Think' }],
        max_tokens: 3000,
        reasoning_effort: 'medium',
        stream: true,
      })) {
        out += (ch.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
      }
      return out;
    },
  };
};

const anthropicClient = (): Client => {
  const c = new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 });
  const tools: Anthropic.Tool[] = [
    {
      name: 'weather',
      description: 'Weather for a city',
      input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema,
    },
  ];
  const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  return {
    name: 'anthropic',
    async text(model, stream) {
      const params = { model, max_tokens: 500, messages: [{ role: 'user' as const, content: 'Hello' }] };
      if (!stream) return textOf(await c.messages.create(params));
      return textOf(await c.messages.stream(params).finalMessage());
    },
    async tool(model, stream, thinking) {
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const extra = thinking ? { thinking: { type: 'enabled' as const, budget_tokens: 1024 } } : {};
      const params = { model, max_tokens: 2000, tools, messages, ...extra };
      const first = stream ? await c.messages.stream(params).finalMessage() : await c.messages.create(params);
      const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
      messages.push({ role: 'assistant', content: first.content });
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"temperature": 21}' }],
      });
      const final = await c.messages.create({ ...params, messages });
      return { name: use.name, args: use.input as Json, final: textOf(final) };
    },
    async image(model) {
      const r = await c.messages.create({
        model,
        max_tokens: 100,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      });
      return textOf(r);
    },
    async reasoning(model) {
      const m = await c.messages
        .stream({
          model,
          max_tokens: 3000,
          thinking: { type: 'enabled', budget_tokens: 1024 },
          messages: [{ role: 'user', content: 'Think' }],
        })
        .finalMessage();
      return m.content.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');
    },
  };
};

const googleClient = (): Client => {
  const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: px.origin } });
  const tools = [
    {
      functionDeclarations: [
        { name: 'weather', description: 'Weather for a city', parametersJsonSchema: WEATHER_SCHEMA },
      ],
    },
  ];
  return {
    name: 'gemini',
    async text(model, stream) {
      if (!stream) return (await ai.models.generateContent({ model, contents: 'Hello' })).text ?? '';
      let out = '';
      for await (const ch of await ai.models.generateContentStream({ model, contents: 'Hello' }))
        out += ch.text ?? '';
      return out;
    },
    async tool(model, stream, thinking) {
      const contents: GenAIContent[] = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
      const config = {
        tools,
        ...(thinking ? { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } } : {}),
      };
      let modelTurn: GenAIContent;
      if (!stream) {
        const r = await ai.models.generateContent({ model, contents, config });
        modelTurn = r.candidates![0]!.content!;
      } else {
        const parts: NonNullable<GenAIContent['parts']> = [];
        for await (const ch of await ai.models.generateContentStream({ model, contents, config }))
          parts.push(...(ch.candidates?.[0]?.content?.parts ?? []));
        modelTurn = { role: 'model', parts };
      }
      const fc = modelTurn.parts!.find((p) => p.functionCall)!.functionCall!;
      contents.push(modelTurn);
      contents.push({
        role: 'user',
        parts: [{ functionResponse: { name: fc.name!, id: fc.id, response: { temperature: 21 } } }],
      });
      const final = await ai.models.generateContent({ model, contents, config });
      return { name: fc.name!, args: (fc.args ?? {}) as Json, final: final.text ?? '' };
    },
    async image(model) {
      const r = await ai.models.generateContent({
        model,
        contents: [
          {
            role: 'user',
            parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }, { text: 'What is this?' }],
          },
        ],
      });
      return r.text ?? '';
    },
    async reasoning(model) {
      let out = '';
      for await (const ch of await ai.models.generateContentStream({
        model,
        contents: 'Think',
        config: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
      })) {
        for (const p of ch.candidates?.[0]?.content?.parts ?? []) if (p.thought) out += p.text ?? '';
      }
      return out;
    },
  };
};

const clients: Array<[string, () => Client]> = [
  ['openai', openaiClient],
  ['anthropic', anthropicClient],
  ['gemini', googleClient],
];

describe.each(clients)('%s client', (_name, make) => {
  describe.each(upstreams.map((u) => [u.name, u] as const))('→ %s', (_u, up) => {
    it('non-streaming text matches the upstream reply', async () => {
      expect(await make().text(up.model, false)).toBe(up.text.whole);
    });

    it('streaming text matches the upstream reply', async () => {
      expect(await make().text(up.model, true)).toBe(up.text.streamed);
    });

    it.each([false, true])('a two-turn tool conversation works (stream=%s)', async (stream) => {
      const before = up.bodies().length;
      const out = await make().tool(up.model, stream, false);
      expect(out.name).toBe('weather');
      expect(typeof out.args.location).toBe('string');
      expect(out.final.length).toBeGreaterThan(0);
      // The upstream really received the tool result in its own format.
      expect(up.bodies().slice(before).join('\n')).toMatch(/temperature/);
    });

    it('an image reaches the upstream as its own image part', async () => {
      const before = up.bodies().length;
      await make().image(up.model);
      expect(up.bodies().slice(before).join('\n')).toContain(PNG);
    });

    it.runIf(up.thinking)(
      'thinking comes back as the client’s reasoning, and survives a tool round trip',
      async () => {
        expect((await make().reasoning(up.model)).length).toBeGreaterThan(50);
        const out = await make().tool(up.model, true, true);
        expect(out.final.length).toBeGreaterThan(0);
      },
    );
  });
});
