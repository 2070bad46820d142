import { invalidRequest } from '../../../canonical/errors.js';
import { toolArgumentsObject } from '../../../canonical/json.js';
import { answerSchema, withAnswerTool } from '../../../canonical/structured-output.js';
import type {
  CacheControl,
  CanonicalRequest,
  DocumentPart,
  ImagePart,
  ImageSource,
  Message,
  Part,
  ReasoningSettings,
} from '../../../canonical/types.js';
import {
  closedObjects,
  hasNativeStructuredOutput,
} from '../../../dialects/anthropic/canonical-to-request.js';
import { filtersSafety } from '../../../dialects/dropped-params.js';
import type { EncodeRequestOptions, SendParam } from '../../../dialects/types.js';
import { proxyMsg } from '../../../messages.js';
import { type BedrockModelFamily, modelFamily } from '../model-family.js';

type Block = Record<string, unknown>;

const IMAGE_FORMATS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

/** A `cachePoint` block: Converse marks "cache everything up to here" with a separate block. */
function cachePoint(cc: CacheControl): Block {
  return { cachePoint: cc.ttl ? { type: 'default', ttl: cc.ttl } : { type: 'default' } };
}

/** Inline bytes (base64) from a canonical source; data: URLs are unpacked, s3:// kept as a location. */
function bytesSource(source: ImageSource, what: string): { mediaType?: string; source: Block } {
  if (source.kind === 'base64') return { mediaType: source.mediaType, source: { bytes: source.data } };
  const dataUrl = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(source.url);
  if (dataUrl) {
    const data = dataUrl[2]
      ? dataUrl[3]!
      : Buffer.from(decodeURIComponent(dataUrl[3]!), 'utf8').toString('base64');
    return { mediaType: dataUrl[1], source: { bytes: data } };
  }
  if (source.url.startsWith('s3://')) return { source: { s3Location: { uri: source.url } } };
  const url = source.url.slice(0, 80);
  throw invalidRequest(
    `Bedrock needs ${what}s sent inline, but this request links to one by URL (${url})`,
    `Attach the ${what} as a file (base64) instead of a web link, or use a model on another provider.`,
    what === 'image'
      ? { message: proxyMsg('bedrockImageLink', { url }), hint: proxyMsg('bedrockImageLinkHint') }
      : { message: proxyMsg('bedrockDocumentLink', { url }), hint: proxyMsg('bedrockDocumentLinkHint') },
  );
}

function imageFormatFromUrl(url: string): string | undefined {
  const ext = /\.(png|jpe?g|gif|webp)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase();
  return ext === 'jpg' ? 'jpeg' : ext;
}

function imageBlock(part: ImagePart): Block {
  const { mediaType, source } = bytesSource(part.source, 'image');
  const format =
    (mediaType && IMAGE_FORMATS[mediaType.toLowerCase()]) ||
    (part.source.kind === 'url' ? imageFormatFromUrl(part.source.url) : undefined);
  if (!format) {
    throw invalidRequest(
      `Bedrock accepts PNG, JPEG, GIF and WebP images; this one is ${mediaType ?? 'of an unknown type'}`,
      'Convert the image to PNG or JPEG and attach it again.',
      {
        message: proxyMsg('bedrockImageType', { type: mediaType ?? '?' }),
        hint: proxyMsg('bedrockImageTypeHint'),
      },
    );
  }
  return { image: { format, source } };
}

