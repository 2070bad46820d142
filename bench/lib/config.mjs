// The Keybridge configuration the bench runs with, every account on the mock: OpenAI-compatible
// (passthrough), Anthropic (conversion) and Vertex (token cache; a fresh key each run).
import { generateKeyPairSync } from 'node:crypto';

/** The access key the bench client presents when limits are on (`--limits on`). */
export const BENCH_ACCESS_KEY = 'bench-access-key-0123456789';

/** Limits far above what a bench spends: every request is checked and counted, none refused. */
const NEVER_REACHED = { dailyUsd: 1e9, monthlyUsd: 1e9, dailyTokens: 1e15, monthlyTokens: 1e15 };

/**
 * With `limits`, a limit on everything, on each account and on an access key the client presents
 * (what `--limits on` measures: the check before each request and the count after it).
 */
export function keybridgeConfig(mockOrigin, { limits = false } = {}, { vertex = true } = {}) {
  const config = baseConfig(mockOrigin, vertex);
  if (!limits) return config;
  return {
    ...config,
    limits: NEVER_REACHED,
    server: { accessKeys: [{ name: 'bench', key: BENCH_ACCESS_KEY, limits: NEVER_REACHED }] },
    accounts: config.accounts.map((a) => ({ ...a, limits: NEVER_REACHED })),
  };
}

function baseConfig(mockOrigin, vertex) {
  const privateKey = vertex
    ? generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey
    : '';
  const config = {
    outboundProxy: 'none',
    accounts: [
      {
        id: 'oa',
        provider: 'openai-compatible',
        baseUrl: `${mockOrigin}/v1`,
        apiKey: 'sk-bench',
        models: [{ id: 'oa-model', upstream: 'gpt-bench' }],
      },
      {
        id: 'ant',
        provider: 'anthropic',
        baseUrl: mockOrigin,
        apiKey: 'sk-ant-bench',
        models: [{ id: 'claude-model', upstream: 'claude-bench' }],
      },
      {
        id: 'vx',
        provider: 'vertex',
        baseUrl: mockOrigin,
        region: 'us-east5',
        serviceAccount: {
          type: 'service_account',
          project_id: 'bench-project',
          private_key_id: 'bench',
          private_key: privateKey,
          client_email: 'bench@bench-project.iam.gserviceaccount.com',
          token_uri: `${mockOrigin}/token`,
        },
        models: [{ id: 'claude-vertex', upstream: 'claude-bench' }],
      },
    ],
  };
  if (!vertex) config.accounts = config.accounts.filter((a) => a.provider !== 'vertex');
  return config;
}
