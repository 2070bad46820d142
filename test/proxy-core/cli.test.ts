import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../proxy-core/src/cli.js';
import { startAzureMock } from '../upstreams/azure-mock.js';
import { type OpenAIMock, startOpenAIMock } from '../upstreams/openai-mock.js';
import type { MockServer } from '../upstreams/support.js';
import { makeTestServiceAccount } from '../upstreams/vertex-mock.js';

const dir = mkdtempSync(join(tmpdir(), 'kb-cli-'));
function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  return { io: value, out, err };
}
function file(name: string, text: string) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

let mock: OpenAIMock;
beforeAll(async () => {
  mock = await startOpenAIMock();
});
afterAll(() => mock?.close());

describe('config validation', () => {
  it('names the field and what is wrong', async () => {
    const cfg = file(
      'bad.yaml',
      `accounts:\n  - id: a\n    provider: openai\n    apiKey: k\n  - id: b\n    provider: openai-compatible\n    baseUrl: not a url\n`,
    );
    const t = io();
    const r = await runCli(['check', '--config', cfg], t.io);
    expect(r.code).toBe(1);
    expect(t.err.join('\n')).toContain('accounts[1].baseUrl: must be an http(s) URL');
  });

  it('reports an unknown provider with the allowed values, and a route to a missing account', async () => {
    const cfg = file(
      'bad2.yaml',
      `accounts:\n  - id: a\n    provider: nosuch\n  - id: b\n    provider: deepseek\nmodels:\n  - id: m\n    routes: [{ account: zz, model: x }]\n`,
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(1);
    expect(t.err.join('\n')).toBe(
      [
        `${cfg}: invalid configuration`,
        '  - accounts[0].provider: must be one of: openai-compatible, openai, deepseek, openrouter, ollama, lmstudio, vllm, anthropic, vertex, bedrock, azure, google-ai (not "nosuch")',
      ].join('\n'),
    );
    // Checks across fields (routes to accounts) follow once every account reads well.
    const fixed = file('bad3.yaml', readFileSync(cfg, 'utf8').replace('nosuch', 'openai'));
    const again = io();
    expect((await runCli(['check', '-c', fixed], again.io)).code).toBe(1);
    expect(again.err.join('\n')).toBe(
      [`${fixed}: invalid configuration`, '  - models[0].routes[0].account: no account with id "zz"'].join(
        '\n',
      ),
    );
  });

  it('refuses misspelt fields instead of dropping them, naming the field meant', async () => {
    const cfg = file(
      'typo.yaml',
      `accounts:\n  - id: my-deepseek\n    provider: deepseek\n    apikey: sk-x\n    modles: [deepseek-chat]\n`,
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(1);
    expect(t.err.join('\n')).toBe(
      [
        `${cfg}: invalid configuration`,
        '  - accounts[0].apikey: unknown field — did you mean apiKey?',
        '  - accounts[0].modles: unknown field — did you mean models?',
      ].join('\n'),
    );
    expect(t.out).toEqual([]);
  });

  it('quotes the YAML line that is wrong, whole', async () => {
    const cfg = file('compact.yaml', `accounts:\n  - id: a\n    provider: openai apiKey: sk-x\n`);
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(1);
    expect(t.err.join('\n')).toBe(
      [
        `${cfg}: cannot be read as YAML`,
        '  - line 3: a second "name: value" on the same line — put each setting on its own line, or quote a value that contains ": "',
        '',
        '          provider: openai apiKey: sk-x',
        '                           ^',
      ].join('\n'),
    );
  });

  it('reads secrets from the environment and from files, and says which one is missing', async () => {
    file('key.txt', 'sk-from-file\n');
    const cfg = file(
      'env.yaml',
      `accounts:\n  - id: a\n    provider: openai\n    apiKey: \${OPENAI_KEY}\n  - id: b\n    provider: deepseek\n    apiKey: \${file:key.txt}\n`,
    );
    const missing = io();
    expect((await runCli(['check', '-c', cfg], missing.io)).code).toBe(1);
    expect(missing.err.join('\n')).toContain(
      'accounts[0].apiKey: environment variable OPENAI_KEY is not set',
    );
    const ok = io({ OPENAI_KEY: 'sk-env' });
    expect((await runCli(['check', '-c', cfg], ok.io)).code).toBe(0);
  });

  it('says when the file does not parse', async () => {
    const t = io();
    const cfg = file('broken.json', '{\n  "accounts": [\n    {"id": "a", "provider": "openai",}\n  ]\n}\n');
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(1);
    expect(t.err.join('\n')).toBe(
      [
        `${cfg}: cannot be read as JSON`,
        '  - line 3: a name in quotes was expected here — JSON takes no comma after the last entry, and names need "double quotes"',
        '',
        '          {"id": "a", "provider": "openai",}',
        '                                           ^',
      ].join('\n'),
    );
  });
});

describe('credential files: check and serve read them the same way', () => {
  const gcloudLogin = {
    type: 'authorized_user',
    client_id: '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com',
    client_secret: 'd-FL95Q19q7MQmFpd7hHD0Ty',
    refresh_token: '1//0gfake-refresh-token',
    universe_domain: 'googleapis.com',
  };
  const refusal = (cfg: string, keyFile: string) =>
    [
      `${cfg}: invalid configuration`,
      `  - accounts[0].serviceAccountFile (${keyFile}): This is a personal gcloud login file (type "authorized_user"), not a service-account key — Keybridge needs a service-account key instead. In the Google Cloud console open IAM & Admin → Service Accounts, pick the account, then Keys → Add key → Create new key → JSON, and paste the whole downloaded file.`,
    ].join('\n');

  it('a gcloud login file (authorized_user) is refused by check, with what to download instead', async () => {
    const keyFile = file('application_default_credentials.json', JSON.stringify(gcloudLogin, null, 2));
    const cfg = file(
      'gcloud.yaml',
      `accounts:\n  - id: my-vertex\n    provider: vertex\n    serviceAccountFile: application_default_credentials.json\n    models: [gemini-2.5-pro]\n`,
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(1);
    expect(t.err.join('\n')).toBe(refusal(cfg, keyFile));
    expect(t.err.join('\n')).not.toContain(gcloudLogin.client_secret);
    expect(t.err.join('\n')).not.toContain(gcloudLogin.refresh_token);
  });

  it('serve refuses the same file with the same message, and does not start', async () => {
    const keyFile = file('application_default_credentials.json', JSON.stringify(gcloudLogin, null, 2));
    const cfg = file(
      'gcloud-serve.yaml',
      `server: { port: 0 }\naccounts:\n  - id: my-vertex\n    provider: vertex\n    serviceAccountFile: application_default_credentials.json\n    models: [gemini-2.5-pro]\n`,
    );
    const t = io();
    const r = await runCli(['serve', '-c', cfg], t.io);
    await r.stop?.();
    expect(r.code).toBe(1);
    expect(r.stop).toBeUndefined();
    expect(t.err.join('\n')).toBe(refusal(cfg.replace('gcloud-serve', 'gcloud-serve'), keyFile));
    expect(t.out.join('\n')).not.toMatch(/listening/);
  });

  it('a missing key file is named by both', async () => {
    const cfg = file(
      'nokey.yaml',
      `server: { port: 0 }\naccounts:\n  - id: v\n    provider: vertex\n    serviceAccountFile: nowhere.json\n`,
    );
    for (const command of ['check', 'serve']) {
      const t = io();
      const r = await runCli([command, '-c', cfg], t.io);
      await r.stop?.();
      expect(r.code).toBe(1);
      expect(t.err.join('\n')).toContain(
        `accounts[0].serviceAccountFile (${join(dir, 'nowhere.json')}): Could not read the service-account key file ${join(dir, 'nowhere.json')} (ENOENT) — Check the path in serviceAccountFile`,
      );
    }
  });

  it('a real service-account key file passes check', async () => {
    const sa = makeTestServiceAccount({ tokenUri: 'http://127.0.0.1:9/token' });
    file('sa.json', sa.text);
    const cfg = file(
      'sa.yaml',
      `accounts:\n  - id: v\n    provider: vertex\n    serviceAccountFile: sa.json\n    models: [gemini-2.5-pro, claude-sonnet-4-5@20250929]\n`,
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(0);
    expect(t.out[0]).toBe(`${cfg}: OK — 1 account, 2 models to serve (2 from the accounts)`);
  });
});

describe('check counts what serve lists at /v1/models', () => {
  async function servedIds(cfg: string): Promise<string[]> {
    const t = io();
    const r = await runCli(['serve', '-c', cfg, '--port', '0'], t.io);
    try {
      expect(r.code).toBe(0);
      const url = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(t.out.join('\n'))![1]!;
      const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
      const ids: string[] = [];
      for await (const m of client.models.list()) ids.push(m.id);
      return ids;
    } finally {
      await r.stop?.();
    }
  }

  it('an account with two models is two models, not "0 routed"', async () => {
    const cfg = file(
      'two.yaml',
      `accounts:\n  - id: local\n    provider: openai-compatible\n    baseUrl: ${mock.url}/v1\n    apiKey: sk-test-upstream\n    models: [gpt-4.1-nano, gpt-4.1-mini]\nlogging: { usageFile: usage-two.json }\n`,
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(0);
    expect(t.out).toEqual([
      `${cfg}: OK — 1 account, 2 models to serve (2 from the accounts)`,
      '  gpt-4.1-nano, gpt-4.1-mini',
    ]);
    expect(await servedIds(cfg)).toEqual(['gpt-4.1-nano', 'gpt-4.1-mini']);
  });

  it('failover routes and aliases are counted; switched-off accounts and discovery are said, not counted', async () => {
    const cfg = file(
      'mixed.yaml',
      [
        'accounts:',
        '  - id: local',
        '    provider: openai-compatible',
        `    baseUrl: ${mock.url}/v1`,
        '    apiKey: sk-test-upstream',
        '    models: [gpt-4.1-nano, { id: small, upstream: gpt-4.1-mini }]',
        '  - id: spare',
        '    provider: deepseek',
        '    apiKey: sk-x',
        '    enabled: false',
        '    models: [deepseek-chat]',
        '  - id: found',
        '    provider: openai-compatible',
        `    baseUrl: ${mock.url}/v1`,
        '    apiKey: sk-test-upstream',
        '    discoverModels: true',
        'models:',
        '  - id: best',
        '    routes: [{ account: local, model: gpt-4.1-mini }, { account: spare, model: deepseek-chat }]',
        'aliases:',
        '  fast: gpt-4.1-nano',
        'logging: { usageFile: usage-mixed.json }',
        '',
      ].join('\n'),
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(0);
    expect(t.out).toEqual([
      `${cfg}: OK — 3 accounts (1 switched off), 4 models to serve (2 from the accounts, 1 with failover routes, 1 alias)`,
      '  best, gpt-4.1-nano, small, fast',
      '  Not counted: the models found lists when serve starts (discoverModels: true) — check does not ask the providers.',
    ]);
    const served = await servedIds(cfg);
    // What check counted, then what discovery added when serve started.
    expect(served.slice(0, 3)).toEqual(['best', 'gpt-4.1-nano', 'small']);
    expect(served).toContain('fast');
    expect(served.length).toBeGreaterThan(4);
  });
});

describe('check names what would be lost', () => {
  it('a route to a misspelt account, with the account meant', async () => {
    const cfg = file(
      'route-typo.yaml',
      'accounts:\n  - id: my-deepseek\n    provider: deepseek\n    apiKey: k\nmodels:\n  - id: chat\n    routes: [{ account: my-deepseak, model: deepseek-chat }]\n',
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(1);
    expect(t.err.join('\n')).toBe(
      `${cfg}: invalid configuration\n  - models[0].routes[0].account: no account with id "my-deepseak" — did you mean my-deepseek?`,
    );
  });

  it('an alias to a model nobody serves', async () => {
    const cfg = file(
      'alias-nowhere.yaml',
      'accounts:\n  - id: d\n    provider: deepseek\n    apiKey: k\n    models: [deepseek-chat]\naliases:\n  fast: deepseek-chatt\n  chat: deepseek-chat\n',
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(0);
    expect(t.out).toEqual([
      `${cfg}: OK — 1 account, 2 models to serve (1 from the accounts, 1 alias)`,
      '  deepseek-chat, chat',
      '  Not served: the alias fast points to deepseek-chatt, which no account serves.',
    ]);
  });
});

describe("README's headless config", () => {
  it('passes check, which prints what the README says it prints', async () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const yaml = /```yaml\n(server:[\s\S]*?)```/.exec(readme)![1]!;
    const printed = /`keybridge check` reads[\s\S]*?```\n([\s\S]*?)```/
      .exec(readme)![1]!
      .trimEnd()
      .split('\n');
    const sub = mkdtempSync(join(dir, 'readme-'));
    writeFileSync(join(sub, 'anthropic.key'), 'sk-ant-api03-test\n');
    writeFileSync(
      join(sub, 'my-project-1234.json'),
      makeTestServiceAccount({ tokenUri: 'https://oauth2.googleapis.com/token' }).text,
    );
    const cfg = join(sub, 'keybridge.yaml');
    writeFileSync(cfg, yaml);
    const t = io({ DEEPSEEK_API_KEY: 'sk-test', AZURE_OPENAI_KEY: 'azure-test' });
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(0);
    expect(t.out).toEqual(printed.map((line, i) => (i === 0 ? line.replace('keybridge.yaml', cfg) : line)));
  });
});

describe("README's example of mistakes", () => {
  it('is what check prints for them', async () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const printed = /Mistakes are reported by field[\s\S]*?```\n([\s\S]*?)```/
      .exec(readme)![1]!
      .trimEnd()
      .split('\n');
    const cfg = file(
      'keybridge.yaml',
      'accounts:\n  - id: my-claude\n    provider: anthropic\n    apikey: sk-ant-api03-x\n  - id: my-vertex\n    provider: Vertex\n    serviceAccountFile: ./my-project-1234.json\n  - id: my-deepseek\n    provider: deepseek\n    models: deepseek-chat\n',
    );
    const t = io();
    expect((await runCli(['check', '-c', cfg], t.io)).code).toBe(1);
    expect(t.err.join('\n').split('\n')).toEqual(
      printed.map((line, i) => (i === 0 ? line.replace('keybridge.yaml', cfg) : line)),
    );
  });
});

describe('Azure deployments are served as models', () => {
  let azure: MockServer;
  beforeAll(async () => {
    azure = await startAzureMock({ apiKey: 'azure-test-key', deployments: { 'my-gpt4o': 'gpt-4o' } });
  });
  afterAll(() => azure?.close());

  it('`deployments: {my-gpt4o: gpt-4o}` serves my-gpt4o and gpt-4o, listed and answering through the deployment', async () => {
    const cfg = file(
      'azure.yaml',
      `server: { port: 0 }\naccounts:\n  - id: work-azure\n    provider: azure\n    endpoint: ${azure.url}\n    apiKey: \${AZURE_KEY}\n    deployments: { my-gpt4o: gpt-4o }\nlogging: { usageFile: usage-azure.json }\n`,
    );
    const checked = io({ AZURE_KEY: 'azure-test-key' });
    expect((await runCli(['check', '-c', cfg], checked.io)).code).toBe(0);
    expect(checked.out).toEqual([
      `${cfg}: OK — 1 account, 2 models to serve (2 from the accounts)`,
      '  my-gpt4o, gpt-4o',
    ]);

    const t = io({ AZURE_KEY: 'azure-test-key' });
    const r = await runCli(['serve', '-c', cfg], t.io);
    try {
      expect(r.code).toBe(0);
      const url = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(t.out.join('\n'))![1]!;
      const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
      const ids: string[] = [];
      for await (const m of client.models.list()) ids.push(m.id);
      expect(ids).toEqual(['my-gpt4o', 'gpt-4o']);

      for (const model of ['my-gpt4o', 'gpt-4o']) {
        const before = azure.seen.length;
        const answer = await client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Hi' }],
        });
        expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);
        const sent = azure.seen.slice(before).find((s) => s.url.includes('/chat/completions'))!;
        expect(sent.url).toMatch(/^\/openai\/deployments\/my-gpt4o\/chat\/completions\?api-version=/);
        expect(JSON.parse(sent.body).model).toBe('my-gpt4o');
      }
    } finally {
      await r.stop?.();
    }
  });
});

describe('serve', () => {
  it('without a config starts empty and says what to do next', async () => {
    const t = io();
    const r = await runCli(['serve', '--port', '0'], t.io);
    try {
      expect(r.code).toBe(0);
      const text = t.out.join('\n');
      expect(text).toMatch(/http:\/\/127\.0\.0\.1:\d+\/v1/);
      expect(text).toMatch(/No accounts are configured/);
    } finally {
      await r.stop?.();
    }
  });

  it('keeps usage totals across a restart', async () => {
    const cfg = file(
      'usage.yaml',
      `server: { port: 0 }\naccounts:\n  - id: local\n    provider: openai-compatible\n    baseUrl: ${mock.url}/v1\n    apiKey: sk-test-upstream\n    models: [gpt-4.1-nano]\nlogging: { usageFile: usage-restart.json }\n`,
    );
    const first = io();
    const r1 = await runCli(['serve', '-c', cfg], first.io);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(first.out.join('\n'))![1]!;
    const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
    await client.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await r1.stop?.();
    const second = io();
    const r2 = await runCli(['serve', '-c', cfg], second.io);
    try {
      expect(second.out.join('\n')).toMatch(/Usage so far: 1 requests, \d+ tokens/);
    } finally {
      await r2.stop?.();
    }
  });

  it('a taken port gives a clear message and exit code 2', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as { port: number }).port;
    const t = io();
    try {
      const r = await runCli(['serve', '--port', String(port)], t.io);
      expect(r.code).toBe(2);
      expect(t.err.join('\n')).toContain(`Port ${port}`);
      expect(t.err.join('\n')).toMatch(/already in use/);
    } finally {
      blocker.close();
    }
  });

  it('rejects a nonsense port', async () => {
    const t = io();
    expect((await runCli(['serve', '--port', 'abc'], t.io)).code).toBe(1);
    expect(t.err.join('\n')).toMatch(/--port/);
  });
});

const bin = resolve(import.meta.dirname, '../../bin/keybridge.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/proxy-core/src/cli.js'));

describe.skipIf(!built)('the keybridge command (built)', () => {
  it('`keybridge serve --config x.yaml --port 0` proxies a streaming chat', async () => {
    const cfg = file(
      'real.yaml',
      `accounts:\n  - id: local\n    provider: openai-compatible\n    baseUrl: ${mock.url}/v1\n    apiKey: \${UP_KEY}\n    models: [gpt-4.1-nano]\n`,
    );
    const child = spawn(process.execPath, [bin, 'serve', '--config', cfg, '--port', '0'], {
      env: { ...process.env, UP_KEY: 'sk-test-upstream' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(buf);
          if (m) ok(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}: ${buf}`)));
      });
      const client = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'gpt-4.1-nano',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      expect(text.length).toBeGreaterThan(100);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
