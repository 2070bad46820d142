import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile, parseConfig } from './config/load.js';
import type { KeybridgeConfig } from './config/schema.js';
import { UsageStore } from './observability/usage-store.js';
import { modelsFromConfig } from './routing/catalog.js';
import { createProxy, PortInUseError } from './server/proxy.js';
import type { ListenInfo } from './server/proxy-handle.js';
import { readVersion } from './version.js';

const HELP = `Keybridge — your own cloud AI accounts behind one local endpoint.

Usage:
  keybridge serve [--config FILE] [--port N] [--host ADDR]
  keybridge serve --ui [--port N]      the desktop app's settings UI and proxy, headless, on loopback
  keybridge check --config FILE        validate a config file and exit
  keybridge --version

Options:
  -c, --config FILE   YAML or JSON config (accounts, models, server settings)
  -p, --port N        port to listen on (default 5731; 0 picks a free port)
      --host ADDR     address to listen on (default 127.0.0.1)
  -h, --help          show this help
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 ok, 1 bad usage or config, 2 port in use / cannot listen. */
export async function runCli(
  argv: string[],
  io: CliIo,
): Promise<{ code: number; stop?: () => Promise<void> }> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${HELP}`);
    return { code: 1 };
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(readVersion());
    return { code: 0 };
  }
  const command = positionals[0] ?? 'serve';
  if (values.help || !['serve', 'check'].includes(command)) {
    (values.help ? io.out : io.err)(HELP);
    return { code: values.help ? 0 : 1 };
  }

  let config: KeybridgeConfig;
  let baseDir = process.cwd();
  try {
    if (values.config) {
      const loaded = loadConfigFile(values.config, io.env);
      config = loaded.config;
      baseDir = loaded.baseDir;
    } else {
      if (command === 'check') {
        io.err('check needs --config FILE');
        return { code: 1 };
      }
      config = parseConfig({});
    }
    if (values.port !== undefined || values.host !== undefined) {
      const port = values.port === undefined ? config.server.port : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.err(`--port: must be a whole number from 0 to 65535 (got "${values.port}")`);
        return { code: 1 };
      }
      config = parseConfig({
        ...config,
        server: { ...config.server, port, host: values.host ?? config.server.host },
      });
    }
  } catch (err) {
    io.err(err instanceof ConfigError ? err.message : `Cannot load config: ${(err as Error).message}`);
    return { code: 1 };
  }
  if (command === 'check') {
    for (const line of describeCheck(values.config ?? '', config)) io.out(line);
    return { code: 0 };
  }

  // Usage totals survive restarts: next to the config file unless the config names a file.
  const usageFile = config.logging.usageFile ?? (values.config ? 'keybridge-usage.json' : undefined);
  const usage = usageFile
    ? await UsageStore.open({ path: resolve(baseDir, usageFile), warn: (m) => io.err(m) })
    : undefined;
  // Spend-limit use survives restarts too: keybridge-limits.json next to the config file.
  const ledgerPath = values.config ? resolve(baseDir, 'keybridge-limits.json') : undefined;
  const proxy = createProxy(config, { baseDir, ledgerPath, warn: (m) => io.err(m) });
  if (usage) proxy.onRequest((r) => usage.record(r));
  let listen: ListenInfo;
  try {
    listen = await proxy.start();
  } catch (err) {
    if (err instanceof PortInUseError) {
      io.err(
        `${err.message}.\nStop the other program, or pick another port: keybridge serve --port ${err.port + 1}`,
      );
    } else {
      io.err(`Cannot start: ${(err as Error).message}`);
    }
    return { code: 2 };
  }
  const origin = listen.url.replace(/\/v1$/, '');
  // What is really bound, each address: a LAN bind must never look like a loopback one.
  const bound = listen.bound?.length ? listen.bound.map((a) => `http://${a}`).join(' and ') : origin;
  io.out(`Keybridge ${readVersion()} listening on ${bound}`);
  if (listen.lan) {
    io.out('  Open to other devices on your network: they must send the access key.');
    for (const url of listen.lanUrls ?? []) io.out(`  From another device:                        ${url}`);
  }
  io.out(`  OpenAI-compatible (SillyTavern "Custom"):  ${listen.url}`);
  io.out(`  Anthropic / Claude (reverse proxy):         ${listen.url}`);
  io.out(`  Google AI Studio (reverse proxy):           ${origin}`);
  if (config.accounts.length === 0) {
    io.out('');
    io.out('No accounts are configured yet, so there are no models to serve.');
    io.out('Write a config file (see README: "Headless use") and run:');
    io.out('  keybridge serve --config keybridge.yaml');
  } else {
    const models = await proxy.listModels().catch(() => []);
    io.out(
      `  ${config.accounts.length} account(s), ${models.length} model(s): ${models
        .map((m) => m.id)
        .slice(0, 12)
        .join(', ')}`,
    );
  }
  if (usage) {
    const total = usage.summary().total;
    io.out(
      `  Usage so far: ${total.requests} requests, ${total.inputTokens + total.outputTokens} tokens (${usageFile})`,
    );
  }
  return {
    code: 0,
    stop: async () => {
      await proxy.stop({ drainMs: 5_000 });
      await usage?.close();
    },
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * What `check` says about a valid config: the models `serve` will list at /v1/models (the same
 * catalog rules), which come from failover routes and aliases, and which accounts add more by
 * asking their provider when serve starts.
 */
function describeCheck(file: string, config: KeybridgeConfig): string[] {
  const models = modelsFromConfig(config);
  const enabled = config.accounts.filter((a) => a.enabled);
  const off = config.accounts.length - enabled.length;
  const routed = new Set(config.models.map((m) => m.id));
  const aliases = new Set(Object.keys(config.aliases));
  const direct = models.filter((m) => !routed.has(m.id) && !aliases.has(m.id)).length;
  const counted = [
    `${direct} from the accounts`,
    routed.size ? `${models.filter((m) => routed.has(m.id)).length} with failover routes` : '',
    aliases.size ? plural(models.filter((m) => aliases.has(m.id)).length, 'alias', 'aliases') : '',
  ].filter(Boolean);
  const lines = [
    `${file}: OK — ${plural(config.accounts.length, 'account')}${off ? ` (${off} switched off)` : ''}, ${plural(models.length, 'model')} to serve (${counted.join(', ')})`,
  ];
  if (models.length > 0) {
    const shown = models.slice(0, 20).map((m) => m.id);
    lines.push(
      `  ${shown.join(', ')}${models.length > shown.length ? `, … ${models.length - shown.length} more` : ''}`,
    );
  }
  const discovering = enabled.filter((a) => a.discoverModels).map((a) => a.id);
  const served = new Set(models.map((m) => m.id));
  for (const [alias, target] of Object.entries(config.aliases)) {
    if (served.has(alias)) continue;
    lines.push(
      `  Not served: the alias ${alias} points to ${target}, which ${discovering.length ? 'no account lists in the config (discovery may still find it)' : 'no account serves'}.`,
    );
  }
  if (discovering.length > 0) {
    lines.push(
      `  Not counted: the models ${discovering.join(', ')} ${discovering.length === 1 ? 'lists' : 'list'} when serve starts (discoverModels: true) — check does not ask the providers.`,
    );
  } else if (models.length === 0) {
    lines.push("  No models to serve: list them under an account's models:, or set discoverModels: true.");
  }
  return lines;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** Entry point used by bin/keybridge.js. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };
  const { code, stop } = await runCli(argv, io);
  if (!stop) {
    process.exitCode = code;
    return;
  }
  let stopping = false;
  const shutdown = async () => {
    if (stopping) process.exit(130);
    stopping = true;
    io.out('Stopping (waiting up to 5 s for requests in flight)…');
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
