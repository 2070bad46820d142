/**
 * A scripted upstream for the secrets tests: one server on 127.0.0.1 that every provider's
 * account points at (OpenAI-compatible, Anthropic, Azure, Google AI Studio, Bedrock, Vertex with
 * its token endpoint), answering whatever the test scripts — typically an error that echoes the
 * account's own credentials, the way `Incorrect API key provided: sk-…` does.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exceptionFrame } from '../upstreams/aws-event-stream-encode.js';
import { fakeAccessKeyId, fakeSecret, fakeSessionToken } from '../upstreams/fake-aws-keys.js';
import { type MockServer, type SeenRequest, startMock } from '../upstreams/support.js';
import { makeTestServiceAccount, type TestServiceAccount } from '../upstreams/vertex-mock.js';

const b64url = (n: number) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'x');

/** Every secret of the test configuration, made up now. */
export function makeSecrets(sa: TestServiceAccount) {
  return {
    openai: `sk-proj-${b64url(36)}`,
    openaiPool: `sk-${b64url(36)}`,
    anthropic: `sk-ant-api03-${b64url(60)}`,
    azure: randomBytes(16).toString('hex'),
    google: `AIza${b64url(26)}`,
    awsId: fakeAccessKeyId('ASIA'),
    awsSecret: fakeSecret(),
    awsSession: fakeSessionToken(),
    saKeyId: sa.json.private_key_id!,
    saPrivateKey: sa.json.private_key!,
    access: `kb-${b64url(24)}`,
    sa,
  };
}
export type Secrets = ReturnType<typeof makeSecrets>;

/** The secrets as plain strings (the service account itself is not one). */
export function secretValues(s: Secrets): string[] {
  return Object.entries(s)
    .filter(([k]) => k !== 'sa')
    .map(([, v]) => v as string);
}

/** Which provider a request to the scripted upstream is for, read from its path. */
export type UpstreamKind =
  | 'openai'
  | 'anthropic'
  | 'azure'
  | 'google'
  | 'bedrock'
  | 'vertex-claude'
  | 'vertex-gemini';

export function kindOf(url: string): UpstreamKind | 'token' {
  if (url.startsWith('/token')) return 'token';
  if (url.startsWith('/openai/')) return 'azure';
  if (url.startsWith('/model/')) return 'bedrock';
  if (url.includes('/publishers/anthropic/')) return 'vertex-claude';
  if (url.includes('/publishers/google/')) return 'vertex-gemini';
  if (url.includes('/v1beta/')) return 'google';
  if (url.includes('/messages')) return 'anthropic';
  return 'openai';
}

/** The credentials an upstream of this kind would echo. */
export function ownSecrets(kind: UpstreamKind, s: Secrets): string[] {
  switch (kind) {
    case 'openai':
      return [s.openai];
    case 'anthropic':
      return [s.anthropic];
    case 'azure':
      return [s.azure];
    case 'google':
      return [s.google];
    case 'bedrock':
      return [s.awsId, s.awsSecret, s.awsSession];
    default:
      return [s.saKeyId, s.saPrivateKey];
  }
}

export interface ScriptedAnswer {
  status: number;
  reason?: string;
  headers?: Record<string, string>;
  /** A whole body, or pieces written one by one (a stream). */
  body: string | Buffer | Array<string | Buffer>;
}

export type Script = (kind: UpstreamKind, seen: SeenRequest) => ScriptedAnswer;

export interface ScriptedUpstream extends MockServer {
  script: Script;
  sa: TestServiceAccount;
}

