import { randomBytes } from 'node:crypto';
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyError } from '../../../../proxy-core/src/canonical/errors.js';
import {
  AZURE_DEFAULT_API_VERSION,
  type AzureAccountInput,
  azureAccountSchema,
  parseAzureEndpoint,
} from '../../../../proxy-core/src/providers/azure/config.js';
import { createAzureProvider, editChatBody } from '../../../../proxy-core/src/providers/azure/index.js';
import type { ChatCall, Provider } from '../../../../proxy-core/src/providers/types.js';
import type { HttpClient } from '../../../../proxy-core/src/transport/http-client.js';
import {
  createUndiciHttpClient,
  readBodyText,
} from '../../../../proxy-core/src/transport/undici-http-client.js';
import { fixtureChunks } from '../../../support/fixtures.js';
import { AZURE_STREAM_FIXTURE, startAzureMock } from '../../../upstreams/azure-mock.js';
import type { MockServer } from '../../../upstreams/support.js';

const apiKey = randomBytes(24).toString('hex');
const deployments = {
  'my-gpt4o': 'gpt-4o',
  'my-nano': 'gpt-5-nano',
  'filtered-dep': 'gpt-4o',
  'throttled-dep': 'gpt-4o',
  'my-reasoner': 'o-custom',
};
let mock: MockServer;
let http: HttpClient;

beforeAll(async () => {
  mock = await startAzureMock({
    apiKey,
    deployments,
    behaviour: { 'filtered-dep': 'filtered', 'throttled-dep': 'throttled', 'my-reasoner': 'reasoning' },
  });
  http = createUndiciHttpClient();
});
afterAll(async () => {
  await http.close();
  await mock.close();
});

function provider(over: Partial<AzureAccountInput> = {}): Provider {
  const account = azureAccountSchema.parse({
    id: 'azure-east',
    provider: 'azure',
    endpoint: mock.url,
    apiKey,
    deployments,
    ...over,
  });
  return createAzureProvider(account, { http, now: Date.now, baseDir: '.' });
}

const chat = (over: Partial<ChatCall> = {}): ChatCall => ({
  upstreamModel: 'my-gpt4o',
  stream: false,
  body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 },
  ...over,
});

async function callThrough(p: Provider, call: ChatCall) {
  const req = await p.prepareChat(call);
  const res = await http.send(req);
  if (res.status !== 200) {
    const body = await readBodyText(res.body);
    return {
      req,
      error: p.mapError(
        { status: res.status, headers: res.headers, body },
        { upstreamModel: call.upstreamModel },
      ),
    };
  }
  return { req, res };
}

function sdk(): AzureOpenAI {
  return new AzureOpenAI({
    endpoint: mock.url,
    apiKey,
    apiVersion: AZURE_DEFAULT_API_VERSION,
    maxRetries: 0,
  });
}

