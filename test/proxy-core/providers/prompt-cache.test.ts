import { afterAll, describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../../proxy-core/src/canonical/types.js';
import { createCodecSet } from '../../../proxy-core/src/dialects/registry.js';
import { bedrockAccountSchema } from '../../../proxy-core/src/providers/bedrock/config.js';
import { bedrockConverseCodec } from '../../../proxy-core/src/providers/bedrock/converse/index.js';
import { createBedrockProvider } from '../../../proxy-core/src/providers/bedrock/index.js';
import {
  applyPromptCache,
  effectiveTtl,
  estimateTextTokens,
  minimumCacheableTokens,
  type PromptCacheSettings,
} from '../../../proxy-core/src/providers/prompt-cache.js';
import { redactingProvider } from '../../../proxy-core/src/security/redacting-upstream.js';
import { SecretRedactor } from '../../../proxy-core/src/security/redactor.js';
import { createUndiciHttpClient } from '../../../proxy-core/src/transport/undici-http-client.js';
import { characterCard, createClaudeCacheSim, simTokens } from '../../upstreams/claude-cache.js';

type Json = Record<string, unknown>;

const AUTO: PromptCacheSettings = { mode: 'auto', ttl: '5m' };
const codecs = createCodecSet([bedrockConverseCodec]);

// A real Bedrock provider (no call is made: only its 1-hour-TTL fact is read).
const http = createUndiciHttpClient();
afterAll(() => http.close());
const bedrock = createBedrockProvider(
  bedrockAccountSchema.parse({
    id: 'aws',
    provider: 'bedrock',
    region: 'us-east-1',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  }),
  { http, now: Date.now, baseDir: '.' },
);

// The Claude API (and Vertex): the Anthropic Messages codec, a provider with every TTL.
const anthropicTarget = {
  codec: codecs.wire('anthropic'),
  provider: {},
  upstreamModel: 'claude-sonnet-4-5-20250929',
};

function chat(turns: number, system: string): Json {
  const messages: Json[] = [];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'user', content: `Turn ${i}: Aria, tell me about valley ${i}.` });
    if (i < turns - 1) messages.push({ role: 'assistant', content: `Valley ${i} is green and wide.` });
  }
  return { model: 'x', max_tokens: 200, system, messages };
}

function markersOf(body: Json): string[] {
  const out: string[] = [];
  const scan = (list: unknown, where: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((b, i) => {
      if (b && typeof b === 'object' && 'cache_control' in b) out.push(`${where}.${i}`);
    });
  };
  scan(body.tools, 'tools');
  scan(body.system, 'system');
  for (const [i, m] of (body.messages as Json[]).entries()) scan(m.content, `messages.${i}`);
  return out;
}