/** Starts the scripted upstream; `script` decides every answer but the Vertex token. */
export async function startScriptedUpstream(sa?: TestServiceAccount): Promise<ScriptedUpstream> {
  const state: { script: Script } = {
    script: () => ({ status: 500, body: '{"error":{"message":"no script"}}' }),
  };
  let out: ScriptedUpstream | undefined;
  const mock = await startMock(async (req: IncomingMessage, res: ServerResponse, seen) => {
    const kind = kindOf(req.url ?? '/');
    if (kind === 'token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `ya29.${b64url(60)}`, expires_in: 3600, token_type: 'Bearer' }));
      return;
    }
    const a = (out ?? state).script(kind, seen);
    const headers = { connection: 'close', ...a.headers };
    if (a.reason) res.writeHead(a.status, a.reason, headers);
    else res.writeHead(a.status, headers);
    const pieces = Array.isArray(a.body) ? a.body : [a.body];
    for (const p of pieces) {
      res.write(p);
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  });
  out = Object.assign(mock, {
    script: state.script,
    sa: sa ?? makeTestServiceAccount({ tokenUri: `${mock.url}/token` }),
  });
  return out;
}

/** The proxy configuration: one account of every provider on the scripted upstream, public models p-<kind>. */
export function secretsConfig(url: string, s: Secrets, extra: Record<string, unknown> = {}) {
  const route = (account: string, model: string) => ({ account, model });
  return {
    server: { accessKey: s.access },
    accounts: [
      { id: 'oa', provider: 'openai-compatible', baseUrl: url, apiKey: s.openai },
      // A pool of keys (set aside one by one after a 401): its own account so the others stay usable.
      {
        id: 'op',
        provider: 'openai-compatible',
        baseUrl: url,
        apiKey: s.openaiPool,
        apiKeys: [`${s.openaiPool}x2`],
      },
      { id: 'an', provider: 'anthropic', baseUrl: url, apiKey: s.anthropic },
      { id: 'az', provider: 'azure', endpoint: url, apiKey: s.azure, deployments: ['dep'] },
      { id: 'gg', provider: 'google-ai', baseUrl: url, apiKey: s.google },
      {
        id: 'br',
        provider: 'bedrock',
        baseUrl: url,
        region: 'us-east-1',
        accessKeyId: s.awsId,
        secretAccessKey: s.awsSecret,
        sessionToken: s.awsSession,
      },
      { id: 'vx', provider: 'vertex', baseUrl: url, region: 'us-east5', serviceAccount: s.sa.text },
    ],
    models: [
      { id: 'p-openai', routes: [route('oa', 'gpt-4.1-nano')] },
      { id: 'p-anthropic', routes: [route('an', 'claude-haiku-4-5')] },
      { id: 'p-azure', routes: [route('az', 'dep')] },
      { id: 'p-google', routes: [route('gg', 'gemini-2.5-flash')] },
      { id: 'p-bedrock', routes: [route('br', 'anthropic.claude-3-5-haiku-20241022-v1:0')] },
      { id: 'p-vertex-claude', routes: [route('vx', 'claude-haiku-4-5@20251001')] },
      { id: 'p-vertex-gemini', routes: [route('vx', 'gemini-2.5-flash')] },
      { id: 'p-failover', routes: [route('oa', 'gpt-4.1-nano'), route('an', 'claude-haiku-4-5')] },
      { id: 'p-pool', routes: [route('op', 'gpt-4.1-nano')] },
    ],
    ...extra,
  };
}

export const KINDS: UpstreamKind[] = [
  'openai',
  'anthropic',
  'azure',
  'google',
  'bedrock',
  'vertex-claude',
  'vertex-gemini',
];

/** An upstream error body of the kind's own shape, its message saying `text`. */
export function errorBody(kind: UpstreamKind, status: number, text: string): string {
  switch (kind) {
    case 'openai':
    case 'azure':
      return JSON.stringify({
        error: { message: text, type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    case 'anthropic':
    case 'vertex-claude':
      return JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: text } });
    case 'bedrock':
      return JSON.stringify({ message: text });
    default:
      return JSON.stringify({ error: { code: status, message: text, status: 'UNAUTHENTICATED' } });
  }
}

/** A streamed answer that starts well and then fails in-band, in the kind's own stream format. */
export function inBandError(kind: UpstreamKind, text: string): ScriptedAnswer {
  const sse = (data: unknown, event?: string) =>
    `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  switch (kind) {
    case 'openai':
    case 'azure':
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: [
          sse({
            id: 'c',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'm',
            choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
          }),
          sse({ error: { message: text, type: 'server_error' } }),
        ],
      };
    case 'anthropic':
    case 'vertex-claude':
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: [
          sse(
            {
              type: 'message_start',
              message: {
                id: 'msg_1',
                type: 'message',
                role: 'assistant',
                model: 'claude',
                content: [],
                stop_reason: null,
                usage: { input_tokens: 3, output_tokens: 1 },
              },
            },
            'message_start',
          ),
          sse(
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
            'content_block_start',
          ),
          sse(
            { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
            'content_block_delta',
          ),
          sse({ type: 'error', error: { type: 'overloaded_error', message: text } }, 'error'),
        ],
      };
    case 'bedrock':
      return {
        status: 200,
        headers: { 'content-type': 'application/vnd.amazon.eventstream' },
        body: [exceptionFrame('modelStreamErrorException', JSON.stringify({ message: text }))],
      };
    default:
      return {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: [
          sse({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hel' }] }, index: 0 }] }),
          sse({ error: { code: 500, message: text, status: 'INTERNAL' } }),
        ],
      };
  }
}

/** A good non-streamed answer in the kind's own format (for the failover's second route). */
export function goodAnswer(kind: UpstreamKind): ScriptedAnswer {
  const json = (body: unknown): ScriptedAnswer => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (kind === 'anthropic' || kind === 'vertex-claude' || kind === 'bedrock') {
    return json({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 2 },
    });
  }
  if (kind === 'google' || kind === 'vertex-gemini') {
    return json({
      candidates: [
        { content: { role: 'model', parts: [{ text: 'Hello!' }] }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    });
  }
  return json({
    id: 'c',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4.1-nano',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  });
}

/** A client request in each dialect for a public model. */
export function clientRequest(
  dialect: 'openai' | 'anthropic' | 'gemini',
  model: string,
  stream: boolean,
): { path: string; body: string } {
  if (dialect === 'openai') {
    return {
      path: '/v1/chat/completions',
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Hi' }] }),
    };
  }
  if (dialect === 'anthropic') {
    return {
      path: '/v1/messages',
      body: JSON.stringify({ model, stream, max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] }),
    };
  }
  return {
    path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
  };
}

/** Every way a secret may show in text: as is, JSON-escaped, and each long line of a PEM key. */
export function leakForms(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1), secret.replace(/\//g, '\\/')];
  if (secret.includes('PRIVATE KEY')) forms.push(...secret.split('\n').filter((l) => l.length >= 40));
  return forms;
}

/** The first secret found in a text, in any form (undefined when clean). */
export function findLeak(text: string, secrets: string[]): string | undefined {
  for (const s of secrets)
    for (const f of leakForms(s))
      if (text.includes(f)) return `${s.slice(0, 12)}… as ${f === s ? 'plain' : 'escaped'} text`;
  return undefined;
}
