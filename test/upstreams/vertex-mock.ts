import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { fixtureChunks, fixtureJson } from '../support/fixtures.js';
import { answerMessages } from './anthropic-mock.js';
import type { ClaudeCacheSim } from './claude-cache.js';
import { answerGenerateContent } from './gemini-conversation.js';
import {
  type MockServer,
  type SeenRequest,
  sendJson,
  sseFrame,
  startMock,
  writeAwkwardly,
} from './support.js';

/**
 * A faithful Vertex AI mock: Google's OAuth token endpoint (verifies the RS256 service-account
 * JWT and issues expiring tokens) plus the Vertex model endpoints Keybridge calls, answering
 * from the real captures in test/fixtures/upstream.
 */

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A service-account key made for the mock, with the public half the mock verifies against. */
export interface TestServiceAccount {
  /** The key file as Google would let you download it. */
  json: Record<string, string>;
  /** The same, as pasted text. */
  text: string;
  clientEmail: string;
  projectId: string;
  publicKeyPem: string;
}

/** Makes an RSA service-account key (generated now; nothing is committed) for a token URL. */
export function makeTestServiceAccount(opts: {
  tokenUri: string;
  projectId?: string;
  clientEmail?: string;
  universeDomain?: string;
}): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const projectId = opts.projectId ?? 'keybridge-test';
  const clientEmail =
    opts.clientEmail ?? `keybridge-${randomBytes(3).toString('hex')}@${projectId}.iam.gserviceaccount.com`;
  const json: Record<string, string> = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey,
    client_email: clientEmail,
    client_id: String(100000000000000000000n + BigInt(randomBytes(4).readUInt32BE())),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: opts.tokenUri,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: opts.universeDomain ?? 'googleapis.com',
  };
  return { json, text: JSON.stringify(json, null, 2), clientEmail, projectId, publicKeyPem: publicKey };
}

/** Google's error JSON shapes for the failures users actually hit, by name. */
export const GOOGLE_ERRORS = {
  PERMISSION_DENIED: (p: string) => ({
    status: 403,
    body: {
      error: {
        code: 403,
        message: `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${p}/locations/us-east5/publishers/google/models/gemini-2.5-flash' (or it may not exist).`,
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'IAM_PERMISSION_DENIED',
            domain: 'aiplatform.googleapis.com',
            metadata: {
              permission: 'aiplatform.endpoints.predict',
              resource: `projects/${p}/locations/us-east5/publishers/google/models/gemini-2.5-flash`,
            },
          },
        ],
      },
    },
  }),
  SERVICE_DISABLED: (p: string) => ({
    status: 403,
    body: {
      error: {
        code: 403,
        message: `Vertex AI API has not been used in project ${p} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=${p} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'SERVICE_DISABLED',
            domain: 'googleapis.com',
            metadata: {
              service: 'aiplatform.googleapis.com',
              consumer: `projects/${p}`,
              activationUrl: `https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=${p}`,
              serviceTitle: 'Vertex AI API',
              containerInfo: p,
            },
          },
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Google developers console API activation',
                url: `https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=${p}`,
              },
            ],
          },
        ],
      },
    },
  }),
  BILLING_DISABLED: (p: string) => ({
    status: 403,
    body: {
      error: {
        code: 403,
        message: `This API method requires billing to be enabled. Please enable billing on project #${p} by visiting https://console.developers.google.com/billing/enable?project=${p} then retry.`,
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'BILLING_DISABLED',
            domain: 'googleapis.com',
            metadata: { service: 'aiplatform.googleapis.com', consumer: `projects/${p}` },
          },
        ],
      },
    },
  }),
  CLAUDE_NOT_ENABLED: (p: string, model = 'claude-sonnet-4-5@20250929', loc = 'us-east5') => ({
    status: 400,
    body: {
      error: {
        code: 400,
        message: `Project \`${p}\` is not allowed to use Publisher Model \`projects/${p}/locations/${loc}/publishers/anthropic/models/${model}\``,
        status: 'FAILED_PRECONDITION',
      },
    },
  }),
  RESOURCE_EXHAUSTED: () => ({
    status: 429,
    headers: { 'retry-after': '12' },
    body: {
      error: {
        code: 429,
        message:
          'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.',
        status: 'RESOURCE_EXHAUSTED',
      },
    },
  }),
  MODEL_NOT_FOUND: (p: string, model = 'claude-opus-4-6', loc = 'asia-south1', publisher = 'anthropic') => ({
    status: 404,
    body: {
      error: {
        code: 404,
        message: `Publisher Model \`projects/${p}/locations/${loc}/publishers/${publisher}/models/${model}\` not found.`,
        status: 'NOT_FOUND',
      },
    },
  }),
  CONSUMER_INVALID: (p: string) => ({
    status: 403,
    body: {
      error: {
        code: 403,
        message: `Permission denied on resource project ${p}.`,
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.Help',
            links: [
              {
                description: 'Google developer console API key',
                url: `https://console.developers.google.com/project/${p}/apiui/credential`,
              },
            ],
          },
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'CONSUMER_INVALID',
            domain: 'googleapis.com',
            metadata: { consumer: `projects/${p}`, service: 'aiplatform.googleapis.com' },
          },
        ],
      },
    },
  }),
  UNAUTHENTICATED: () => ({
    status: 401,
    body: {
      error: {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        status: 'UNAUTHENTICATED',
      },
    },
  }),
} as const;
export type GoogleErrorName = keyof typeof GOOGLE_ERRORS;

