import type { IncomingMessage, ServerResponse } from 'node:http';
import { fixtureChunks, fixtureJson } from '../support/fixtures.js';
import { replyFor, validateAnthropicBody } from './anthropic-mock.js';
import { eventFrame, exceptionFrame } from './aws-event-stream-encode.js';
import { type ClaudeCacheSim, withCacheUsage } from './claude-cache.js';
import { fakeAccessKeyId, fakeSecret } from './fake-aws-keys.js';
import { type VerifierCredential, verifySigV4 } from './sigv4-verify.js';
import { type MockServer, type SeenRequest, sendJson, startMock, writeAwkwardly } from './support.js';

/**
 * A faithful Amazon Bedrock mock: runtime (InvokeModel, InvokeModelWithResponseStream, Converse,
 * ConverseStream) and control plane (ListFoundationModels, ListInferenceProfiles) on one port.
 * Every request's SigV4 signature is verified by an independent node:crypto implementation;
 * answers come from the real captures, streams as AWS event-stream frames with real CRCs written
 * in awkward pieces; faults (HTTP errors, exception frames, truncation, bad CRC, reset) on demand.
 *
 * Use: `const mock = await startBedrockMock()`, then an account
 * `{ provider: 'bedrock', region: mock.region, baseUrl: mock.url, ...mock.credentials[0] }`.
 * Keys are made up at start unless `credentials` are given.
 */

export type BedrockMockFault =
  /** An HTTP error answer with AWS's error JSON and x-amzn-ErrorType. */
  | { kind: 'http'; status: number; errorType: string; message: string; headers?: Record<string, string> }
  /** An exception frame after `afterFrames` event frames (non-stream calls get the HTTP form). */
  | { kind: 'exception'; exceptionType: string; message: string; afterFrames?: number }
  /** The stream ends in the middle of the frame after `afterFrames`. */
  | { kind: 'truncate'; afterFrames?: number }
  /** The frame after `afterFrames` has a corrupted payload byte (its CRC no longer matches). */
  | { kind: 'bad-crc'; afterFrames?: number }
  /** The connection is destroyed after `afterFrames` frames. */
  | { kind: 'reset'; afterFrames?: number };

export interface BedrockMockOptions {
  region?: string;
  /** Access keys the mock accepts (temporary ones with their session token). */
  credentials?: VerifierCredential[];
  /** Bedrock API keys the mock accepts as bearer tokens. */
  apiKeys?: string[];
  /** Session tokens the mock answers with ExpiredTokenException. */
  expiredTokens?: string[];
  /** The mock's clock (defaults to real time); requests more than 5 minutes off are refused. */
  now?: () => number;
  /** Capture names without extension, e.g. 'anthropic/anthropic-text', 'bedrock/amazon-bedrock-text'. */
  invokeFixture?: string;
  converseFixture?: string;
  /** Bare model ids the mock refuses on demand (they need an inference profile). */
  profileOnly?: RegExp;
  foundationModels?: unknown[];
  inferenceProfiles?: unknown[];
  /** Seed for the awkward write splitting. */
  seed?: number;
  /** Claude's prompt cache, simulated for 'conversation' InvokeModel answers. */
  promptCache?: ClaudeCacheSim;
}

export type BedrockOperation =
  | 'invoke'
  | 'invoke-with-response-stream'
  | 'converse'
  | 'converse-stream'
  | 'count-tokens'
  | 'list-foundation-models'
  | 'list-inference-profiles';

export interface BedrockCall {
  operation: BedrockOperation;
  /** Decoded model id from the path (runtime calls). */
  modelId?: string;
  auth: 'sigv4' | 'bearer';
  body?: Record<string, unknown>;
  seen: SeenRequest;
}

export interface BedrockMock {
  url: string;
  /** The access keys the mock accepts (generated when none were given). */
  credentials: VerifierCredential[];
  /** host:port the requests must be signed for. */
  host: string;
  region: string;
  seen: SeenRequest[];
  /** Requests that passed authentication, with what they asked for. */
  calls: BedrockCall[];
  /** Requests refused for their signature or credentials, with AWS's error type. */
  rejected: Array<{ type: string; message: string; seen: SeenRequest }>;
  setNextError(fault: BedrockMockFault): void;
  setFixtures(f: { invoke?: string; converse?: string }): void;
  close(): Promise<void>;
}

