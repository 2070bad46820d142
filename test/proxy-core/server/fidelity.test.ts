import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI, Type } from '@google/genai';
import { generateObject, jsonSchema, streamObject } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type AnthropicMock, sampleFor, startAnthropicMock } from '../../upstreams/anthropic-mock.js';
import { type BedrockMock, startBedrockMock } from '../../upstreams/bedrock-mock.js';
import { type GoogleAiMock, startGoogleAiMock } from '../../upstreams/google-ai-mock.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';
import { startVertexMock, type VertexMock } from '../../upstreams/vertex-mock.js';

// Structured output to Claude and nothing dropped in silence, driven by the real SDKs through
// the proxy to recording mocks that check what the real services check.

type Json = Record<string, unknown>;

const HEADER = 'x-keybridge-dropped-params';
const CITY_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    celsius: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['city', 'celsius', 'tags'],
};
const CITY = sampleFor(CITY_SCHEMA);

let anthropicMock: AnthropicMock;
let vertexMock: VertexMock;
let bedrockMock: BedrockMock;
let openaiMock: OpenAIMock;
let googleMock: GoogleAiMock;
let px: RunningProxy;

beforeAll(async () => {
  anthropicMock = await startAnthropicMock({
    models: ['claude-sonnet-4-5-20250929', 'claude-3-5-haiku-20241022'],
  });
  vertexMock = await startVertexMock({ claudeFixture: 'conversation', geminiFixture: 'conversation' });
  bedrockMock = await startBedrockMock({ invokeFixture: 'conversation', converseFixture: 'conversation' });
  openaiMock = await startOpenAIMock();
  googleMock = await startGoogleAiMock({ apiKey: 'AIza-test-upstream' });
  const sa = vertexMock.makeServiceAccount({ projectId: 'kb-test' });
  const ant = { provider: 'anthropic', baseUrl: anthropicMock.url, apiKey: 'sk-ant-test-upstream' };
  px = await startProxy({
    accounts: [
      {
        id: 'ant',
        ...ant,
        models: [
          { id: 'claude-new', upstream: 'claude-sonnet-4-5-20250929' },
          { id: 'claude-old', upstream: 'claude-3-5-haiku-20241022' },
        ],
      },
      {
        id: 'strict',
        ...ant,
        unsupportedParams: 'refuse',
        models: [{ id: 'claude-strict', upstream: 'claude-sonnet-4-5-20250929' }],
      },
      {
        id: 'vx',
        provider: 'vertex',
        baseUrl: vertexMock.url,
        region: 'us-east5',
        serviceAccount: sa.json,
        models: [
          { id: 'claude-vertex', upstream: 'claude-sonnet-4-5@20250929' },
          { id: 'gemini-vertex', upstream: 'gemini-2.5-flash' },
        ],
      },
      {
        id: 'aws',
        provider: 'bedrock',
        baseUrl: bedrockMock.url,
        region: bedrockMock.region,
        ...bedrockMock.credentials[0],
        models: [
          { id: 'claude-bedrock-old', upstream: 'anthropic.claude-3-haiku-20240307-v1:0' },
          { id: 'claude-bedrock-new', upstream: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
          { id: 'nova-bedrock', upstream: 'amazon.nova-pro-v1:0' },
        ],
      },
      {
        id: 'oa',
        provider: 'openai-compatible',
        baseUrl: `${openaiMock.url}/v1`,
        apiKey: 'sk-test-upstream',
        models: [{ id: 'oa-model', upstream: 'gpt-4.1-nano' }],
      },
      {
        id: 'gs',
        provider: 'google-ai',
        baseUrl: googleMock.url,
        apiKey: 'AIza-test-upstream',
        models: [{ id: 'gemini-studio', upstream: 'gemini-2.5-flash' }],
      },
    ],
    models: [
      {
        // A strict Claude account first, an OpenAI-compatible one (which takes seed) behind it.
        id: 'strict-then-open',
        routes: [
          { account: 'strict', model: 'claude-sonnet-4-5-20250929' },
          { account: 'oa', model: 'gpt-4.1-nano' },
        ],
      },
    ],
  });
});

afterAll(async () => {
  await px?.close();
  await anthropicMock?.close();
  await vertexMock?.close();
  await bedrockMock?.close();
  await openaiMock?.close();
  await googleMock?.close();
});

const openai = () => new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });
const genai = () => new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: px.origin } });
const lastAnthropic = () => anthropicMock.bodies().at(-1)!;
const lastVertex = () => JSON.parse(vertexMock.apiRequests().at(-1)!.body) as Json;
const lastBedrock = () => bedrockMock.calls.at(-1)!.body as Json;