describe('the Azure mock speaks Azure (checked with the real openai AzureOpenAI client)', () => {
  it('answers a non-streaming chat and streams the captured Azure chunks', async () => {
    const client = sdk();
    const done = await client.chat.completions.create({
      model: 'my-gpt4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(done.choices[0]?.message.content).toContain('Galaxy Day');

    const stream = await client.chat.completions.create({
      model: 'my-gpt4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]?.choices).toEqual([]);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Capital of Denmark.');
  });

  it('rejects a wrong key and an unknown deployment as Azure does', async () => {
    const bad = new AzureOpenAI({
      endpoint: mock.url,
      apiKey: 'nope',
      apiVersion: AZURE_DEFAULT_API_VERSION,
      maxRetries: 0,
    });
    await expect(bad.chat.completions.create({ model: 'my-gpt4o', messages: [] })).rejects.toMatchObject({
      status: 401,
    });
    await expect(sdk().chat.completions.create({ model: 'nope', messages: [] })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('Azure provider: prepareChat', () => {
  it('builds the same request the official SDK builds (path, api-version, api-key)', async () => {
    const before = mock.seen.length;
    await sdk().chat.completions.create({ model: 'my-gpt4o', messages: [{ role: 'user', content: 'Hi' }] });
    const fromSdk = mock.seen[before]!;

    const p = provider();
    const { req, res } = await callThrough(p, chat());
    expect(res?.status).toBe(200);
    const ours = mock.seen[mock.seen.length - 1]!;
    expect(ours.url).toBe(fromSdk.url);
    expect(ours.headers['api-key']).toBe(fromSdk.headers['api-key']);
    expect(req.url).toBe(
      `${mock.url}/openai/deployments/my-gpt4o/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`,
    );
    expect(JSON.parse(ours.body).model).toBe('my-gpt4o');
    expect(ours.headers.authorization).toBeUndefined();
  });

  it('streams the captured Azure chunks through readStream, empty first chunk included', async () => {
    const p = provider();
    const { res } = await callThrough(p, chat({ stream: true, body: { messages: [], stream: true } }));
    expect(res?.status).toBe(200);
    const events: string[] = [];
    for await (const ev of p.readStream(res!.body)) events.push(ev.data);
    expect(events).toEqual([...fixtureChunks(AZURE_STREAM_FIXTURE), '[DONE]']);
    expect(JSON.parse(events[0]!)).toMatchObject({
      choices: [],
      prompt_filter_results: [{ prompt_index: 0 }],
    });
    expect(p.rawStreamPassthrough).toBe(true);
    expect(p.wireFor('my-gpt4o')).toBe('openai');
  });

  it('routes a model name to its deployment and uses max_completion_tokens for reasoning models', async () => {
    const p = provider();
    const { req, res } = await callThrough(p, chat({ upstreamModel: 'gpt-5-nano' }));
    expect(res?.status).toBe(200);
    expect(req.url).toContain('/openai/deployments/my-nano/chat/completions');
    const sent = JSON.parse(String(req.body));
    expect(sent.model).toBe('my-nano');
    expect(sent.max_completion_tokens).toBe(50);
    expect(sent.max_tokens).toBeUndefined();

    const plain = JSON.parse(String((await p.prepareChat(chat())).body));
    expect(plain.max_tokens).toBe(50);
    expect(plain.max_completion_tokens).toBeUndefined();
  });

  it('keeps everything else the client sent', () => {
    const body = {
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.7,
      logit_bias: { 1: 2 },
      user: 'u',
    };
    expect(editChatBody(body, 'dep', 'gpt-4o')).toEqual({ ...body, model: 'dep' });
  });

  it('uses the v1 path with the deployment in the body when configured', async () => {
    const p = provider({ api: 'v1' });
    const { req, res } = await callThrough(p, chat());
    expect(res?.status).toBe(200);
    expect(req.url).toBe(`${mock.url}/openai/v1/chat/completions`);
    expect(JSON.parse(String(req.body)).model).toBe('my-gpt4o');
  });

  it('takes deployment and api-version from a full URL pasted from the portal', async () => {
    const pasted = `${mock.url}/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21`;
    const p = provider({ endpoint: pasted, deployments: [] });
    const { req, res } = await callThrough(p, chat());
    expect(res?.status).toBe(200);
    expect(req.url).toBe(`${mock.url}/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21`);
    const listing = await p.listModels();
    expect(listing.models.map((m) => m.id)[0]).toBe('my-gpt4o');
  });
});

describe('Azure provider: errors users can act on', () => {
  it('wrong key → authentication error naming key and endpoint', async () => {
    const { error } = await callThrough(provider({ apiKey: 'wrong-key' }), chat());
    expect(error).toMatchObject({ kind: 'authentication', status: 401 });
    expect(error?.hint).toMatch(/Keys and Endpoint/);
  });

  it('unknown deployment → "check the deployment name"', async () => {
    const { error } = await callThrough(provider(), chat({ upstreamModel: 'gpt4o-typo' }));
    expect(error).toMatchObject({ kind: 'not_found', code: 'deployment_not_found' });
    expect(error?.message).toContain('"gpt4o-typo"');
    expect(error?.hint).toMatch(/deployment name/);
  });

  it('content filter → a content-filter error naming the category, not a crash', async () => {
    const { error } = await callThrough(provider(), chat({ upstreamModel: 'filtered-dep' }));
    expect(error).toMatchObject({ status: 400, code: 'content_filter', retryable: false });
    expect(error?.message).toBe("Azure's content filter blocked this request: sexual content (medium)");
  });

  it('429 → rate limit with Azure’s retry-after, retryable', async () => {
    const { error } = await callThrough(provider(), chat({ upstreamModel: 'throttled-dep' }));
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 7000, retryable: true });
    expect(error?.hint).toContain('7 s');
  });

  it('unsupported api-version → says which setting to change', async () => {
    const { error } = await callThrough(provider({ apiVersion: '2019-01-01' }), chat());
    expect((error as ProxyError).code).toBe('unsupported_api_version');
    expect(error?.hint).toMatch(/apiVersion/);
  });
});

describe('Azure provider: learning what a reasoning deployment refuses', () => {
  it('switches to max_completion_tokens and drops temperature after Azure says so, then succeeds', async () => {
    const p = provider({ deployments: ['my-reasoner'] });
    const call = chat({
      upstreamModel: 'my-reasoner',
      body: { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 64, temperature: 0.7 },
    });
    const first = await callThrough(p, call);
    expect(first.error).toMatchObject({ status: 400, code: 'unsupported_parameter', retryable: true });
    expect(first.error?.message).toContain('needs max_completion_tokens');
    const second = await callThrough(p, call);
    expect(second.error?.message).toContain('does not accept the "temperature" setting');
    const third = await callThrough(p, call);
    expect(third.res?.status).toBe(200);
    const sent = JSON.parse(String(third.req.body));
    expect(sent).toMatchObject({ max_completion_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    expect(sent.max_tokens).toBeUndefined();
    expect(sent.temperature).toBeUndefined();
  });

  it('does not learn from other 400s', async () => {
    const p = provider();
    const { error } = await callThrough(p, chat({ upstreamModel: 'filtered-dep' }));
    expect(error?.retryable).toBe(false);
    const again = JSON.parse(String((await p.prepareChat(chat({ upstreamModel: 'filtered-dep' }))).body));
    expect(again.max_tokens).toBe(50);
  });
});

describe('Azure provider: discovery and credential test', () => {
  it('lists the deployments for the settings window even when they are not all served', async () => {
    const listing = await provider({ deployments: ['my-gpt4o'] }).listModels();
    expect(listing.source).toBe('upstream');
    expect(listing.models.map((m) => m.id)).toEqual(expect.arrayContaining(['my-gpt4o', 'my-nano']));
  });

  it('discovers deployments with their models where the key allows it', async () => {
    const listing = await provider({ deployments: [], discoverModels: true }).listModels();
    expect(listing.source).toBe('upstream');
    expect(listing.models).toContainEqual({
      id: 'my-nano',
      displayName: 'my-nano (gpt-5-nano)',
      ownedBy: 'azure',
    });
  });

  it('falls back to the configured deployments, saying why', async () => {
    const listing = await provider({ apiKey: 'wrong', discoverModels: true }).listModels();
    expect(listing.source).toBe('config');
    expect(listing.reason).toContain('Azure rejected the key');
    expect(listing.models.map((m) => m.id)).toContain('my-gpt4o');
  });

  it('tests the credential for real', async () => {
    const good = await provider().testCredential();
    expect(good.ok).toBe(true);
    if (good.ok) expect(good.message).toContain('my-gpt4o');
    const bad = await provider({ apiKey: 'wrong' }).testCredential();
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.kind).toBe('authentication');
  });

  it('tests with a tiny chat call where the resource does not list deployments', async () => {
    const noList = await startAzureMock({ apiKey, deployments, noDeploymentListing: true });
    try {
      const p = provider({ endpoint: noList.url });
      const res = await p.testCredential();
      expect(res.ok).toBe(true);
      const sent = noList.seen.at(-1)!;
      expect(sent.url).toContain('/openai/deployments/my-gpt4o/chat/completions');
      expect(JSON.parse(sent.body).max_tokens).toBe(1);
    } finally {
      await noList.close();
    }
  });
});

describe('Azure endpoints as users paste them', () => {
  it('accepts resource, Foundry and full URLs', () => {
    expect(parseAzureEndpoint('https://res.openai.azure.com/').root).toBe('https://res.openai.azure.com');
    expect(parseAzureEndpoint('https://res.cognitiveservices.azure.com').root).toBe(
      'https://res.cognitiveservices.azure.com',
    );
    expect(parseAzureEndpoint('https://hub.services.ai.azure.com/api/projects/my-proj').root).toBe(
      'https://hub.services.ai.azure.com',
    );
    expect(
      parseAzureEndpoint(
        'https://res.openai.azure.com/openai/deployments/my%20dep/chat/completions?api-version=2024-10-21',
      ),
    ).toEqual({
      root: 'https://res.openai.azure.com',
      deployment: 'my dep',
      apiVersion: '2024-10-21',
      v1: false,
    });
    expect(parseAzureEndpoint('https://res.openai.azure.com/openai/v1/').v1).toBe(true);
    expect(
      parseAzureEndpoint('https://gw.example.com/azure/openai/deployments/x/chat/completions').root,
    ).toBe('https://gw.example.com/azure');
  });

  it('validates the account with clear messages', () => {
    const r = azureAccountSchema.safeParse({ id: 'a', provider: 'azure', endpoint: 'not a url', apiKey: '' });
    expect(r.success).toBe(false);
    const parsed = azureAccountSchema.parse({
      id: 'a',
      provider: 'azure',
      endpoint: 'https://r.openai.azure.com',
      apiKey: 'k',
    });
    expect(parsed.api).toBe('deployments');
    expect(parsed.deployments).toEqual([]);
  });
});