/** Converse document names allow letters, digits, single spaces, hyphens, parentheses and brackets. */
function documentName(title: string | undefined, n: number): string {
  const cleaned = (title ?? '')
    .replace(/[^A-Za-z0-9\s\-()[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return cleaned || `document-${n}`;
}

function documentBlock(part: DocumentPart, n: number): Block {
  const { mediaType, source } = bytesSource(part.source, 'document');
  const format = mediaType ? DOCUMENT_FORMATS[mediaType.toLowerCase()] : undefined;
  if (!format) {
    throw invalidRequest(
      `Bedrock does not accept documents of type ${mediaType ?? 'unknown'}`,
      'Attach the document as PDF, Word, Excel, CSV, HTML, Markdown or plain text.',
      {
        message: proxyMsg('bedrockDocumentType', { type: mediaType ?? '?' }),
        hint: proxyMsg('bedrockDocumentTypeHint'),
      },
    );
  }
  return { document: { format, name: documentName(part.title, n), source } };
}

interface EncodeCtx {
  family: BedrockModelFamily;
  docCount: number;
}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

function resultContent(part: Extract<Part, { type: 'tool_result' }>, ctx: EncodeCtx): Block[] {
  const out: Block[] = [];
  for (const c of part.content) {
    if (c.type === 'text') {
      if (!isBlank(c.text)) out.push({ text: c.text });
    } else if (c.type === 'image') out.push(imageBlock(c));
    else out.push(documentBlock(c, ++ctx.docCount));
  }
  // Converse rejects an empty tool result.
  return out.length > 0 ? out : [{ text: '(empty)' }];
}

function encodePart(part: Part, ctx: EncodeCtx): Block[] {
  const blocks: Block[] = [];
  switch (part.type) {
    case 'text':
      // Converse rejects blank text blocks.
      if (!isBlank(part.text)) blocks.push({ text: part.text });
      break;
    case 'image':
      blocks.push(imageBlock(part));
      break;
    case 'document':
      blocks.push(documentBlock(part, ++ctx.docCount));
      break;
    case 'tool_call':
      blocks.push({
        toolUse: { toolUseId: part.id, name: part.name, input: toolArgumentsObject(part.arguments) },
      });
      break;
    case 'tool_result':
      blocks.push({
        toolResult: {
          toolUseId: part.toolCallId,
          content: resultContent(part, ctx),
          status: part.isError ? 'error' : 'success',
        },
      });
      break;
    case 'thinking':
      // Only signed (Claude) reasoning can be replayed; other models' reasoning is dropped from history.
      if (ctx.family === 'anthropic' && part.signature) {
        blocks.push({ reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } });
      }
      break;
    case 'redacted_thinking':
      if (ctx.family === 'anthropic') blocks.push({ reasoningContent: { redactedContent: part.data } });
      break;
  }
  const cc = 'cacheControl' in part ? part.cacheControl : undefined;
  if (cc && blocks.length > 0) blocks.push(cachePoint(cc));
  return blocks;
}

/** Converse wants alternating user/assistant turns that start with the user. */
function encodeMessages(messages: Message[], ctx: EncodeCtx): Array<{ role: string; content: Block[] }> {
  const out: Array<{ role: string; content: Block[] }> = [];
  for (const m of messages) {
    const content = m.content.flatMap((p) => encodePart(p, ctx));
    if (content.length === 0 || content.every((b) => 'cachePoint' in b)) continue;
    const last = out[out.length - 1];
    if (last && last.role === m.role) last.content.push(...content);
    else out.push({ role: m.role, content });
  }
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: [{ text: '.' }] });
  return out;
}

function encodeSystem(req: CanonicalRequest): Block[] {
  const blocks: Block[] = [];
  for (const p of req.system) {
    if (isBlank(p.text)) continue;
    blocks.push({ text: p.text });
    if (p.cacheControl) blocks.push(cachePoint(p.cacheControl));
  }
  const rf = req.responseFormat;
  // Converse has no portable JSON mode; ask for it in words so the answer stays parseable.
  if (rf?.type === 'json_object') {
    blocks.push({ text: 'Respond with a single valid JSON object and nothing else.' });
  } else if (rf?.type === 'json_schema') {
    blocks.push({
      text: `Respond with a single JSON value that matches this JSON Schema, and nothing else:\n${JSON.stringify(rf.schema)}`,
    });
  }
  return blocks;
}

/** Tools named in the history must be declared, or Converse refuses toolUse/toolResult blocks. */
function historyToolNames(messages: Message[]): string[] {
  const names = new Set<string>();
  for (const m of messages) {
    for (const p of m.content) {
      if (p.type === 'tool_call') names.add(p.name);
      if (p.type === 'tool_result' && p.name) names.add(p.name);
    }
  }
  return [...names];
}