const jsonSchemaFormat = {
  type: 'json_schema' as const,
  json_schema: { name: 'city_report', schema: CITY_SCHEMA, strict: true },
};

/** Asks an OpenAI client for a city report, whole or streamed: the content text and finish reason. */
async function openaiJson(
  model: string,
  stream: boolean,
  format: OpenAI.ChatCompletionCreateParams['response_format'] = jsonSchemaFormat,
): Promise<{ content: string; finish: string | null }> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'user', content: 'Weather in Paris as JSON' },
  ];
  if (!stream) {
    const r = await openai().chat.completions.create({ model, messages, response_format: format });
    return { content: r.choices[0]!.message.content ?? '', finish: r.choices[0]!.finish_reason };
  }
  let content = '';
  let finish: string | null = null;
  const s = await openai().chat.completions.create({
    model,
    messages,
    response_format: format,
    stream: true,
  });
  for await (const ch of s) {
    expect(ch.choices[0]?.delta?.tool_calls).toBeUndefined();
    content += ch.choices[0]?.delta?.content ?? '';
    finish = ch.choices[0]?.finish_reason ?? finish;
  }
  return { content, finish };
}

describe('structured output to Claude', () => {
  for (const stream of [false, true]) {
    const how = stream ? 'streamed' : 'whole';

    it(`OpenAI json_schema → Claude 4.5 on Anthropic uses native output_config.format (${how})`, async () => {
      const { content, finish } = await openaiJson('claude-new', stream);
      expect(JSON.parse(content)).toEqual(CITY);
      expect(finish).toBe('stop');
      const body = lastAnthropic();
      expect(body.output_config).toEqual({
        format: {
          type: 'json_schema',
          schema: {
            ...CITY_SCHEMA,
            additionalProperties: false,
          },
        },
      });
      expect(body.tools).toBeUndefined();
    });

    it(`OpenAI json_schema → older Claude gets a forced tool, answered as text (${how})`, async () => {
      const { content, finish } = await openaiJson('claude-old', stream);
      expect(JSON.parse(content)).toEqual(CITY);
      expect(finish).toBe('stop');
      const body = lastAnthropic();
      expect(body.output_config).toBeUndefined();
      const tools = body.tools as Json[];
      expect(tools).toHaveLength(1);
      expect(tools[0]!.input_schema).toEqual(CITY_SCHEMA);
      expect(body.tool_choice).toEqual({ type: 'tool', name: tools[0]!.name });
    });

    it(`OpenAI json_schema whose top level is an array → older Claude: the answer is the array (${how})`, async () => {
      const list = { type: 'array', items: { type: 'string' } };
      const { content, finish } = await openaiJson('claude-old', stream, {
        type: 'json_schema',
        json_schema: { name: 'cities', schema: list },
      });
      expect(JSON.parse(content)).toEqual(sampleFor(list));
      expect(finish).toBe('stop');
      const tools = lastAnthropic().tools as Json[];
      // A tool's input must be an object: the array rides in one member of it.
      expect(tools[0]!.input_schema).toMatchObject({ type: 'object', properties: { value: list } });
    });

    it(`OpenAI json_object → Claude: a forced tool taking any object (${how})`, async () => {
      const { content } = await openaiJson('claude-new', stream, { type: 'json_object' });
      expect(JSON.parse(content)).toEqual({});
      const body = lastAnthropic();
      const tools = body.tools as Json[];
      expect(tools[0]!.input_schema).toEqual({ type: 'object', additionalProperties: true });
      expect(body.tool_choice).toEqual({ type: 'tool', name: tools[0]!.name });
    });

    it(`Gemini responseSchema → Claude on Vertex: forced tool, JSON as the text part (${how})`, async () => {
      const config = {
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.OBJECT,
          properties: {
            city: { type: Type.STRING },
            celsius: { type: Type.NUMBER },
            tags: { type: Type.ARRAY, items: { type: Type.STRING } },
          },
          required: ['city', 'celsius', 'tags'],
        },
      };
      const contents = 'Weather in Paris as JSON';
      let text = '';
      if (!stream) {
        const r = await genai().models.generateContent({ model: 'claude-vertex', contents, config });
        expect(r.functionCalls).toBeUndefined();
        text = r.text ?? '';
      } else {
        for await (const ch of await genai().models.generateContentStream({
          model: 'claude-vertex',
          contents,
          config,
        })) {
          expect(ch.functionCalls).toBeUndefined();
          text += ch.text ?? '';
        }
      }
      expect(JSON.parse(text)).toEqual(CITY);
      const body = lastVertex();
      // Vertex gates native structured output behind an organisation policy: the forced tool works everywhere.
      expect(body.output_config).toBeUndefined();
      const tool = (body.tools as Json[])[0]!;
      expect(tool.input_schema).toMatchObject({ type: 'object', required: ['city', 'celsius', 'tags'] });
      expect(body.tool_choice).toEqual({ type: 'tool', name: tool.name });
    });

    it(`Gemini responseJsonSchema → Claude 4.5 on Bedrock InvokeModel: native format (${how})`, async () => {
      const config = { responseMimeType: 'application/json', responseJsonSchema: CITY_SCHEMA };
      const contents = 'Weather in Paris as JSON';
      let text = '';
      if (!stream) {
        text =
          (await genai().models.generateContent({ model: 'claude-bedrock-new', contents, config })).text ??
          '';
      } else {
        for await (const ch of await genai().models.generateContentStream({
          model: 'claude-bedrock-new',
          contents,
          config,
        }))
          text += ch.text ?? '';
      }
      expect(JSON.parse(text)).toEqual(CITY);
      const body = lastBedrock();
      expect((body.output_config as Json).format).toMatchObject({ type: 'json_schema' });
    });

    it(`OpenAI json_schema → Claude 3 on Bedrock InvokeModel: forced tool (${how})`, async () => {
      const { content } = await openaiJson('claude-bedrock-old', stream);
      expect(JSON.parse(content)).toEqual(CITY);
      const body = lastBedrock();
      expect(body.tool_choice).toMatchObject({ type: 'tool' });
    });
  }

  it('a forced answer tool turns thinking off for that call, and says so', async () => {
    const r = await openai()
      .chat.completions.create({
        model: 'claude-old',
        messages: [{ role: 'user', content: 'Weather in Paris as JSON' }],
        response_format: jsonSchemaFormat,
        reasoning_effort: 'low',
      })
      .withResponse();
    expect(JSON.parse(r.data.choices[0]!.message.content ?? '')).toEqual(CITY);
    expect(lastAnthropic().thinking).toBeUndefined();
    expect(r.response.headers.get(HEADER)).toBe('reasoning_effort');
  });
});