export interface CannedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface VertexMockOptions {
  /** Lifetime of issued access tokens, in seconds. Default 3600. */
  tokenLifetimeSec?: number;
  /** Capture names (without extension) answered for Claude and Gemini. */
  claudeFixture?: string;
  geminiFixture?: string;
  /** Model ids the mock answers 404 NOT_FOUND for (e.g. not offered in a region). */
  unavailableModels?: string[];
  /** Locations the mock serves (default: any well-formed location id). */
  locations?: string[];
  /** Claude's prompt cache, simulated for 'conversation' answers. */
  promptCache?: ClaudeCacheSim;
}

export interface VertexMock {
  /** Base URL for the model endpoints (account.baseUrl). */
  url: string;
  /** The token endpoint (the key file's token_uri). */
  tokenUrl: string;
  /** Token requests received so far (good and bad). */
  tokenRequests(): number;
  /** Tokens issued so far. */
  tokensIssued(): string[];
  seen: SeenRequest[];
  /** Model requests only (not token requests). */
  apiRequests(): SeenRequest[];
  /** Trusts a service account: its JWTs are verified against this public key. */
  trust(sa: { clientEmail: string; publicKeyPem: string }): void;
  /** A new key for this mock, trusted and pointing at its token endpoint. */
  makeServiceAccount(opts?: { projectId?: string; clientEmail?: string }): TestServiceAccount;
  /** The next model call (not token call) fails with this error. */
  setNextError(err: GoogleErrorName | CannedError, ...args: string[]): void;
  /** The next token call fails with this Google OAuth error. */
  setNextTokenError(err: CannedError): void;
  /** Token requests are accepted but never answered (until close). */
  setTokenHang(on: boolean): void;
  /** Model listing (Model Garden) answers 403 PERMISSION_DENIED while on. */
  setListDenied(on: boolean): void;
  setFixtures(f: { claude?: string; gemini?: string }): void;
  close(): Promise<void>;
}

function b64urlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const MODEL_PATH =
  /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(anthropic|google)\/models\/([^/:]+):([A-Za-z]+)$/;

