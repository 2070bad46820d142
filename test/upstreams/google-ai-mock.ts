import type { IncomingMessage, ServerResponse } from 'node:http';
import { fixtureChunks, fixtureJson } from '../support/fixtures.js';
import { candidateCountOf, FirstTextMarker, geminiCandidates } from './choices.js';
import { answerGenerateContent } from './gemini-conversation.js';
import { type MockServer, sendJson, sseFrame, startMock, writeAwkwardly } from './support.js';

/**
 * A faithful stand-in for Google AI Studio (generativelanguage.googleapis.com): checks the API key
 * (x-goog-api-key, or ?key=), the method and the path (v1beta, v1 — the @google/genai default — and v1alpha); lists models in pages; answers
 * generateContent from the real captures and streamGenerateContent?alt=sse by re-framing the
 * captured chunks as SSE written in awkward pieces; errors come in Google's JSON shape.
 *
 * Special model ids: `quota-model` → 429 with RetryInfo, `blocked-region-model` → location error,
 * `broken-stream-model` → a stream that fails midway with an error event.
 */
export interface GoogleAiMockOptions {
  apiKey: string;
  /** Page size of the model list (to exercise nextPageToken). */
  pageSize?: number;
}

export interface GoogleAiMock extends MockServer {
  /** Parsed bodies of the generate calls, in order. */
  bodies: Array<Record<string, unknown>>;
}

const MODELS = [
  {
    name: 'models/gemini-2.5-pro',
    displayName: 'Gemini 2.5 Pro',
    inputTokenLimit: 1048576,
    methods: ['generateContent', 'countTokens'],
  },
  {
    name: 'models/gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    inputTokenLimit: 1048576,
    methods: ['generateContent'],
  },
  {
    name: 'models/text-embedding-004',
    displayName: 'Text Embedding 004',
    inputTokenLimit: 2048,
    methods: ['embedContent'],
  },
  {
    name: 'models/gemini-3-pro-preview',
    displayName: 'Gemini 3 Pro Preview',
    inputTokenLimit: 1048576,
    methods: ['generateContent'],
  },
  { name: 'models/quota-model', displayName: 'Quota', inputTokenLimit: 1000, methods: ['generateContent'] },
  {
    name: 'models/blocked-region-model',
    displayName: 'Region',
    inputTokenLimit: 1000,
    methods: ['generateContent'],
  },
  {
    name: 'models/broken-stream-model',
    displayName: 'Broken',
    inputTokenLimit: 1000,
    methods: ['generateContent'],
  },
];

function googleError(
  res: ServerResponse,
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): void {
  sendJson(res, code, { error: { code, message, status, ...(details ? { details } : {}) } });
}

function badKey(res: ServerResponse): void {
  googleError(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
  ]);
}

/** Which capture answers a request: tool calls when tools are offered, thoughts when asked for. */
function captureFor(body: Record<string, unknown>, model: string): string {
  const gemini3 = model.startsWith('gemini-3');
  if (Array.isArray(body.tools) && body.tools.length > 0)
    return gemini3 ? 'gemini/google-tool-call-gemini3' : 'gemini/google-tool-call';
  const gc = body.generationConfig as { thinkingConfig?: { includeThoughts?: boolean } } | undefined;
  if (gc?.thinkingConfig?.includeThoughts)
    return gemini3 ? 'gemini/google-reasoning-gemini3' : 'gemini/google-reasoning';
  return 'gemini/google-text';
}