describe('structured output to Claude from the Vercel AI SDK', () => {
  const compatible = () =>
    createOpenAICompatible({
      name: 'keybridge',
      baseURL: `${px.origin}/v1`,
      apiKey: 'x',
      supportsStructuredOutputs: true,
    });
  const google = () => createGoogleGenerativeAI({ baseURL: `${px.origin}/v1beta`, apiKey: 'x' });
  const schema = jsonSchema<typeof CITY>(CITY_SCHEMA);
  const prompt = 'Weather in Paris as JSON';

  it('@ai-sdk/openai-compatible generateObject → older Claude (forced tool)', async () => {
    const { object } = await generateObject({
      model: compatible()('claude-old'),
      schema,
      prompt,
      maxRetries: 0,
    });
    expect(object).toEqual(CITY);
    expect(lastAnthropic().tool_choice).toMatchObject({ type: 'tool' });
  });

  it('@ai-sdk/openai-compatible streamObject → Claude 4.5 (native)', async () => {
    const result = streamObject({ model: compatible()('claude-new'), schema, prompt, maxRetries: 0 });
    for await (const _ of result.partialObjectStream) {
      // the object is complete when the stream is
    }
    expect(await result.object).toEqual(CITY);
    expect((lastAnthropic().output_config as Json).format).toMatchObject({ type: 'json_schema' });
  });

  it('@ai-sdk/google generateObject and streamObject → Claude on Vertex', async () => {
    const { object } = await generateObject({
      model: google()('claude-vertex'),
      schema,
      prompt,
      maxRetries: 0,
    });
    expect(object).toEqual(CITY);
    const streamed = streamObject({ model: google()('claude-vertex'), schema, prompt, maxRetries: 0 });
    for await (const _ of streamed.partialObjectStream) {
      // the object is complete when the stream is
    }
    expect(await streamed.object).toEqual(CITY);
    expect(lastVertex().tool_choice).toMatchObject({ type: 'tool' });
  });
});