const RUNTIME_PATH =
  /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|converse|converse-stream|count-tokens)$/;

/** Default model list: a realistic mix of chat, embedding, image, provisioned-only and legacy models. */
export function defaultFoundationModels(region: string): unknown[] {
  const fm = (
    modelId: string,
    providerName: string,
    modelName: string,
    inferenceTypesSupported: string[],
    extra: Record<string, unknown> = {},
  ) => ({
    modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
    modelId,
    modelName,
    providerName,
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    customizationsSupported: [],
    inferenceTypesSupported,
    modelLifecycle: { status: 'ACTIVE' },
    ...extra,
  });
  return [
    fm('anthropic.claude-sonnet-4-5-20250929-v1:0', 'Anthropic', 'Claude Sonnet 4.5', ['INFERENCE_PROFILE'], {
      inputModalities: ['TEXT', 'IMAGE'],
    }),
    fm('anthropic.claude-3-haiku-20240307-v1:0', 'Anthropic', 'Claude 3 Haiku', [
      'ON_DEMAND',
      'INFERENCE_PROFILE',
    ]),
    fm('anthropic.claude-3-haiku-20240307-v1:0:48k', 'Anthropic', 'Claude 3 Haiku', ['PROVISIONED']),
    fm('amazon.nova-lite-v1:0', 'Amazon', 'Nova Lite', ['ON_DEMAND', 'INFERENCE_PROFILE']),
    fm('meta.llama3-3-70b-instruct-v1:0', 'Meta', 'Llama 3.3 70B Instruct', ['INFERENCE_PROFILE']),
    fm('openai.gpt-oss-120b-1:0', 'OpenAI', 'gpt-oss-120b', ['ON_DEMAND']),
    fm('anthropic.claude-v2:1', 'Anthropic', 'Claude', ['ON_DEMAND'], {
      modelLifecycle: { status: 'LEGACY' },
    }),
    fm('amazon.titan-embed-text-v2:0', 'Amazon', 'Titan Text Embeddings V2', ['ON_DEMAND'], {
      outputModalities: ['EMBEDDING'],
    }),
    fm('stability.sd3-5-large-v1:0', 'Stability AI', 'Stable Diffusion 3.5 Large', ['ON_DEMAND'], {
      outputModalities: ['IMAGE'],
    }),
  ];
}

