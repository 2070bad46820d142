import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyError } from '../../../proxy-core/src/canonical/errors.js';
import { type RunningProxy, startProxy } from '../../support/proxy-harness.js';
import { type MockServer, startMock } from '../../upstreams/support.js';

// Issue 17, the seams issues 18 and 19 plug into: a check before each try is sent (spend limits),
// and headers a step of the try adds to the answer (dropped parameters).

type Json = Record<string, unknown>;

let upstream: MockServer;
let px: RunningProxy;
/** Accounts the check refuses, as a spend limit would. */
const refused = new Set<string>();

const chatAnswer = (model: string) => ({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: `from ${model}` }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
});
const claudeAnswer = (model: string) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model,
  content: [{ type: 'text', text: `from ${model}` }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 4 },
});

beforeAll(async () => {
  upstream = await startMock(async (req, res, seen) => {
    const model = String((JSON.parse(seen.body) as Json).model);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url?.includes('/messages') ? claudeAnswer(model) : chatAnswer(model)));
  });
  const oa = (id: string) => ({
    id,
    provider: 'openai-compatible',
    baseUrl: `${upstream.url}/v1`,
    apiKey: 'sk-test-upstream',
    models: [`${id}-model`],
  });
  px = await startProxy(
    {
      accounts: [
        oa('first'),
        oa('second'),
        {
          id: 'claude',
          provider: 'anthropic',
          baseUrl: upstream.url,
          apiKey: 'sk-ant-test-upstream',
          models: ['claude-x'],
        },
      ],
      models: [
        {
          id: 'shared',
          routes: [
            { account: 'first', model: 'first-model' },
            { account: 'second', model: 'second-model' },
          ],
        },
      ],
    },
    {
      beforeSend: ({ route }) => {
        if (refused.has(route.account))
          throw new ProxyError(
            'rate_limit',
            `Keybridge: the daily limit for account ${route.account} is used up`,
            {
              status: 429,
            },
          );
      },
      hooks: {
        async beforeEncode(req, _wire, _signal, { attempt }) {
          attempt.responseHeaders['x-keybridge-dropped-params'] = 'seed';
          return req;
        },
      },
    },
  );
});
afterAll(async () => {
  await px?.close();
  await upstream?.close();
});

const openai = () => new OpenAI({ baseURL: `${px.origin}/v1`, apiKey: 'x', maxRetries: 0 });

describe('beforeSend: a check before each try', () => {
  it('a refused account is skipped at once for the next route, and nothing is sent to it', async () => {
    refused.clear();
    refused.add('first');
    const before = upstream.seen.length;
    const recorded = px.nextRecord();
    const res = await openai().chat.completions.create({
      model: 'shared',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toBe('from second-model');
    expect(upstream.seen.slice(before).map((s) => JSON.parse(s.body).model)).toEqual(['second-model']);
    const rec = await recorded;
    expect(rec.account).toBe('second');
    expect(rec.attempts?.map((a) => [a.account, a.status])).toEqual([
      ['first', 429],
      ['second', 200],
    ]);
  });

  it('when every route refuses, the client hears the refusal in its dialect, and nothing is sent', async () => {
    refused.clear();
    for (const a of ['first', 'second', 'claude']) refused.add(a);
    const before = upstream.seen.length;
    const err = (await openai()
      .chat.completions.create({ model: 'shared', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/daily limit for account (first|second) is used up/);
    const claude = (await new Anthropic({ baseURL: px.origin, apiKey: 'x', maxRetries: 0 }).messages
      .create({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(claude.status).toBe(429);
    expect(claude.message).toMatch(/daily limit for account claude is used up/);
    expect(upstream.seen.length).toBe(before);
    refused.clear();
  });
});

describe('response headers a step of the try adds', () => {
  it('reach the client with the answer (converted path)', async () => {
    refused.clear();
    const res = await openai()
      .chat.completions.create({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(res.data.choices[0]?.message.content).toBe('from claude-x');
    expect(res.response.headers.get('x-keybridge-dropped-params')).toBe('seed');
  });
});