describe('breakpoints in an Anthropic Messages body', () => {
  it('marks the system prompt, the previous user turn and the last user turn; nothing else changes', () => {
    const body = chat(3, characterCard(3000));
    const before = JSON.stringify(body);
    const out = applyPromptCache(body, anthropicTarget, AUTO);
    expect(JSON.stringify(body)).toBe(before); // the client's body is not touched
    expect(markersOf(out)).toEqual(['system.0', 'messages.2.0', 'messages.4.0']);
    // A string system prompt / turn becomes the one text block it stands for.
    expect((out.system as Json[])[0]).toEqual({
      type: 'text',
      text: body.system,
      cache_control: { type: 'ephemeral' },
    });
    expect((out.messages as Json[])[1]).toBe((body.messages as Json[])[1]);
    expect(createClaudeCacheSim().check(out)).toBeUndefined();
  });

  it('adds nothing to a prompt shorter than the model minimum', () => {
    const body = chat(2, 'You are Aria.');
    expect(applyPromptCache(body, anthropicTarget, AUTO)).toBe(body);
    // Haiku 4.5 needs 4,096 tokens: a 3,000-token card is not enough there.
    const haiku = { ...anthropicTarget, upstreamModel: 'claude-haiku-4-5-20251001' };
    const card = chat(2, characterCard(3000));
    expect(applyPromptCache(card, haiku, AUTO)).toBe(card);
  });

  it('never marks a prefix the simulated Claude would find too short', () => {
    // Estimates stay below Claude's count, for English and for Chinese text.
    for (const text of [characterCard(1200), '艾莉亚是一位来自维尔特河城的旅行制图师。'.repeat(60)]) {
      expect(estimateTextTokens(text)).toBeLessThanOrEqual(simTokens(text));
    }
    const body = chat(2, characterCard(900)); // under 1,024 by Claude's count
    expect(markersOf(applyPromptCache(body, anthropicTarget, AUTO))).toEqual([]);
  });

  it('leaves a client that placed its own markers exactly as sent', () => {
    const body = chat(3, 'short');
    (body.messages as Json[])[0] = {
      role: 'user',
      content: [{ type: 'text', text: characterCard(3000), cache_control: { type: 'ephemeral' } }],
    };
    expect(applyPromptCache(body, anthropicTarget, AUTO)).toBe(body);
    const automatic = { ...chat(3, characterCard(3000)), cache_control: { type: 'ephemeral' } };
    expect(applyPromptCache(automatic, anthropicTarget, AUTO)).toBe(automatic);
  });

  it('marks the last tool when there is no system prompt, and skips thinking blocks', () => {
    const tools = [{ name: 'map', description: characterCard(2000), input_schema: { type: 'object' } }];
    const body: Json = {
      model: 'x',
      max_tokens: 100,
      tools,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Draw a map.' },
            { type: 'text', text: '' },
          ],
        },
      ],
    };
    const out = applyPromptCache(body, anthropicTarget, AUTO);
    expect(markersOf(out)).toEqual(['tools.0', 'messages.0.0']);
    expect(createClaudeCacheSim().check(out)).toBeUndefined();
  });

  it('is off when the account says so', () => {
    const body = chat(3, characterCard(3000));
    expect(applyPromptCache(body, anthropicTarget, { mode: 'off', ttl: '5m' })).toBe(body);
    // Not a Claude model (an Anthropic-compatible gateway serving something else): nothing.
    expect(applyPromptCache(body, { ...anthropicTarget, upstreamModel: 'deepseek-chat' }, AUTO)).toBe(body);
  });

  it('uses a 1-hour TTL where the upstream has one, else 5 minutes', () => {
    const body = chat(3, characterCard(3000));
    const out = applyPromptCache(body, anthropicTarget, { mode: 'auto', ttl: '1h' });
    expect((out.system as Json[])[0]!.cache_control).toEqual({ type: 'ephemeral', ttl: '1h' });
    expect(
      effectiveTtl(
        {
          codec: codecs.wire('anthropic'),
          provider: bedrock,
          upstreamModel: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
        },
        '1h',
      ),
    ).toBe('5m');
    expect(
      effectiveTtl(
        {
          codec: codecs.wire('anthropic'),
          provider: bedrock,
          upstreamModel: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
        },
        '1h',
      ),
    ).toBe('1h');
  });

  it('keeps Bedrock’s 5-minute rule for older Claude models behind the proxy’s secret redactor', () => {
    const body = chat(3, characterCard(3000));
    const wrapped = redactingProvider(bedrock, SecretRedactor.shapesOnly);
    const marker = (upstreamModel: string) =>
      (
        applyPromptCache(
          body,
          { codec: codecs.wire('anthropic'), provider: wrapped, upstreamModel },
          {
            mode: 'auto',
            ttl: '1h',
          },
        ).system as Json[]
      )[0]!.cache_control;
    expect(marker('us.anthropic.claude-3-7-sonnet-20250219-v1:0')).toEqual({ type: 'ephemeral' });
    expect(marker('global.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({
      type: 'ephemeral',
      ttl: '1h',
    });
  });

  it('knows each model’s minimum from any provider spelling', () => {
    expect(minimumCacheableTokens('claude-sonnet-4-5@20250929')).toBe(1024);
    expect(minimumCacheableTokens('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(2048);
    expect(minimumCacheableTokens('claude-opus-4-20250514')).toBe(1024);
    expect(minimumCacheableTokens('claude-opus-4-6')).toBe(4096);
    expect(minimumCacheableTokens('claude-haiku-4-5-20251001')).toBe(4096);
    expect(minimumCacheableTokens('claude-opus-5')).toBe(512);
    expect(minimumCacheableTokens('claude-next-thing')).toBeUndefined();
    expect(minimumCacheableTokens('claude-sonnet-9')).toBe(4096); // unknown Claude: the largest
  });
});

