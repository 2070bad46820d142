import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, rawRequest, startProxy } from '../../support/proxy-harness.js';
import { type AnthropicMock, startAnthropicMock } from '../../upstreams/anthropic-mock.js';
import { type GoogleAiMock, startGoogleAiMock } from '../../upstreams/google-ai-mock.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';

let anthropic: AnthropicMock;
let openai: OpenAIMock;
let google: GoogleAiMock;
let px: RunningProxy;

beforeAll(async () => {
  anthropic = await startAnthropicMock();
  openai = await startOpenAIMock();
  google = await startGoogleAiMock({ apiKey: 'AIza-test-upstream' });
  px = await startProxy({
    accounts: [
      {
        id: 'gs',
        provider: 'google-ai',
        baseUrl: google.url,
        apiKey: 'AIza-test-upstream',
        models: ['gemini-2.5-pro'],
      },
      {
        id: 'ant',
        provider: 'anthropic',
        baseUrl: anthropic.url,
        apiKey: 'sk-ant-test-upstream',
        models: [{ id: 'sonnet', upstream: 'claude-sonnet-4-5-20250929' }],
      },
      {
        id: 'oa',
        provider: 'openai-compatible',
        baseUrl: `${openai.url}/v1`,
        apiKey: 'sk-test-upstream',
        models: ['gpt-4.1-nano'],
      },
    ],
  });
});
afterAll(async () => {
  await px?.close();
  await anthropic?.close();
  await openai?.close();
  await google?.close();
});

describe('POST /v1/messages/count_tokens', () => {
  const client = () => new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 });

  it('asks the Anthropic account and returns its count', async () => {
    const res = await client().messages.countTokens({
      model: 'sonnet',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(res.input_tokens).toBeGreaterThan(0);
    const sent = anthropic.seen.at(-1)!;
    expect(sent.url).toBe('/v1/messages/count_tokens');
    expect(JSON.parse(sent.body).model).toBe('claude-sonnet-4-5-20250929');
  });

  it('says plainly when the model’s provider cannot count tokens', async () => {
    const err = (await client()
      .messages.countTokens({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Hello' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(err.status).toBe(501);
    expect(err.message).toMatch(/Token counting is not available/);
  });
});

describe('Gemini countTokens', () => {
  it('asks Google AI Studio, with a system instruction carried in the whole request', async () => {
    const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: px.origin } });
    const plain = await ai.models.countTokens({ model: 'gemini-2.5-pro', contents: 'Hello there' });
    expect(plain.totalTokens).toBeGreaterThan(0);
    // SillyTavern sends the system prompt along; Google wants it inside a whole generateContentRequest.
    const withSystem = await rawRequest(px.origin, {
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-pro:countTokens',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
        systemInstruction: { parts: [{ text: 'Be terse.' }] },
      }),
    });
    expect(withSystem.status).toBe(200);
    expect((withSystem.json() as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
    const last = JSON.parse(google.seen.at(-1)!.body) as { generateContentRequest?: { model?: string } };
    expect(last.generateContentRequest?.model).toBe('models/gemini-2.5-pro');
  });
});

describe('token counting and spend limits', () => {
  it('an account over its limit still counts tokens (counting costs nothing), while a reply is refused', async () => {
    const p = await startProxy({
      accounts: [
        {
          id: 'ant-limited',
          provider: 'anthropic',
          baseUrl: anthropic.url,
          apiKey: 'sk-ant-test-upstream',
          models: [{ id: 'sonnet', upstream: 'claude-sonnet-4-5-20250929' }],
          limits: { dailyTokens: 1 },
        },
      ],
    });
    try {
      const client = new Anthropic({ baseURL: p.origin, apiKey: 'x', maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'Hello there' }];
      await client.messages.create({ model: 'sonnet', max_tokens: 16, messages });
      // The one reply used the account's whole daily token allowance.
      const refused = (await client.messages
        .create({ model: 'sonnet', max_tokens: 16, messages })
        .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
      expect(refused.status).toBe(429);
      const counted = await client.messages.countTokens({ model: 'sonnet', messages });
      expect(counted.input_tokens).toBeGreaterThan(0);
      expect(anthropic.seen.at(-1)!.url).toBe('/v1/messages/count_tokens');
    } finally {
      await p.close();
    }
  });
});
