import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../../proxy-core/src/config/did-you-mean.js';
import { ConfigError, loadConfigFile, parseConfig } from '../../../proxy-core/src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'kb-config-'));

/** The problems a config file is reported with, one per line as the CLI lists them. */
function problemsOf(name: string, text: string): string[] {
  const path = join(dir, name);
  writeFileSync(path, text);
  try {
    loadConfigFile(path, {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

function problemsOfObject(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

const ALL_PROVIDERS =
  'openai-compatible, openai, deepseek, openrouter, ollama, lmstudio, vllm, anthropic, vertex, bedrock, azure, google-ai';

describe('unknown fields', () => {
  it('are errors with the field meant, not silently dropped', () => {
    expect(
      problemsOf(
        'typos.yaml',
        'accounts:\n  - id: a\n    provider: anthropic\n    apikey: sk-ant-x\n    modles: [claude-sonnet-4-5]\n',
      ),
    ).toEqual([
      'accounts[0].apikey: unknown field — did you mean apiKey?',
      'accounts[0].modles: unknown field — did you mean models?',
    ]);
  });

  it('are found at every level, per provider kind', () => {
    expect(
      problemsOfObject({
        server: { hots: '127.0.0.1' },
        accounts: [
          { id: 'v', provider: 'vertex', serviceAccountFile: 'k.json', regoin: 'us-east5' },
          { id: 'b', provider: 'bedrock', region: 'us-east-1', apiKey: 'ABSKxxxx', cross_region: 'off' },
          {
            id: 'z',
            provider: 'azure',
            endpoint: 'https://r.openai.azure.com',
            apiKey: 'k',
            deployment: ['x'],
          },
          { id: 'o', provider: 'openai', apiKey: 'k', models: [{ id: 'x', upstreem: 'y' }] },
        ],
        models: [{ id: 'm', routes: [{ account: 'o', modle: 'x' }] }],
        timeouts: { connectMS: 1000 },
        logging: { acessLog: 'a.jsonl' },
      }),
    ).toEqual([
      'server.hots: unknown field — did you mean host?',
      'accounts[0].regoin: unknown field — did you mean region?',
      'accounts[1].cross_region: unknown field — did you mean crossRegion?',
      'accounts[2].deployment: unknown field — did you mean deployments?',
      'accounts[3].models[0].upstreem: unknown field — did you mean upstream?',
      'models[0].routes[0].modle: unknown field — did you mean model?',
      'timeouts.connectMS: unknown field — did you mean connectMs?',
      'logging.acessLog: unknown field — did you mean accessLog?',
    ]);
  });

  it('list the allowed fields when nothing is close, and point into a section', () => {
    expect(
      problemsOfObject({
        port: 5731,
        colour: 'blue',
        accounts: [{ id: 'a', provider: 'anthropic', apiKey: 'k', wibble: 1 }],
      }),
    ).toEqual([
      'port: unknown field — did you mean server.port?',
      'colour: unknown field — the top level takes: server, accounts, models, aliases, timeouts, logging, outboundProxy, limits',
      'accounts[0].wibble: unknown field — anthropic accounts take: id, label, enabled, baseUrl, models, discoverModels, proxy, apiKeys, limits, provider, apiKey',
    ]);
  });

  it('a misspelt provider field is found even though the kind of account is unknown', () => {
    expect(problemsOfObject({ accounts: [{ id: 'a', provder: 'openai', apiKey: 'k' }] })).toEqual([
      'accounts[0].provder: unknown field — did you mean provider?',
    ]);
  });

  it('never repeat a key pasted where a field name goes', () => {
    const key = 'sk-ant-api03-Zq3xR7vK2mN8pL4wT6yU1sD9fG5hJ0cB';
    const problems = problemsOf(
      'pasted.yaml',
      `accounts:\n  - id: a\n    provider: anthropic\n    apiKey: k\n    ${key}: x\n`,
    );
    expect(problems).toEqual([
      'accounts[0]: has a field whose name looks like a key or token — a key goes after a field name, e.g. apiKey: your-key',
    ]);
  });

  it('leave free-form sections alone (aliases, headers, an inline key, Azure deployment names)', () => {
    expect(() =>
      parseConfig({
        accounts: [
          { id: 'o', provider: 'openrouter', apiKey: 'k', headers: { 'HTTP-Referer': 'x', 'X-Title': 'y' } },
          {
            id: 'z',
            provider: 'azure',
            endpoint: 'https://r.openai.azure.com',
            apiKey: 'k',
            deployments: { a: 'b' },
          },
        ],
        aliases: { anything: 'goes' },
      }),
    ).not.toThrow();
  });

  it('suggest by case, separators and small typos only', () => {
    expect(didYouMean('API_KEY', ['apiKey', 'apiKeys'])).toBe('apiKey');
    expect(didYouMean('serviceaccountfile', ['serviceAccount', 'serviceAccountFile'])).toBe(
      'serviceAccountFile',
    );
    expect(didYouMean('discoverModel', ['discoverModels', 'models'])).toBe('discoverModels');
    expect(didYouMean('colour', ['server', 'accounts', 'models'])).toBeUndefined();
    expect(didYouMean('idd', ['id'])).toBe('id');
    expect(didYouMean('v3', ['v1', 'v1beta'])).toBeUndefined();
    expect(didYouMean('ab', ['xy'])).toBeUndefined();
  });
});

describe('messages in plain words', () => {
  it('a wrong or missing provider lists the allowed values', () => {
    expect(
      problemsOfObject({
        accounts: [
          { id: 'a', provider: 'nosuch' },
          { id: 'b', provider: 'Vertex' },
          { id: 'c', apiKey: 'k' },
        ],
      }),
    ).toEqual([
      `accounts[0].provider: must be one of: ${ALL_PROVIDERS} (not "nosuch")`,
      `accounts[1].provider: must be one of: ${ALL_PROVIDERS} (not "Vertex") — did you mean vertex?`,
      `accounts[2].provider: is required — the kind of account, one of: ${ALL_PROVIDERS}`,
    ]);
  });

  it('type errors say what was expected, in words, and never echo a value', () => {
    const problems = problemsOf(
      'types.yaml',
      [
        'server:',
        '  port: abc',
        '  lan: yes',
        '  bodyLimitMb: 0',
        'accounts:',
        '  - id: a',
        '    provider: openai',
        '    apiKey: 123456',
        '    models: gpt-4o',
        '    proxy: my-proxy',
        '  - id: b',
        '    provider: azure',
        '    endpoint: https://r.openai.azure.com',
        '    apiKey: k',
        '    api: v2',
        '    apiKeys: sk-secret-in-the-wrong-shape-000000000000',
        'models:',
        '  - id: m',
        '    routes: []',
        'timeouts:',
        '  connectMs: 1.5',
        'logging:',
        '  accessLog:',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'server.port: must be a number, not text',
      'server.lan: must be true or false, not text',
      'server.bodyLimitMb: must be more than 0',
      'accounts[0].models: must be a list of model names, not text',
      'accounts[0].proxy: must be "inherit", "none" or a proxy URL (http://, https:// or socks5://)',
      'accounts[0].apiKey: must be text, not a number — put it in quotes',
      'accounts[1].apiKeys: must be a list of API keys, not text',
      'accounts[1].api: must be deployments or v1 (not "v2")',
      'models[0].routes: needs at least one route',
      'timeouts.connectMs: must be a whole number',
      'logging.accessLog: is empty — write text after the colon, or remove the line',
    ]);
    expect(problems.join('\n')).not.toContain('sk-secret');
  });

  it('no zod jargon in any message', () => {
    const problems = problemsOfObject({
      server: { port: '1', allowedOrigins: 'x', requireAccessKey: 'no' },
      accounts: [
        { id: 'a b', provider: 'openai', models: [1, { idd: 'x' }], discoverModels: 'yes' },
        { id: 'g', provider: 'google-ai', apiKey: 'k', apiVersion: 'v3' },
        { id: 'z', provider: 'azure', endpoint: 'x', apiKey: 'k', deployments: 5 },
        { id: 'v', provider: 'vertex', serviceAccount: 5 },
      ],
      aliases: { a: 1 },
      outboundProxy: 'ftp://x',
      logging: 'none',
    });
    const text = problems.join('\n');
    for (const jargon of [
      'Invalid input',
      'discriminator',
      'expected string',
      'received',
      'Invalid option',
      'Too small',
      'Too big',
      'record',
      'union',
    ]) {
      expect(text).not.toContain(jargon);
    }
    expect(problems).toContain(
      'accounts[0].models[0]: must be a model name, or { id: name-for-your-app, upstream: model-on-the-account }',
    );
    expect(problems).toContain('accounts[0].models[1].idd: unknown field — did you mean id?');
    expect(problems).toContain('accounts[1].apiVersion: must be one of: v1beta, v1, v1alpha (not "v3")');
    expect(problems).toContain(
      'accounts[2].deployments: must be a section of "deployment-name: model" lines, or a list of deployment names',
    );
    expect(problems).toContain(
      'server.allowedOrigins: must be a list of web origins, such as http://localhost:8000, not text',
    );
    expect(problems).toContain(
      'logging: must be a section of settings (indented lines under "logging:"), not text',
    );
    expect(problems).toContain('aliases.a: must be text, not a number — put it in quotes');
  });
});

describe('syntax errors quote the right line, whole', () => {
  it('YAML: two settings on one line', () => {
    expect(problemsOf('compact.yaml', 'accounts:\n  - id: a\n    provider: openai apiKey: sk-x\n')).toEqual([
      'line 3: a second "name: value" on the same line — put each setting on its own line, or quote a value that contains ": "\n\n' +
        '          provider: openai apiKey: sk-x\n' +
        '                           ^',
    ]);
  });

  it('YAML: an unclosed quote is shown where it opens, not where the parser gave up', () => {
    expect(
      problemsOf('quote.yaml', 'accounts:\n  - id: a\n    apiKey: "sk-abc\n    provider: openai\n'),
    ).toEqual([
      'line 3: this double quote is never closed — add the closing " at the end of the value\n\n' +
        '          apiKey: "sk-abc\n' +
        '                  ^',
    ]);
  });

  it('YAML: an unclosed bracket is shown where it opens', () => {
    const [problem] = problemsOf(
      'bracket.yaml',
      'accounts:\n  - id: a\n    models: [a, b\n    provider: openai\n',
    );
    expect(problem).toMatch(
      /^line 3: this \[ is never closed — add \] at the end of the value\n\n {10}models: \[a, b\n {18}\^$/,
    );
  });

  it('YAML: a tab, a duplicate, a misaligned line', () => {
    expect(problemsOf('tab.yaml', 'server:\n\tport: 1\n')[0]).toMatch(
      /^line 2: a tab is used to indent — YAML needs spaces\n\n {6}\tport: 1\n {6}\^$/,
    );
    expect(problemsOf('dup.yaml', 'server:\n  port: 1\n  port: 2\n')[0]).toMatch(
      /^line 3: "port" is set twice in the same section — keep one\n\n {8}port: 2\n {8}\^$/,
    );
    expect(problemsOf('indent.yaml', 'server:\n  port: 1\n   host: x\n')).toEqual([
      'line 3: this line is indented more than the setting above it — settings in one section start in the same column\n\n' +
        '         host: x\n' +
        '         ^',
    ]);
    expect(problemsOf('under.yaml', 'accounts:\n  - id: a\n   provider: openai\n')[0]).toMatch(
      /^line 3: this line is indented differently from the list item above it/,
    );
  });

  it('JSON: the line, the caret and what is missing', () => {
    expect(
      problemsOf('comma.json', '{\n  "accounts": [\n    {"id": "a" "provider": "openai"}\n  ]\n}\n'),
    ).toEqual([
      'line 3: a comma is missing before this\n\n' +
        '          {"id": "a" "provider": "openai"}\n' +
        '                     ^',
    ]);
    expect(problemsOf('trailing.json', '{\n  "server": {"port": 1,}\n}\n')[0]).toMatch(
      /^line 2: a name in quotes was expected here — JSON takes no comma after the last entry/,
    );
    expect(problemsOf('short.json', '{"accounts": [')[0]).toMatch(/^line 1: the file ends too early/);
  });

  it('names the format in the headline', () => {
    const path = join(dir, 'head.yaml');
    writeFileSync(path, 'a: [\n');
    expect(() => loadConfigFile(path, {})).toThrow(`${path}: cannot be read as YAML`);
  });
});