function encodeToolConfig(req: CanonicalRequest, family: BedrockModelFamily): Block | undefined {
  const tools: Block[] = [];
  for (const t of req.tools ?? []) {
    const spec: Block = { name: t.name, inputSchema: { json: t.parameters } };
    if (t.description) spec.description = t.description;
    tools.push({ toolSpec: spec });
    if (t.cacheControl) tools.push(cachePoint(t.cacheControl));
  }
  const declared = new Set((req.tools ?? []).map((t) => t.name));
  const hasHistoryTools = req.messages.some((m) =>
    m.content.some((p) => p.type === 'tool_call' || p.type === 'tool_result'),
  );
  if (hasHistoryTools) {
    for (const name of historyToolNames(req.messages)) {
      if (!declared.has(name)) {
        tools.push({ toolSpec: { name, inputSchema: { json: { type: 'object', properties: {} } } } });
        declared.add(name);
      }
    }
    if (declared.size === 0) {
      // Tool results without names (OpenAI): declare a placeholder so Converse accepts the history.
      tools.push({
        toolSpec: { name: 'unused_tool', inputSchema: { json: { type: 'object', properties: {} } } },
      });
    }
  }
  if (tools.length === 0) return undefined;
  const choice = req.toolChoice;
  // `none` has no Converse form: without tool blocks in the history the tools are left out, so
  // the model cannot call one; with them, Converse insists on the declarations.
  if (choice?.type === 'none' && !hasHistoryTools) return undefined;
  const config: Block = { tools };
  // `auto` is the default and some models (Llama) reject an explicit toolChoice.
  if (choice?.type === 'required' && family !== 'meta') config.toolChoice = { any: {} };
  if (choice?.type === 'tool' && family !== 'meta') config.toolChoice = { tool: { name: choice.name } };
  return config;
}