describe('structured output from Anthropic clients', () => {
  const ask = (model: string) =>
    new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 }).messages
      .create({
        model,
        max_tokens: 200,
        messages: [{ role: 'user', content: 'Weather in Paris as JSON' }],
        // Typed loosely: older SDK versions do not list output_config.format.
        ...({ output_config: { format: { type: 'json_schema', schema: CITY_SCHEMA } } } as object),
      })
      .withResponse();

  it('output_config.format → Gemini responseJsonSchema', async () => {
    const r = await ask('gemini-studio');
    expect(r.response.headers.get(HEADER)).toBeNull();
    const gc = (googleMock.bodies.at(-1) as Json).generationConfig as Json;
    expect(gc.responseMimeType).toBe('application/json');
    expect(gc.responseJsonSchema).toMatchObject({ type: 'object', required: ['city', 'celsius', 'tags'] });
  });

  it('output_config.format → OpenAI response_format json_schema', async () => {
    await ask('oa-model');
    const sent = JSON.parse(openaiMock.chats().at(-1)!.seen.body) as Json;
    expect(sent.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: CITY_SCHEMA },
    });
  });
});

describe('nothing dropped in silence', () => {
  it('OpenAI → Claude: seed, penalties and logit_bias are named in the header and the record', async () => {
    const recorded = px.nextRecord();
    const r = await openai()
      .chat.completions.create({
        model: 'claude-new',
        messages: [{ role: 'user', content: 'Hello' }],
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: 0.3,
        logit_bias: { '50256': -100 },
        temperature: 0.4,
      })
      .withResponse();
    expect(r.data.choices[0]!.message.content).toBeTruthy();
    expect(r.response.headers.get(HEADER)).toBe('logit_bias, seed, presence_penalty, frequency_penalty');
    expect((await recorded).droppedParams).toEqual([
      'logit_bias',
      'seed',
      'presence_penalty',
      'frequency_penalty',
    ]);
    const body = lastAnthropic();
    expect(body.temperature).toBe(0.4);
    for (const k of ['seed', 'presence_penalty', 'frequency_penalty', 'logit_bias'])
      expect(body).not.toHaveProperty(k);
  });

  it('OpenAI → Claude streamed: the header comes with the stream', async () => {
    const s = await openai()
      .chat.completions.create({
        model: 'claude-new',
        messages: [{ role: 'user', content: 'Hello' }],
        seed: 7,
        stream: true,
      })
      .withResponse();
    let text = '';
    for await (const ch of s.data) text += ch.choices[0]?.delta?.content ?? '';
    expect(text).toBeTruthy();
    expect(s.response.headers.get(HEADER)).toBe('seed');
  });

  it('Gemini → Claude: seed and penalties in the Gemini names', async () => {
    const r = await fetch(`${px.origin}/v1beta/models/claude-vertex:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
        generationConfig: { seed: 3, presencePenalty: 0.2, frequencyPenalty: 0.1 },
      }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get(HEADER)).toBe('seed, presencePenalty, frequencyPenalty');
  });

  it('Anthropic → OpenAI-compatible: top_k is named', async () => {
    const c = new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 });
    const r = await c.messages
      .create({
        model: 'oa-model',
        max_tokens: 100,
        // The SDK's types no longer list top_k; clients such as SillyTavern still send it.
        ...({ top_k: 40 } as object),
        messages: [{ role: 'user', content: 'Hello' }],
      })
      .withResponse();
    expect(r.response.headers.get(HEADER)).toBe('top_k');
    expect(JSON.parse(openaiMock.chats().at(-1)!.seen.body)).not.toHaveProperty('top_k');
  });

  it('OpenAI → Google AI Studio: user is named; seed and penalties are sent', async () => {
    const r = await openai()
      .chat.completions.create({
        model: 'gemini-studio',
        messages: [{ role: 'user', content: 'Hello' }],
        seed: 7,
        presence_penalty: 0.5,
        user: 'someone',
      })
      .withResponse();
    expect(r.response.headers.get(HEADER)).toBe('user');
    const gc = (googleMock.bodies.at(-1) as Json).generationConfig as Json;
    expect(gc).toMatchObject({ seed: 7, presencePenalty: 0.5 });
  });

  it('Gemini → Vertex Gemini passes through: nothing is named', async () => {
    const r = await fetch(`${px.origin}/v1beta/models/gemini-vertex:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
        generationConfig: { seed: 3 },
        cachedContent: 'cachedContents/abc',
      }),
    });
    await r.text();
    expect(r.headers.get(HEADER)).toBeNull();
  });

  it('Gemini → Claude: cachedContent and built-in tools are named', async () => {
    const r = await fetch(`${px.origin}/v1beta/models/claude-new:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
        tools: [{ googleSearch: {} }],
        cachedContent: 'cachedContents/abc',
      }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get(HEADER)).toBe('cachedContent, tools.googleSearch');
  });

  it('OpenAI → Bedrock Converse (Nova): seed, penalties and response_format are named', async () => {
    const r = await openai()
      .chat.completions.create({
        model: 'nova-bedrock',
        messages: [{ role: 'user', content: 'Hello' }],
        seed: 7,
        frequency_penalty: 0.2,
        response_format: { type: 'json_object' },
      })
      .withResponse();
    expect(r.response.headers.get(HEADER)).toBe('seed, frequency_penalty, response_format');
    expect(lastBedrock()).not.toHaveProperty('seed');
  });

  it('OpenAI → OpenAI-compatible passes through: nothing is named', async () => {
    const r = await openai()
      .chat.completions.create({ model: 'oa-model', messages: [{ role: 'user', content: 'Hello' }], seed: 7 })
      .withResponse();
    expect(r.response.headers.get(HEADER)).toBeNull();
    expect(JSON.parse(openaiMock.chats().at(-1)!.seen.body).seed).toBe(7);
  });

  it('an account set to refuse answers 400 in the client dialect, naming the parameter and the model', async () => {
    const before = anthropicMock.bodies().length;
    const recorded = px.nextRecord();
    const err = await openai()
      .chat.completions.create({
        model: 'claude-strict',
        messages: [{ role: 'user', content: 'Hello' }],
        seed: 7,
        presence_penalty: 0.5,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.message).toContain('seed, presence_penalty');
    expect(e.message).toContain('claude-sonnet-4-5-20250929');
    expect(anthropicMock.bodies().length).toBe(before);
    const rec = await recorded;
    expect(rec.status).toBe(400);
    expect(rec.error?.messageRef?.code).toBe('paramsRefused');
  });

  it('a refusing account passes the request to the next route, which can take the parameter', async () => {
    const before = anthropicMock.bodies().length;
    const recorded = px.nextRecord();
    const r = await openai().chat.completions.create({
      model: 'strict-then-open',
      messages: [{ role: 'user', content: 'Hello' }],
      seed: 7,
    });
    expect(r.choices[0]!.message.content).toBeTruthy();
    expect(anthropicMock.bodies().length).toBe(before);
    expect(openaiMock.chats().at(-1)?.body).toMatchObject({ model: 'gpt-4.1-nano', seed: 7 });
    const rec = await recorded;
    expect(rec.status).toBe(200);
    expect(rec.account).toBe('oa');
    expect(rec.droppedParams).toBeUndefined();
  });

  it('an account set to refuse serves a request that needs nothing dropped', async () => {
    const r = await openai().chat.completions.create({
      model: 'claude-strict',
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 0.2,
    });
    expect(r.choices[0]!.message.content).toBeTruthy();
  });

  it('a Gemini client refused gets a Gemini error naming seed', async () => {
    const r = await fetch(`${px.origin}/v1beta/models/claude-strict:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
        generationConfig: { seed: 3 },
      }),
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: number; message: string; status: string } };
    expect(body.error.code).toBe(400);
    expect(body.error.message).toContain('does not take seed');
  });
});
