// The Keybridge configuration the bench runs with, every account on the mock: OpenAI-compatible
// (passthrough), Anthropic (conversion) and Vertex (token cache; a fresh key each run).
import { generateKeyPairSync } from 'node:crypto';

export function keybridgeConfig(mockOrigin) {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
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
}
