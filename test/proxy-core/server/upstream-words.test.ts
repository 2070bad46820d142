import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapAzureError } from '../../../proxy-core/src/providers/azure/map-error.js';
import { mapBedrockError } from '../../../proxy-core/src/providers/bedrock/map-error.js';
import { mapVertexError } from '../../../proxy-core/src/providers/vertex/map-error.js';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type AnthropicMock, startAnthropicMock } from '../../upstreams/anthropic-mock.js';
import { type GoogleAiMock, startGoogleAiMock } from '../../upstreams/google-ai-mock.js';
import { type OpenAIMock, startOpenAIMock } from '../../upstreams/openai-mock.js';

// Upstream messages are kept; our hint goes beside them, never instead. One rate-limit answer per
// provider, through the proxy, to a real client.

let googleMock: GoogleAiMock;
let anthropicMock: AnthropicMock;
let openaiMock: OpenAIMock;
let px: RunningProxy;

beforeAll(async () => {
  googleMock = await startGoogleAiMock({ apiKey: 'AIza-test-upstream' });
  anthropicMock = await startAnthropicMock();
  openaiMock = await startOpenAIMock();
  px = await startProxy({
    accounts: [
      {
        id: 'gs',
        provider: 'google-ai',
        baseUrl: googleMock.url,
        apiKey: 'AIza-test-upstream',
        models: [{ id: 'gemini-quota', upstream: 'quota-model' }],
      },
      {
        id: 'ant',
        provider: 'anthropic',
        baseUrl: anthropicMock.url,
        apiKey: 'sk-ant-test-upstream',
        models: [{ id: 'claude', upstream: 'claude-sonnet-4-5-20250929' }],
      },
      {
        id: 'oa',
        provider: 'openai-compatible',
        baseUrl: `${openaiMock.url}/v1`,
        apiKey: 'sk-test-upstream',
        models: [{ id: 'oa-model', upstream: 'gpt-4.1-nano' }],
      },
    ],
  });
});

afterAll(async () => {
  await px?.close();
  for (const m of [googleMock, anthropicMock, openaiMock]) await m?.close();
});

const openai = () => new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });

async function failure(model: string): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await openai()
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('upstream words reach the client beside our hint', () => {
  it('Google AI Studio 429: Google’s message, our sentence and hint, status and retry-after', async () => {
    const recorded = px.nextRecord();
    const err = await failure('gemini-quota');
    expect(err.status).toBe(429);
    expect(err.message).toContain('You exceeded your current quota, please check your plan.');
    expect(err.message).toContain('Google AI Studio quota used up for quota-model');
    expect(err.headers?.get('retry-after')).toBe('35');
    const rec = await recorded;
    expect(rec.error?.messageRef).toEqual({
      code: 'googleAiQuotaModelSaid',
      params: { model: 'quota-model', detail: 'You exceeded your current quota, please check your plan.' },
    });
    expect(rec.error?.hint).toMatch(/Wait 35 seconds/);
  });

  it('Google AI Studio 429 to a Gemini client keeps Google’s message', async () => {
    const ai = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: px.origin } });
    const err = await ai.models
      .generateContent({ model: 'gemini-quota', contents: 'Hello' })
      .catch((e: unknown) => e as Error);
    expect(String(err)).toContain('You exceeded your current quota, please check your plan.');
  });

  it('Anthropic 429', async () => {
    // Every retry is refused alike, so the client sees the last answer.
    for (let i = 0; i < 6; i++)
      anthropicMock.failNext(
        429,
        'rate_limit_error',
        'Number of request tokens has exceeded your per-minute rate limit',
      );
    const err = await failure('claude');
    expect(err.status).toBe(429);
    expect(err.message).toContain('Number of request tokens has exceeded your per-minute rate limit');
  });

  it('OpenAI-compatible 429', async () => {
    const limited = {
      kind: 'error' as const,
      status: 429,
      body: {
        error: { message: 'Rate limit reached for gpt-4.1-nano on tokens per min (TPM)', type: 'tokens' },
      },
    };
    openaiMock.next(limited, limited, limited, limited, limited, limited);
    const err = await failure('oa-model');
    expect(err.status).toBe(429);
    expect(err.message).toContain('Rate limit reached for gpt-4.1-nano on tokens per min (TPM)');
  });
});

// Azure, Bedrock and Vertex ask to wait seconds between retries: their mapping is checked directly.
describe('upstream words kept by each provider’s error mapping', () => {
  it('Azure 429 and 401', () => {
    const words =
      'Requests to the ChatCompletions_Create Operation have exceeded token rate limit of your current OpenAI S0 pricing tier.';
    const rate = mapAzureError(
      { status: 429, headers: {}, body: JSON.stringify({ error: { code: '429', message: words } }) },
      { account: 'az', upstreamModel: 'dep', deployment: 'dep', now: Date.now() },
    );
    expect(rate.message).toBe(`Azure rate limit reached (Azure said: ${words})`);
    expect(rate.messageRef).toEqual({ code: 'azureRateLimitSaid', params: { detail: words } });
    const key = mapAzureError(
      {
        status: 401,
        headers: {},
        body: JSON.stringify({
          error: { code: '401', message: 'Access denied due to invalid subscription key.' },
        }),
      },
      { account: 'az', upstreamModel: 'dep', deployment: 'dep', now: Date.now() },
    );
    expect(key.message).toContain('Access denied due to invalid subscription key.');
  });

  it('Bedrock throttling', () => {
    const err = mapBedrockError(
      {
        status: 429,
        headers: {
          'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
        },
        body: JSON.stringify({ message: 'Too many tokens, please wait before trying again.' }),
      },
      { accountId: 'aws', region: 'us-east-1', upstreamModel: 'amazon.nova-pro-v1:0', auth: 'keys' },
    );
    expect(err.status).toBe(429);
    expect(err.message).toContain('Bedrock is throttling requests to amazon.nova-pro-v1:0');
    expect(err.message).toContain('Too many tokens, please wait before trying again.');
    expect(err.messageRef?.code).toBe('bedrockThrottledSaid');
  });

  it('Vertex AI quota', () => {
    const words = 'Resource exhausted. Please try again later.';
    const err = mapVertexError(
      {
        status: 429,
        headers: {},
        body: JSON.stringify({ error: { code: 429, message: words, status: 'RESOURCE_EXHAUSTED' } }),
      },
      {
        account: 'vx',
        projectId: 'p',
        region: 'us-east5',
        clientEmail: 'sa@p.iam',
        upstreamModel: 'gemini-2.5-flash',
      },
    );
    expect(err.message).toContain('Vertex AI quota is used up for gemini-2.5-flash in us-east5');
    expect(err.message).toContain(words);
    expect(err.messageRef?.code).toBe('vertexQuotaSaid');
  });
});