describe('cache points in a Bedrock Converse body', () => {
  const target = {
    codec: codecs.wire('bedrock-converse'),
    provider: bedrock,
    upstreamModel: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  };
  const canonical = (turns: number): CanonicalRequest => {
    const body = chat(turns, characterCard(3000));
    return codecs.dialect('openai').decodeRequest(
      {
        model: 'claude',
        messages: [{ role: 'system', content: body.system }, ...(body.messages as Json[])],
      },
      {},
    );
  };

  it('inserts cachePoint blocks after the system prompt and the last two user turns', () => {
    const body = codecs
      .wire('bedrock-converse')
      .encodeRequest(canonical(3), { upstreamModel: target.upstreamModel });
    const out = applyPromptCache(body, target, AUTO);
    expect((out.system as Json[]).at(-1)).toEqual({ cachePoint: { type: 'default' } });
    const msgs = out.messages as Array<{ role: string; content: Json[] }>;
    expect(msgs[2]!.content.at(-1)).toEqual({ cachePoint: { type: 'default' } });
    expect(msgs[4]!.content.at(-1)).toEqual({ cachePoint: { type: 'default' } });
    expect(msgs[1]!.content.some((b) => 'cachePoint' in b)).toBe(false);
    expect(createClaudeCacheSim().check(out, 'converse')).toBeUndefined();
  });

  it('reads the history from cache on the next turn', () => {
    const sim = createClaudeCacheSim();
    const enc = (n: number) =>
      applyPromptCache(
        codecs.wire('bedrock-converse').encodeRequest(canonical(n), { upstreamModel: target.upstreamModel }),
        target,
        AUTO,
      );
    const first = sim.use(enc(3), target.upstreamModel, 'converse');
    expect(first.read).toBe(0);
    expect(first.write).toBeGreaterThan(3000);
    const second = sim.use(enc(4), target.upstreamModel, 'converse');
    expect(second.read).toBe(first.write);
    expect(second.write).toBeGreaterThan(0);
  });

  it('keeps a client’s own cache points and adds none', () => {
    const req = canonical(3);
    req.system[0] = { ...req.system[0]!, cacheControl: { type: 'ephemeral' } };
    const body = codecs.wire('bedrock-converse').encodeRequest(req, { upstreamModel: target.upstreamModel });
    expect(applyPromptCache(body, target, AUTO)).toBe(body);
  });
});

describe('the simulated Claude cache (the mocks’ referee)', () => {
  it('refuses what Claude refuses', () => {
    const sim = createClaudeCacheSim();
    const mark = { type: 'ephemeral' };
    const five = {
      model: 'x',
      max_tokens: 10,
      messages: [1, 2, 3, 4, 5].map((i) => ({
        role: i % 2 ? 'user' : 'assistant',
        content: [{ type: 'text', text: `t${i}`, cache_control: mark }],
      })),
    };
    expect(sim.check(five)).toMatch(/maximum of 4 blocks/);
    const order = {
      model: 'x',
      max_tokens: 10,
      system: [{ type: 'text', text: 'a', cache_control: mark }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'b', cache_control: { ...mark, ttl: '1h' } }] },
      ],
    };
    expect(sim.check(order)).toMatch(/must not come after/);
    const thinking = {
      model: 'x',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [{ type: 'thinking', thinking: 'hm', signature: 's', cache_control: mark }],
        },
      ],
    };
    expect(sim.check(thinking)).toMatch(/thinking/);
  });

  it('caches nothing below the minimum and forgets after the TTL', () => {
    const sim = createClaudeCacheSim();
    const body = (text: string) => ({
      model: 'x',
      max_tokens: 10,
      system: [{ type: 'text', text, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'q' }],
    });
    expect(sim.use(body('short'), 'claude-sonnet-4-5')).toMatchObject({ read: 0, write: 0 });
    const long = body(characterCard(2000));
    expect(sim.use(long, 'claude-sonnet-4-5').write).toBeGreaterThan(2000);
    expect(sim.use(long, 'claude-sonnet-4-5').read).toBeGreaterThan(2000);
    sim.advance(6 * 60_000);
    expect(sim.use(long, 'claude-sonnet-4-5').read).toBe(0);
  });
});