export function defaultInferenceProfiles(region: string): unknown[] {
  const geo = region.startsWith('eu-') ? 'eu' : region.startsWith('ap-') ? 'apac' : 'us';
  const profile = (prefix: string, modelId: string, name: string) => ({
    inferenceProfileName: `${prefix.toUpperCase()} ${name}`,
    inferenceProfileArn: `arn:aws:bedrock:${region}:123456789012:inference-profile/${prefix}.${modelId}`,
    inferenceProfileId: `${prefix}.${modelId}`,
    models: [
      { modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}` },
      { modelArn: `arn:aws:bedrock:other-region-1::foundation-model/${modelId}` },
    ],
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  });
  return [
    profile(geo, 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5'),
    profile('global', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5'),
    profile(geo, 'anthropic.claude-3-haiku-20240307-v1:0', 'Claude 3 Haiku'),
    profile(geo, 'amazon.nova-lite-v1:0', 'Nova Lite'),
    profile(geo, 'meta.llama3-3-70b-instruct-v1:0', 'Llama 3.3 70B Instruct'),
  ];
}

/** Real Bedrock pads event payloads with a `p` field of filler letters. */
function padded(value: Record<string, unknown>, n: number): string {
  return JSON.stringify({
    ...value,
    p: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123'.slice(0, 4 + (n % 40)),
  });
}

function invokeStreamFrames(fixture: string): Buffer[] {
  return fixtureChunks(`${fixture}.chunks.txt`).map(invokeFrame);
}

/** One InvokeModelWithResponseStream `chunk` frame carrying an Anthropic event. */
function invokeFrame(line: string, i: number): Buffer {
  {
    let text = line;
    const ev = JSON.parse(line) as { type?: string };
    if (ev.type === 'message_stop') {
      text = JSON.stringify({
        ...ev,
        'amazon-bedrock-invocationMetrics': {
          inputTokenCount: 10,
          outputTokenCount: 20,
          invocationLatency: 900,
          firstByteLatency: 300,
        },
      });
    }
    return eventFrame('chunk', padded({ bytes: Buffer.from(text, 'utf8').toString('base64') }, i));
  }
}

function converseStreamFrames(fixture: string): Buffer[] {
  return fixtureChunks(`${fixture}.chunks.txt`).map(converseFrame);
}

/** One ConverseStream frame: `:event-type` is the event's key, the payload its value. */
function converseFrame(line: string, i: number): Buffer {
  const obj = JSON.parse(line) as Record<string, Record<string, unknown>>;
  const [type, value] = Object.entries(obj)[0]!;
  return eventFrame(type, padded(value, i));
}

/**
 * A Converse answer for this request from the real captures: a tool call (named after the
 * request's first tool) when tools are offered and not yet answered, reasoning when asked, else text.
 */
function converseReply(body: Record<string, unknown>): { json: unknown; lines: string[] } {
  const messages = body.messages as Array<{ content: Array<Record<string, unknown>> }>;
  const answering = messages.at(-1)?.content.some((b) => 'toolResult' in b) ?? false;
  const tools = (
    (body.toolConfig as { tools?: Array<{ toolSpec?: { name?: string } }> } | undefined)?.tools ?? []
  )
    .map((t) => t.toolSpec?.name)
    .filter((n): n is string => typeof n === 'string');
  const thinking = JSON.stringify(body.additionalModelRequestFields ?? {}).match(/thinking|reasoning/);
  if (tools.length > 0 && !answering) {
    const name = tools[0]!;
    const input = { location: 'Paris' };
    const json = fixtureJson<{
      output: { message: { content: Array<{ toolUse: Record<string, unknown> }> } };
    }>('bedrock/amazon-bedrock-tool-call.1.json');
    json.output.message.content = [{ toolUse: { toolUseId: 'tooluse_mock1', name, input } }];
    let sentInput = false;
    const lines = fixtureChunks('bedrock/amazon-bedrock-tool-call.1.chunks.txt').flatMap((l) => {
      const ev = JSON.parse(l) as Record<string, Record<string, unknown>>;
      const start = ev.contentBlockStart?.start as { toolUse?: Record<string, unknown> } | undefined;
      if (start?.toolUse)
        return [
          JSON.stringify({
            contentBlockStart: {
              ...ev.contentBlockStart,
              start: { toolUse: { toolUseId: 'tooluse_mock1', name } },
            },
          }),
        ];
      const delta = ev.contentBlockDelta?.delta as { toolUse?: unknown } | undefined;
      if (delta?.toolUse) {
        if (sentInput) return [];
        sentInput = true;
        return [
          JSON.stringify({
            contentBlockDelta: {
              ...ev.contentBlockDelta,
              delta: { toolUse: { input: JSON.stringify(input) } },
            },
          }),
        ];
      }
      return [l];
    });
    return { json, lines };
  }
  const capture = thinking ? 'bedrock/amazon-bedrock-reasoning' : 'bedrock/amazon-bedrock-text';
  return { json: fixtureJson(`${capture}.json`), lines: fixtureChunks(`${capture}.chunks.txt`) };
}

function awsError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(
    res,
    status,
    { message },
    {
      'x-amzn-ErrorType': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-RequestId': 'mock-request-id',
      ...headers,
    },
  );
}

const CONTENT_KEYS = new Set([
  'text',
  'image',
  'document',
  'video',
  'toolUse',
  'toolResult',
  'reasoningContent',
  'cachePoint',
  'guardContent',
  'citationsContent',
]);
const CONVERSE_KEYS = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
]);

/** The Converse request rules real Bedrock enforces, with its wording. */
export function converseProblem(body: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(body)) {
    if (!CONVERSE_KEYS.has(key)) return `Unexpected field "${key}" in the request body.`;
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) {
    return "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null";
  }
  if (messages.length === 0)
    return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  let usesTools = false;
  for (const [i, m] of messages.entries()) {
    const msg = m as { role?: unknown; content?: unknown };
    if (i === 0 && msg.role !== 'user') {
      return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
    }
    if (i > 0 && msg.role === (messages[i - 1] as { role?: unknown }).role) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
    if (!Array.isArray(msg.content) || msg.content.length === 0) {
      return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    }
    for (const [j, block] of (msg.content as Array<Record<string, unknown>>).entries()) {
      const keys = Object.keys(block);
      if (keys.length !== 1 || !CONTENT_KEYS.has(keys[0]!)) {
        return `The ContentBlock object at messages.${i}.content.${j} must set one of the following keys: text, image, toolUse, toolResult, document, video, reasoningContent, cachePoint.`;
      }
      if (typeof block.text === 'string' && block.text.trim() === '') {
        return `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`;
      }
      if ('toolUse' in block || 'toolResult' in block) usesTools = true;
    }
  }
  if (usesTools && !body.toolConfig) {
    return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  }
  return undefined;
}

const EXCEPTION_HTTP_STATUS: Record<string, number> = {
  throttlingException: 429,
  validationException: 400,
  modelStreamErrorException: 424,
  internalServerException: 500,
  serviceUnavailableException: 503,
  modelTimeoutException: 408,
};

/**
 * CountTokens as Bedrock answers it: bare foundation-model ids of models that can count (Claude),
 * `{"input":{"invokeModel":{"body": base64}}}` holding a valid InvokeModel body, `{"inputTokens": n}` back.
 */
function countTokens(res: ServerResponse, modelId: string, body: Record<string, unknown>) {
  if (!/^anthropic\.claude-/.test(modelId)) {
    return awsError(res, 400, 'ValidationException', "The provided model doesn't support counting tokens.");
  }
  const encoded = (
    (body.input as Record<string, unknown> | undefined)?.invokeModel as Record<string, unknown> | undefined
  )?.body;
  if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(encoded)) {
    return awsError(
      res,
      400,
      'ValidationException',
      "1 validation error detected: Value at 'input' failed to satisfy constraint",
    );
  }
  let invoke: Record<string, unknown>;
  try {
    invoke = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, unknown>;
  } catch {
    return awsError(
      res,
      400,
      'ValidationException',
      'Malformed input request, please reformat your input and try again.',
    );
  }
  if ('model' in invoke || 'stream' in invoke || invoke.anthropic_version !== 'bedrock-2023-05-31') {
    return awsError(
      res,
      400,
      'ValidationException',
      'Malformed input request: #: extraneous or missing key, please reformat your input and try again.',
    );
  }
  if (!Array.isArray(invoke.messages) || typeof invoke.max_tokens !== 'number') {
    return awsError(
      res,
      400,
      'ValidationException',
      'Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.',
    );
  }
  const problem = validateAnthropicBody({ ...invoke, model: modelId });
  if (problem) return awsError(res, 400, 'ValidationException', problem);
  const text = JSON.stringify({ system: invoke.system, messages: invoke.messages, tools: invoke.tools });
  sendJson(res, 200, { inputTokens: Math.ceil(text.length / 4) });
}

export async function startBedrockMock(opts: BedrockMockOptions = {}): Promise<BedrockMock> {
  const region = opts.region ?? 'us-east-1';
  const credentials = opts.credentials ?? [{ accessKeyId: fakeAccessKeyId(), secretAccessKey: fakeSecret() }];
  const now = opts.now ?? Date.now;
  const fixtures = {
    invoke: opts.invokeFixture ?? 'anthropic/anthropic-text',
    converse: opts.converseFixture ?? 'bedrock/amazon-bedrock-text',
  };
  const profileOnly = opts.profileOnly ?? /^anthropic\.claude-(sonnet|opus|haiku)-4/;
  const calls: BedrockCall[] = [];
  const rejected: BedrockMock['rejected'] = [];
  let nextFault: BedrockMockFault | undefined;
  let host = '';
  const seed = opts.seed ?? 7;

  async function writeFrames(res: ServerResponse, frames: Buffer[], fault: BedrockMockFault | undefined) {
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': 'mock-request-id',
      'x-amzn-bedrock-content-type': 'application/json',
    });
    const after =
      fault && fault.kind !== 'http' ? Math.min(fault.afterFrames ?? 1, frames.length) : frames.length;
    await writeAwkwardly(res, Buffer.concat(frames.slice(0, after)), seed);
    if (!fault || fault.kind === 'http') {
      res.end();
      return;
    }
    const next = frames[after] ?? eventFrame('chunk', '{}');
    switch (fault.kind) {
      case 'exception':
        await writeAwkwardly(
          res,
          exceptionFrame(fault.exceptionType, JSON.stringify({ message: fault.message })),
          seed,
        );
        res.end();
        return;
      case 'truncate':
        await writeAwkwardly(res, next.subarray(0, Math.floor(next.length / 2)), seed);
        res.end();
        return;
      case 'bad-crc': {
        const bad = Buffer.from(next);
        const i = bad.length - 6;
        bad[i] = (bad[i]! ^ 0x5a) & 0xff;
        await writeAwkwardly(res, bad, seed);
        res.end();
        return;
      }
      case 'reset':
        res.socket?.destroy();
        return;
    }
  }

  function authenticate(
    req: IncomingMessage,
    res: ServerResponse,
    seen: SeenRequest,
  ): 'sigv4' | 'bearer' | undefined {
    const authz = req.headers.authorization ?? '';
    if (authz.startsWith('Bearer ')) {
      if ((opts.apiKeys ?? []).includes(authz.slice(7))) return 'bearer';
      rejected.push({ type: 'UnrecognizedClientException', message: 'Invalid API Key', seen });
      awsError(
        res,
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
      return undefined;
    }
    const result = verifySigV4({
      method: seen.method,
      rawUrl: seen.url,
      headers: req.headers,
      body: Buffer.from(seen.body, 'utf8'),
      credentials,
      region,
      service: 'bedrock',
      expectedHost: host,
      now: now(),
      expiredTokens: new Set(opts.expiredTokens ?? []),
    });
    if (result.ok) return 'sigv4';
    rejected.push({ type: result.type, message: result.message, seen });
    awsError(res, result.status, result.type, result.message);
    return undefined;
  }

  const server: MockServer = await startMock(async (req, res, seen) => {
    const auth = authenticate(req, res, seen);
    if (!auth) return;
    const url = new URL(seen.url, 'http://mock');

    if (seen.method === 'GET' && url.pathname === '/foundation-models') {
      calls.push({ operation: 'list-foundation-models', auth, seen });
      const fault = nextFault;
      nextFault = undefined;
      if (fault?.kind === 'http')
        return awsError(res, fault.status, fault.errorType, fault.message, fault.headers);
      let models = (opts.foundationModels ?? defaultFoundationModels(region)) as Array<
        Record<string, unknown>
      >;
      const out = url.searchParams.get('byOutputModality');
      if (out) models = models.filter((m) => (m.outputModalities as string[]).includes(out));
      const inf = url.searchParams.get('byInferenceType');
      if (inf) models = models.filter((m) => (m.inferenceTypesSupported as string[]).includes(inf));
      return sendJson(res, 200, { modelSummaries: models });
    }
    if (seen.method === 'GET' && url.pathname === '/inference-profiles') {
      calls.push({ operation: 'list-inference-profiles', auth, seen });
      return sendJson(res, 200, {
        inferenceProfileSummaries: opts.inferenceProfiles ?? defaultInferenceProfiles(region),
      });
    }

    const route = seen.method === 'POST' ? RUNTIME_PATH.exec(url.pathname) : null;
    if (!route)
      return awsError(
        res,
        404,
        'UnknownOperationException',
        `No operation at ${seen.method} ${url.pathname}`,
      );
    const modelId = decodeURIComponent(route[1]!);
    const operation = route[2] as BedrockOperation;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(seen.body) as Record<string, unknown>;
    } catch {
      return awsError(
        res,
        400,
        'ValidationException',
        'Malformed input request, please reformat your input and try again.',
      );
    }
    calls.push({ operation, modelId, auth, body, seen });

    const fault = nextFault;
    nextFault = undefined;
    if (fault?.kind === 'http')
      return awsError(res, fault.status, fault.errorType, fault.message, fault.headers);
    if (operation === 'count-tokens') return countTokens(res, modelId, body);
    if (profileOnly.test(modelId)) {
      return awsError(
        res,
        400,
        'ValidationException',
        `Invocation of model ID ${modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      );
    }
    const invoke = operation === 'invoke' || operation === 'invoke-with-response-stream';
    if (invoke) {
      for (const key of ['model', 'stream']) {
        if (key in body) {
          return awsError(
            res,
            400,
            'ValidationException',
            `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
          );
        }
      }
      if (body.anthropic_version !== 'bedrock-2023-05-31') {
        return awsError(
          res,
          400,
          'ValidationException',
          'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.',
        );
      }
      if (!Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
        const missing = Array.isArray(body.messages) ? 'max_tokens' : 'messages';
        return awsError(
          res,
          400,
          'ValidationException',
          `Malformed input request: #: required key [${missing}] not found, please reformat your input and try again.`,
        );
      }
    } else {
      const problem = converseProblem(body);
      if (problem) return awsError(res, 400, 'ValidationException', problem);
    }
    const stream = operation.endsWith('stream');
    if (!stream && fault?.kind === 'exception') {
      const status = EXCEPTION_HTTP_STATUS[fault.exceptionType] ?? 500;
      const type = fault.exceptionType.charAt(0).toUpperCase() + fault.exceptionType.slice(1);
      return awsError(res, status, type, fault.message);
    }
    // 'conversation': answer like the service would for this request (tools, thinking, text).
    const conversation = (invoke ? fixtures.invoke : fixtures.converse) === 'conversation';
    if (conversation && invoke) {
      const problem = validateAnthropicBody({ ...body, model: modelId }) ?? opts.promptCache?.check(body);
      if (problem) return awsError(res, 400, 'ValidationException', problem);
      const plain = replyFor({ ...body, model: modelId });
      const reply = opts.promptCache ? withCacheUsage(plain, opts.promptCache.use(body, modelId)) : plain;
      if (!stream) return sendJson(res, 200, reply.message, { 'x-amzn-requestid': 'mock-request-id' });
      return writeFrames(
        res,
        reply.events.map((ev, i) => invokeFrame(JSON.stringify(ev), i)),
        fault,
      );
    }
    if (conversation) {
      const reply = converseReply(body);
      if (!stream) return sendJson(res, 200, reply.json, { 'x-amzn-requestid': 'mock-request-id' });
      return writeFrames(res, reply.lines.map(converseFrame), fault);
    }
    if (!stream) {
      return sendJson(res, 200, fixtureJson(`${invoke ? fixtures.invoke : fixtures.converse}.json`), {
        'x-amzn-requestid': 'mock-request-id',
      });
    }
    const frames = invoke ? invokeStreamFrames(fixtures.invoke) : converseStreamFrames(fixtures.converse);
    await writeFrames(res, frames, fault);
  });
  host = `127.0.0.1:${server.port}`;

  return {
    url: server.url,
    credentials,
    host,
    region,
    seen: server.seen,
    calls,
    rejected,
    setNextError(fault) {
      nextFault = fault;
    },
    setFixtures(f) {
      if (f.invoke) fixtures.invoke = f.invoke;
      if (f.converse) fixtures.converse = f.converse;
    },
    close: () => server.close(),
  };
}