export async function startVertexMock(opts: VertexMockOptions = {}): Promise<VertexMock> {
  const trusted = new Map<string, string>();
  /** Projects that exist: those of the service accounts made by this mock. */
  const projects = new Set<string>();
  const tokens = new Map<string, { expiresAt: number; email: string }>();
  const issued: string[] = [];
  let tokenCount = 0;
  let nextError: CannedError | undefined;
  let nextTokenError: CannedError | undefined;
  let tokenHang = false;
  let listDenied = false;
  let claudeFixture = opts.claudeFixture ?? 'anthropic-text';
  let geminiFixture = opts.geminiFixture ?? 'google-text';
  const lifetime = opts.tokenLifetimeSec ?? 3600;
  const hanging = new Set<ServerResponse>();
  let tokenUrl = '';

  const oauthError = (res: ServerResponse, error: string, description: string, status = 400) =>
    sendJson(res, status, { error, error_description: description });

  const googleError = (res: ServerResponse, status: number, message: string, gstatus: string) =>
    sendJson(res, status, { error: { code: status, message, status: gstatus } });

  const handleToken = async (res: ServerResponse, seen: SeenRequest) => {
    tokenCount++;
    if (tokenHang) {
      hanging.add(res);
      return;
    }
    if (nextTokenError) {
      const e = nextTokenError;
      nextTokenError = undefined;
      sendJson(res, e.status, e.body, e.headers);
      return;
    }
    if (!String(seen.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(res, 'invalid_request', 'Bad Request');
    }
    const form = new URLSearchParams(seen.body);
    if (form.get('grant_type') !== JWT_BEARER_GRANT)
      return oauthError(res, 'unsupported_grant_type', 'Invalid grant_type: ');
    const assertion = form.get('assertion') ?? '';
    const parts = assertion.split('.');
    if (parts.length !== 3) return oauthError(res, 'invalid_grant', 'Invalid JWT: not a JWS');
    const [h, p, s] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = b64urlJson(h);
      claims = b64urlJson(p);
    } catch {
      return oauthError(res, 'invalid_grant', 'Invalid JWT: unreadable');
    }
    if (header.alg !== 'RS256') return oauthError(res, 'invalid_grant', 'Invalid JWT: alg must be RS256');
    const iss = String(claims.iss ?? '');
    const pub = trusted.get(iss);
    if (!pub) return oauthError(res, 'invalid_grant', 'Invalid grant: account not found');
    if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), pub, Buffer.from(s, 'base64url'))) {
      return oauthError(res, 'invalid_grant', 'Invalid JWT Signature.');
    }
    const scopes = String(claims.scope ?? '').split(' ');
    if (!scopes.includes(CLOUD_PLATFORM_SCOPE))
      return oauthError(res, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    if (claims.aud !== tokenUrl)
      return oauthError(res, 'invalid_grant', 'Invalid JWT: Failed audience check.');
    const nowSec = Math.floor(Date.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (
      !Number.isFinite(iat) ||
      !Number.isFinite(exp) ||
      exp <= iat ||
      exp - iat > 3600 ||
      Math.abs(iat - nowSec) > 300 ||
      exp < nowSec
    ) {
      return oauthError(
        res,
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    }
    const token = `ya29.mock-${issued.length + 1}-${randomBytes(12).toString('base64url')}`;
    issued.push(token);
    tokens.set(token, { expiresAt: Date.now() + lifetime * 1000, email: iss });
    sendJson(res, 200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' });
  };

  const checkBearer = (res: ServerResponse, seen: SeenRequest): boolean => {
    const auth = String(seen.headers.authorization ?? '');
    const m = /^Bearer (.+)$/.exec(auth);
    const t = m ? tokens.get(m[1] as string) : undefined;
    if (!t || t.expiresAt <= Date.now()) {
      const e = GOOGLE_ERRORS.UNAUTHENTICATED();
      sendJson(res, e.status, e.body);
      return false;
    }
    return true;
  };

  const streamSse = async (res: ServerResponse, lines: string[], named: boolean) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let text = '';
    for (const l of lines) {
      const type = named ? (JSON.parse(l) as { type?: string }).type : undefined;
      text += sseFrame(l, type);
    }
    await writeAwkwardly(res, text);
    res.end();
  };

  const mock: MockServer = await startMock(async (_req, res, seen) => {
    const url = new URL(seen.url, 'http://mock');
    if (url.pathname === '/token' && seen.method === 'POST') return handleToken(res, seen);

    const list = /^\/v1beta1\/publishers\/(anthropic|google)\/models$/.exec(url.pathname);
    if (list && seen.method === 'GET') {
      if (!checkBearer(res, seen)) return;
      if (listDenied) {
        return googleError(
          res,
          403,
          'Caller does not have required permission to use project keybridge-test. Grant the caller the roles/serviceusage.serviceUsageConsumer role, or a custom role with the serviceusage.services.use permission, by visiting https://console.developers.google.com/iam-admin/iam/project?project=keybridge-test and then retry. Propagation of the new permission may take a few minutes.',
          'PERMISSION_DENIED',
        );
      }
      const publisherModels =
        list[1] === 'anthropic'
          ? [
              {
                name: 'publishers/anthropic/models/claude-sonnet-4-5',
                versionId: '20250929',
                launchStage: 'GA',
              },
              {
                name: 'publishers/anthropic/models/claude-opus-4-6',
                versionId: 'default',
                launchStage: 'GA',
              },
            ]
          : [
              { name: 'publishers/google/models/gemini-2.5-flash', versionId: 'default', launchStage: 'GA' },
              {
                name: 'publishers/google/models/gemini-embedding-001',
                versionId: 'default',
                launchStage: 'GA',
              },
              {
                name: 'publishers/google/models/imagen-4.0-generate-001',
                versionId: 'default',
                launchStage: 'GA',
              },
            ];
      return sendJson(res, 200, { publisherModels });
    }

    const m = MODEL_PATH.exec(url.pathname);
    if (!m || seen.method !== 'POST') {
      return googleError(
        res,
        404,
        `The requested URL ${url.pathname} was not found on this server.`,
        'NOT_FOUND',
      );
    }
    if (!checkBearer(res, seen)) return;
    const [, project, location, publisher, rawModel, method] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const model = decodeURIComponent(rawModel);
    if (!projects.has(project)) {
      const e = GOOGLE_ERRORS.CONSUMER_INVALID(project);
      return sendJson(res, e.status, e.body);
    }
    if (!/^[a-z][a-z0-9-]*$/.test(location) || (opts.locations && !opts.locations.includes(location))) {
      return googleError(res, 400, `Unsupported location: ${location}.`, 'INVALID_ARGUMENT');
    }
    if (nextError) {
      const e = nextError;
      nextError = undefined;
      return sendJson(res, e.status, e.body, e.headers);
    }
    if ((opts.unavailableModels ?? []).includes(model)) {
      const e = GOOGLE_ERRORS.MODEL_NOT_FOUND(project, model, location, publisher);
      return sendJson(res, e.status, e.body);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(seen.body) as Record<string, unknown>;
    } catch {
      return googleError(res, 400, 'Invalid JSON payload received.', 'INVALID_ARGUMENT');
    }

    if (publisher === 'anthropic') {
      if (model === 'count-tokens' && method === 'rawPredict') {
        if (typeof body.model !== 'string')
          return googleError(res, 400, 'model: Field required', 'INVALID_ARGUMENT');
        return sendJson(res, 200, { input_tokens: 12 });
      }
      if (method !== 'rawPredict' && method !== 'streamRawPredict') {
        return googleError(
          res,
          400,
          `Unsupported method ${method} for anthropic models.`,
          'INVALID_ARGUMENT',
        );
      }
      if (body.anthropic_version !== 'vertex-2023-10-16') {
        return sendJson(res, 400, {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: "anthropic_version: Input should be 'vertex-2023-10-16'",
          },
        });
      }
      if ('model' in body) {
        return sendJson(res, 400, {
          type: 'error',
          error: { type: 'invalid_request_error', message: 'model: Extra inputs are not permitted' },
        });
      }
      const stream = method === 'streamRawPredict';
      if (stream && body.stream !== true) {
        return googleError(
          res,
          400,
          'streamRawPredict requires "stream": true in the request body.',
          'INVALID_ARGUMENT',
        );
      }
      // 'conversation': answer like the Anthropic API would (validation, tools, signed thinking).
      if (claudeFixture === 'conversation')
        return answerMessages(res, { ...body, model }, stream, opts.promptCache);
      if (stream) return streamSse(res, fixtureChunks(`anthropic/${claudeFixture}.chunks.txt`), true);
      return sendJson(res, 200, fixtureJson(`anthropic/${claudeFixture}.json`));
    }

    // Google publisher (Gemini)
    if (!Array.isArray(body.contents)) {
      return googleError(
        res,
        400,
        'Invalid JSON payload received. Unknown name "messages": Cannot find field.',
        'INVALID_ARGUMENT',
      );
    }
    for (const c of body.contents as Array<Record<string, unknown>>) {
      if (c.role !== 'user' && c.role !== 'model') {
        return googleError(res, 400, 'Please use a valid role: user, model.', 'INVALID_ARGUMENT');
      }
    }
    if (method === 'countTokens') return sendJson(res, 200, { totalTokens: 3, totalBillableCharacters: 2 });
    if (geminiFixture === 'conversation' && method !== 'countTokens') {
      const stream = method === 'streamGenerateContent';
      return answerGenerateContent(res, body, { stream, sse: url.searchParams.get('alt') === 'sse' });
    }
    if (method === 'generateContent') return sendJson(res, 200, fixtureJson(`gemini/${geminiFixture}.json`));
    if (method === 'streamGenerateContent') {
      const lines = fixtureChunks(`gemini/${geminiFixture}.chunks.txt`);
      if (url.searchParams.get('alt') === 'sse') return streamSse(res, lines, false);
      return sendJson(
        res,
        200,
        lines.map((l) => JSON.parse(l) as unknown),
      );
    }
    return googleError(res, 400, `Unsupported method ${method}.`, 'INVALID_ARGUMENT');
  });

  tokenUrl = `${mock.url}/token`;

  const api: VertexMock = {
    url: mock.url,
    tokenUrl,
    tokenRequests: () => tokenCount,
    tokensIssued: () => [...issued],
    seen: mock.seen,
    apiRequests: () => mock.seen.filter((s) => !s.url.startsWith('/token')),
    trust(sa) {
      trusted.set(sa.clientEmail, sa.publicKeyPem);
    },
    makeServiceAccount(o = {}) {
      const sa = makeTestServiceAccount({ tokenUri: tokenUrl, ...o });
      api.trust(sa);
      projects.add(sa.projectId);
      return sa;
    },
    setNextError(err, ...args) {
      if (typeof err === 'string') {
        const make = GOOGLE_ERRORS[err] as (...a: string[]) => CannedError;
        nextError = make(...(args.length > 0 ? args : ['keybridge-test']));
      } else {
        nextError = err;
      }
    },
    setNextTokenError(err) {
      nextTokenError = err;
    },
    setTokenHang(on) {
      tokenHang = on;
    },
    setListDenied(on) {
      listDenied = on;
    },
    setFixtures(f) {
      if (f.claude) claudeFixture = f.claude;
      if (f.gemini) geminiFixture = f.gemini;
    },
    async close() {
      for (const r of hanging) r.destroy();
      await mock.close();
    },
  };
  return api;
}
