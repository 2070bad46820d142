import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appSettingsSchema, MESSAGES, zodIssueRef } from '../../app/contract/index.js';
import { validateCoreAccount } from '../../app/services/account-fields.js';
import { createI18n, type Locale, type MessageTexts } from '../../renderer/src/i18n/index.js';
import enTexts from '../../renderer/src/i18n/locales/en.json' with { type: 'json' };
import zhCN from '../../renderer/src/i18n/locales/zh-CN.json' with { type: 'json' };
import { formatFieldError, formatMessage } from '../../renderer/src/i18n/messages.js';

const MESSAGE_TEXTS: Record<Locale, MessageTexts> = { en: enTexts.msg, 'zh-CN': zhCN.msg };

const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]))].sort();

describe('message catalog', () => {
  const codes = Object.keys(MESSAGES) as (keyof typeof MESSAGES)[];

  it('every code has an English and a Chinese text using exactly its parameters', () => {
    const problems: string[] = [];
    for (const code of codes) {
      const params = [...MESSAGES[code]].sort();
      for (const [lang, texts] of Object.entries(MESSAGE_TEXTS)) {
        const text = (texts as Record<string, string | undefined>)[code];
        if (!text?.trim()) problems.push(`${lang} ${code}: no text`);
        else if (JSON.stringify(placeholders(text)) !== JSON.stringify(params))
          problems.push(`${lang} ${code}: uses {${placeholders(text)}} but the code takes {${params}}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the locale files hold no text for a code the catalog does not have', () => {
    for (const texts of Object.values(MESSAGE_TEXTS))
      expect(Object.keys(texts).filter((k) => !(k in MESSAGES))).toEqual([]);
  });

  it('the Chinese texts are written in Chinese', () => {
    const han = /[\u4e00-\u9fff]/;
    expect(codes.filter((c) => !han.test(MESSAGE_TEXTS['zh-CN'][c]))).toEqual([]);
  });
});

describe('formatMessage', () => {
  const zh = createI18n('zh-CN', zhCN).t;
  const en = createI18n('en', enTexts).t;

  it('shows a known code in the window language, with its parameters', () => {
    const ref = { code: 'portMoved', params: { wanted: 5731, port: 5732 } };
    expect(formatMessage(zh, 'Port 5731 is used by another program…', ref)).toBe(
      '端口 5731 被其他程序占用，Keybridge 改用了端口 5732。请在 SillyTavern 中使用这里显示的地址。',
    );
    expect(formatMessage(en, 'x', ref)).toMatch(
      /^Port 5731 is used by another program, so Keybridge is using port 5732/,
    );
  });

  it('keeps what the provider said as it came, inside our translated sentence', () => {
    const ref = {
      code: 'upstreamSaidModel',
      params: { provider: 'Anthropic', account: 'my-claude', model: 'claude-x', detail: 'invalid x-api-key' },
    };
    expect(formatMessage(zh, 'English', ref)).toBe(
      'Anthropic 账户“my-claude”（模型 claude-x）返回错误：invalid x-api-key',
    );
  });

  it('falls back to the English text for an unknown code or none', () => {
    expect(formatMessage(zh, 'Something new from a newer main.', { code: 'notInTheCatalog' })).toBe(
      'Something new from a newer main.',
    );
    expect(formatMessage(zh, 'Plain English.', undefined)).toBe('Plain English.');
    expect(formatMessage(zh, 'Odd code.', { code: 'common.save' })).toBe('Odd code.');
  });

  it('a parameter named like an i18next option stays a parameter', () => {
    const ref = { code: 'openaiConnected', params: { url: 'http://127.0.0.1:1/v1', count: 1 } };
    expect(formatMessage(en, 'x', ref)).toBe('Connected to http://127.0.0.1:1/v1. Models available: 1.');
  });
});

describe('field errors with a hint', () => {
  it('a cut-off service-account paste: message and hint in Chinese, the same English as main wrote', () => {
    const [e] = validateCoreAccount({
      provider: 'vertex',
      id: 'v',
      serviceAccount: '{"type":"service_account",',
    });
    expect(e).toMatchObject({
      path: 'serviceAccount',
      messageRef: { code: 'saCutOff' },
      hintRef: { code: 'saCutOffHint' },
    });
    expect(formatFieldError(createI18n('zh-CN', zhCN).t, e!)).toBe(
      '密钥文件的内容提前结束了——粘贴的内容似乎被截断了 — 请重新复制整个文件，从第一个“{”到最后一个“}”。',
    );
    expect(formatFieldError(createI18n('en', enTexts).t, e!)).toBe(e!.message);
  });
});

describe('zod issues as catalog codes', () => {
  const issueOf = (schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    if (r.success) throw new Error('expected a failure');
    return r.error.issues[0]!;
  };

  it('maps our own schema messages and the common issue kinds', () => {
    expect(zodIssueRef(issueOf(appSettingsSchema.shape.port, 80))).toEqual({
      code: 'fieldMin',
      params: { minimum: 1024 },
    });
    expect(zodIssueRef(issueOf(z.object({ a: z.string() }), {}))).toEqual({ code: 'fieldRequired' });
    expect(zodIssueRef(issueOf(z.enum(['a', 'b']), 'c'))).toEqual({
      code: 'fieldOneOf',
      params: { values: 'a, b' },
    });
    expect(zodIssueRef(issueOf(z.string().min(1), ''))).toEqual({ code: 'fieldEmpty' });
    expect(zodIssueRef(issueOf(z.strictObject({}), { apikey: 'x' }))).toEqual({
      code: 'fieldUnknown',
      params: { keys: 'apikey' },
    });
  });

  it('a custom issue carries the code of its sentence', () => {
    const schema = z
      .string()
      .superRefine((_v, ctx) =>
        ctx.addIssue({ code: 'custom', message: 'x', params: { messageRef: { code: 'credNotPem' } } }),
      );
    expect(zodIssueRef(issueOf(schema, ''))).toEqual({ code: 'credNotPem' });
  });
});
