import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type BedrockMock, startBedrockMock } from '../../upstreams/bedrock-mock.js';

// Anthropic clients' count_tokens on Claude through Bedrock's CountTokens API: signed like every
// Bedrock call (the mock verifies SigV4), the foundation model in the path, the InvokeModel body
// it would count in the request, and the count in Anthropic's shape back.

let bedrock: BedrockMock;
let px: RunningProxy;

beforeAll(async () => {
  bedrock = await startBedrockMock();
  px = await startProxy({
    accounts: [
      {
        id: 'aws',
        provider: 'bedrock',
        baseUrl: bedrock.url,
        region: bedrock.region,
        ...bedrock.credentials[0],
        models: [
          { id: 'claude-profile', upstream: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
          { id: 'claude-haiku', upstream: 'anthropic.claude-3-haiku-20240307-v1:0' },
          { id: 'nova', upstream: 'amazon.nova-pro-v1:0' },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await px?.close();
  await bedrock?.close();
});

const client = () => new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 });

describe('count_tokens on Bedrock Claude', () => {
  it('counts through CountTokens for the foundation model behind a profile', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello there, how are you today?' }];
    const system = 'You are terse.';
    const res = await client().messages.countTokens({ model: 'claude-profile', system, messages });
    const call = bedrock.calls.at(-1)!;
    expect(call.operation).toBe('count-tokens');
    expect(call.auth).toBe('sigv4');
    expect(call.modelId).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(call.seen.url).toBe('/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens');
    const input = (call.body!.input as { invokeModel: { body: string } }).invokeModel.body;
    const invoke = JSON.parse(Buffer.from(input, 'base64').toString('utf8')) as Record<string, unknown>;
    expect(invoke).toMatchObject({ anthropic_version: 'bedrock-2023-05-31', system, messages });
    expect(invoke).not.toHaveProperty('model');
    const expected = Math.ceil(JSON.stringify({ system, messages }).length / 4);
    expect(res).toEqual({ input_tokens: expected });
    expect(bedrock.rejected).toHaveLength(0);
  });

  it('counts for a foundation model id given as is', async () => {
    const res = await client().messages.countTokens({
      model: 'claude-haiku',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.input_tokens).toBeGreaterThan(0);
    expect(bedrock.calls.at(-1)!.modelId).toBe('anthropic.claude-3-haiku-20240307-v1:0');
  });

  it('a model Bedrock cannot count for says so instead of guessing', async () => {
    const err = await client()
      .messages.countTokens({ model: 'nova', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(501);
  });
});