function effortFromBudget(budget: number | undefined): 'low' | 'medium' | 'high' {
  if (budget === undefined) return 'medium';
  if (budget <= 2048) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

/** low/medium/high from an effort (minimal → low) or, failing that, a token budget. */
function effortOf(r: ReasoningSettings): 'low' | 'medium' | 'high' {
  if (r.effort === 'minimal') return 'low';
  return r.effort ?? effortFromBudget(r.budgetTokens);
}

const BUDGET_FOR_EFFORT = { minimal: 1024, low: 2048, medium: 8192, high: 24576 } as const;

/** Per-family extras for reasoning and top_k that Converse carries in additionalModelRequestFields. */
function additionalFields(
  req: CanonicalRequest,
  family: BedrockModelFamily,
  inference: Record<string, unknown>,
): Block | undefined {
  const extra: Block = {};
  const r: ReasoningSettings | undefined = thinkingAllowed(req, family) ? req.reasoning : undefined;
  if (r?.enabled) {
    if (family === 'anthropic') {
      const budget = Math.max(1024, r.budgetTokens ?? (r.effort ? BUDGET_FOR_EFFORT[r.effort] : 4096));
      extra.thinking = { type: 'enabled', budget_tokens: budget };
      const max = inference.maxTokens;
      if (typeof max !== 'number' || max <= budget) inference.maxTokens = budget + 4096;
      // Claude refuses temperature/top_p/top_k changes while thinking.
      delete inference.temperature;
      delete inference.topP;
    } else if (family === 'openai-gpt-oss') {
      extra.reasoning_effort = effortOf(r);
    } else if (family === 'amazon-nova-2') {
      extra.reasoningConfig = {
        type: 'enabled',
        maxReasoningEffort: effortOf(r),
      };
    }
  }
  if (req.topK !== undefined && !(family === 'anthropic' && r?.enabled)) {
    if (family === 'anthropic' || family === 'mistral') extra.top_k = req.topK;
    else if (family === 'amazon-nova' || family === 'amazon-nova-2')
      extra.inferenceConfig = { topK: req.topK };
  }
  return Object.keys(extra).length > 0 ? extra : undefined;
}

/** Families that take a reasoning setting through Converse. */
const REASONING_FAMILIES: ReadonlySet<BedrockModelFamily> = new Set([
  'anthropic',
  'openai-gpt-oss',
  'amazon-nova-2',
]);

/** Claude refuses thinking together with a forced tool call; the forced call is what the client needs. */
function thinkingAllowed(req: CanonicalRequest, family: BedrockModelFamily): boolean {
  const forced = req.toolChoice?.type === 'required' || req.toolChoice?.type === 'tool';
  return !(family === 'anthropic' && forced);
}

/** Claude without native structured output gets the schema as a forced tool (see structured-output.ts). */
function shaped(req: CanonicalRequest, opts: EncodeRequestOptions): CanonicalRequest {
  if (!answerSchema(req) || modelFamily(opts.upstreamModel) !== 'anthropic') return req;
  if (req.responseFormat?.type === 'json_schema' && hasNativeStructuredOutput(opts.upstreamModel)) return req;
  return withAnswerTool(req);
}

/** Canonical request → Converse / ConverseStream body (the model id goes in the URL, not here). */
export function canonicalToConverseRequest(
  input: CanonicalRequest,
  opts: EncodeRequestOptions,
): Record<string, unknown> {
  const req = shaped(input, opts);
  const family = modelFamily(opts.upstreamModel);
  const ctx: EncodeCtx = { family, docCount: 0 };
  const body: Record<string, unknown> = { messages: encodeMessages(req.messages, ctx) };
  const system = encodeSystem(req);
  if (system.length > 0) body.system = system;

  const inference: Record<string, unknown> = {};
  if (req.maxTokens !== undefined) inference.maxTokens = req.maxTokens;
  if (req.temperature !== undefined) inference.temperature = req.temperature;
  if (req.topP !== undefined) inference.topP = req.topP;
  if (req.stopSequences && req.stopSequences.length > 0) inference.stopSequences = req.stopSequences;
  const extra = additionalFields(req, family, inference);
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  if (extra) body.additionalModelRequestFields = extra;

  const toolConfig = encodeToolConfig(req, family);
  if (toolConfig) body.toolConfig = toolConfig;
  const format = req.responseFormat;
  if (family === 'anthropic' && format?.type === 'json_schema') {
    // Native structured output: Converse takes the schema as a JSON string.
    body.outputConfig = {
      textFormat: {
        type: 'json_schema',
        structure: {
          jsonSchema: {
            schema: JSON.stringify(closedObjects(format.schema)),
            ...(format.name ? { name: format.name } : {}),
          },
        },
      },
    };
  }
  return body;
}

/** What Converse cannot send of this request for this model family (left out of the body above). */
export function converseUnsupportedParams(input: CanonicalRequest, opts: EncodeRequestOptions): SendParam[] {
  const req = shaped(input, opts);
  const family = modelFamily(opts.upstreamModel);
  const out: SendParam[] = [];
  if (req.seed !== undefined) out.push('seed');
  if (req.presencePenalty !== undefined) out.push('presencePenalty');
  if (req.frequencyPenalty !== undefined) out.push('frequencyPenalty');
  if (req.user) out.push('user');
  const thinking = req.reasoning?.enabled === true;
  const claudeThinking = family === 'anthropic' && thinking && thinkingAllowed(req, family);
  if (thinking && (!REASONING_FAMILIES.has(family) || !thinkingAllowed(req, family))) out.push('reasoning');
  if (claudeThinking && req.temperature !== undefined) out.push('temperature');
  if (claudeThinking && req.topP !== undefined) out.push('topP');
  if (req.topK !== undefined) {
    const carried = ['anthropic', 'mistral', 'amazon-nova', 'amazon-nova-2'].includes(family);
    if (!carried || claudeThinking) out.push('topK');
  }
  const hasTools = (req.tools?.length ?? 0) > 0;
  if (req.parallelToolCalls === false && hasTools) out.push('parallelToolCalls');
  const choice = req.toolChoice?.type;
  if (hasTools && family === 'meta' && (choice === 'required' || choice === 'tool')) out.push('toolChoice');
  if (req.responseFormat && req.responseFormat.type !== 'text' && family !== 'anthropic') {
    out.push('responseFormat');
  }
  if (filtersSafety(req)) out.push('safetySettings');
  return out;
}