export async function startGoogleAiMock(opts: GoogleAiMockOptions): Promise<GoogleAiMock> {
  const bodies: Array<Record<string, unknown>> = [];
  const handler = async (req: IncomingMessage, res: ServerResponse, seenBody: string) => {
    const url = new URL(req.url ?? '/', 'http://mock');
    const key = req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (key !== opts.apiKey) {
      badKey(res);
      return;
    }
    const path = url.pathname;
    if (/^\/(v1beta|v1|v1alpha)\/models$/.test(path)) {
      if (req.method !== 'GET') return googleError(res, 405, 'INVALID_ARGUMENT', 'Method not allowed.');
      const size = Number(url.searchParams.get('pageSize') ?? 50);
      const pageSize = Math.min(size, opts.pageSize ?? 50);
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const page = MODELS.slice(start, start + pageSize).map((m) => ({
        name: m.name,
        version: '001',
        displayName: m.displayName,
        inputTokenLimit: m.inputTokenLimit,
        outputTokenLimit: 65536,
        supportedGenerationMethods: m.methods,
      }));
      const next = start + pageSize < MODELS.length ? String(start + pageSize) : undefined;
      sendJson(res, 200, { models: page, ...(next ? { nextPageToken: next } : {}) });
      return;
    }
    const m =
      /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(
        path,
      );
    if (!m) return googleError(res, 404, 'NOT_FOUND', `Method not found: ${path}`);
    if (req.method !== 'POST') return googleError(res, 405, 'INVALID_ARGUMENT', 'Method not allowed.');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const model = decodeURIComponent(m[1] ?? '');
    const stream = m[2] === 'streamGenerateContent';
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(seenBody) as Record<string, unknown>;
    } catch {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.');
    }
    if (m[2] === 'countTokens') {
      // Either `contents`, or a whole `generateContentRequest` (which names its model), never both.
      const inner = body.generateContentRequest as Record<string, unknown> | undefined;
      const contents = inner ? inner.contents : body.contents;
      if (
        (inner && body.contents) ||
        (inner && inner.model !== `models/${model}`) ||
        !Array.isArray(contents)
      ) {
        return googleError(
          res,
          400,
          'INVALID_ARGUMENT',
          'countTokens takes contents or a generateContentRequest for this model.',
        );
      }
      return sendJson(res, 200, { totalTokens: Math.ceil(seenBody.length / 4), promptTokensDetails: [] });
    }
    bodies.push(body);
    if ('model' in body) {
      return googleError(
        res,
        400,
        'INVALID_ARGUMENT',
        'Invalid JSON payload received. Unknown name "model": Cannot find field.',
      );
    }
    if (!Array.isArray(body.contents) || body.contents.length === 0) {
      return googleError(
        res,
        400,
        'INVALID_ARGUMENT',
        '* GenerateContentRequest.contents: contents is not specified',
      );
    }
    if (!MODELS.some((x) => x.name === `models/${model}`)) {
      return googleError(
        res,
        404,
        'NOT_FOUND',
        `models/${model} is not found for API version v1beta, or is not supported for generateContent.`,
      );
    }
    if (model === 'quota-model') {
      sendJson(res, 429, fixtureJson('gemini/google-429-retry-info.json'));
      return;
    }
    if (model === 'blocked-region-model') {
      return googleError(res, 400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.');
    }
    if (model !== 'broken-stream-model' && !model.startsWith('gemini-2')) {
      // Gemini 3 and others: answer per conversation, checking replayed thought signatures.
      return answerGenerateContent(res, body, { stream, sse: url.searchParams.get('alt') === 'sse' });
    }
    const capture = captureFor(body, model);
    const n = candidateCountOf(body);
    const marker = new FirstTextMarker();
    if (!stream) {
      sendJson(res, 200, geminiCandidates(fixtureJson(`${capture}.json`), n, marker));
      return;
    }
    if (url.searchParams.get('alt') !== 'sse') {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'This mock only streams with alt=sse.');
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let lines = fixtureChunks(`${capture}.chunks.txt`).map((l) =>
      JSON.stringify(geminiCandidates(JSON.parse(l) as Record<string, unknown>, n, marker)),
    );
    if (model === 'broken-stream-model') {
      lines = [
        ...lines.slice(0, 1),
        JSON.stringify({
          error: {
            code: 503,
            message: 'The model is overloaded. Please try again later.',
            status: 'UNAVAILABLE',
          },
        }),
      ];
    }
    // Google ends SSE lines with CRLF.
    await writeAwkwardly(res, lines.map((l) => sseFrame(l).replace(/\n/g, '\r\n')).join(''));
    res.end();
  };
  const mock = await startMock((req, res, seen) => handler(req, res, seen.body));
  return Object.assign(mock, { bodies });
}
