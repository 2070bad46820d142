/**
 * A fake `window.keybridge` for component tests: the real contract client over an in-memory
 * transport whose handlers behave like main's (inputs checked with the contract's schemas,
 * secrets masked in views, precise field errors from validate, events on change).
 */
import {
  type AccountView,
  type ConnectInfo,
  createKeybridgeApi,
  type EventName,
  type FieldError,
  type KeybridgeApi,
  type MethodName,
  type ModelSettings,
  methods,
  type Notice,
  type ProviderKind,
  type RequestRecordView,
  type Result,
  type SettingsView,
} from '../../../app/contract/index.js';
import { makeAccountId, validateCoreAccount } from '../../../app/services/account-fields.js';

type Handler = (input: Record<string, unknown>) => unknown;

export interface FakeState {
  accounts: (AccountView & { secretValues: Record<string, string> })[];
  models: ModelSettings;
  settings: SettingsView;
  accessKey: string | null;
  log: RequestRecordView[];
  running: boolean;
  port: number;
  notices: Notice[];
}

export interface FakeKeybridge {
  api: KeybridgeApi;
  state: FakeState;
  /** Every call made, in order: [method, input]. */
  calls: [MethodName, unknown][];
  emit(event: EventName, payload: unknown): void;
  /** Replace one method's behaviour. */
  override(method: MethodName, handler: Handler): void;
}

const mask = (v: string) => (v.length < 12 ? '••••••' : `${v.slice(0, 4)}…${v.slice(-4)}`);

/**
 * Field errors for a draft, from main's own validator (proxy-core's account schema and the
 * window's extra checks), on the account main would store: an id made as main makes it, enabled.
 */
function validateDraft(d: Record<string, unknown>, taken: Set<string>): FieldError[] {
  const provider = d.provider as ProviderKind;
  const id = typeof d.id === 'string' ? d.id : makeAccountId(d.label as string | undefined, provider, taken);
  return validateCoreAccount({ ...d, id, enabled: d.enabled ?? true });
}

const SECRET_NAMES = ['apiKey', 'serviceAccount', 'accessKeyId', 'secretAccessKey', 'sessionToken'];

export function sampleRecord(over: Partial<RequestRecordView> = {}): RequestRecordView {
  return {
    id: `r${Math.random().toString(36).slice(2, 10)}`,
    time: '2026-11-23T10:15:00.000Z',
    dialect: 'openai',
    endpoint: 'chat',
    method: 'POST',
    path: '/v1/chat/completions',
    publicModel: 'claude-sonnet-4-5',
    account: 'my-vertex',
    provider: 'vertex',
    upstreamModel: 'claude-sonnet-4-5@20250929',
    stream: true,
    passthrough: false,
    status: 200,
    latencyMs: 1840,
    ttftMs: 620,
    usage: { inputTokens: 1200, outputTokens: 340 },
    costUsd: 0.0087,
    attempts: [
      {
        account: 'my-vertex',
        provider: 'vertex',
        upstreamModel: 'claude-sonnet-4-5@20250929',
        status: 200,
        latencyMs: 1830,
      },
    ],
    ...over,
  };
}

/** The window's settings as main sends them: the defaults, with `over` on top. */
export function sampleSettings(over: Partial<FakeState['settings']> = {}): FakeState['settings'] {
  return {
    port: 5731,
    requireAccessKey: false,
    lan: false,
    allowedOrigins: [],
    outboundProxy: { mode: 'system' },
    launchAtLogin: false,
    language: 'en',
    theme: 'light',
    logBodies: false,
    logMaxRecords: 1000,
    usageRetentionDays: 90,
    hasAccessKey: false,
    ...over,
  };
}

export function createFakeKeybridge(init: Partial<FakeState> = {}): FakeKeybridge {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: [MethodName, unknown][] = [];
  const state: FakeState = {
    accounts: [],
    models: { models: [], aliases: {}, defaultModel: null },
    settings: sampleSettings(),
    accessKey: null,
    log: [],
    running: true,
    port: 5731,
    notices: [],
    ...init,
  };
  const emit = (event: EventName, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const view = (a: FakeState['accounts'][number]): AccountView => {
    const { secretValues: _s, ...rest } = a;
    return rest;
  };
  const status = () => ({
    state: state.running ? ('running' as const) : ('stopped' as const),
    host: '127.0.0.1',
    port: state.port,
    ...(state.running ? { url: `http://127.0.0.1:${state.port}/v1` } : {}),
    stats: { requests: state.log.length, errors: 0, inputTokens: 0, outputTokens: 0, activeStreams: 0 },
  });
  const origin = `http://127.0.0.1:${state.port}`;

  const handlers: Partial<Record<MethodName, Handler>> = {
    'app.info': () => ({
      name: 'Keybridge',
      version: '0.1.0',
      mode: 'web',
      platform: 'linux',
      arch: 'x64',
      versions: { node: '22.20.0' },
      dataDir: '/tmp/kb',
      secretStorage: 'keychain',
    }),
    'app.notices': () => state.notices,
    'app.dismissNotice': (input) => {
      state.notices = state.notices.filter((n) => n.id !== input.id);
      return state.notices;
    },
    'proxy.status': status,
    'proxy.start': () => {
      state.running = true;
      return status();
    },
    'proxy.stop': () => {
      state.running = false;
      return status();
    },
    'accounts.list': () => state.accounts.map(view),
    'accounts.validate': (input) => {
      const stored = state.accounts.find((a) => a.id === input.existingId);
      const draft = stored
        ? {
            ...stored.settings,
            ...stored.secretValues,
            ...(input.account as Record<string, unknown>),
            id: stored.id,
            provider: stored.provider,
          }
        : (input.account as Record<string, unknown>);
      const errors = validateDraft(draft, new Set(state.accounts.map((a) => a.id)));
      return { valid: errors.length === 0, errors };
    },
    'accounts.add': (input) => {
      const d = input.account as Record<string, unknown>;
      const errors = validateDraft(d, new Set(state.accounts.map((a) => a.id)));
      if (errors.length)
        return { __error: { code: 'invalid_payload', message: 'Invalid account', fields: errors } };
      const secretValues: Record<string, string> = {};
      const settings: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d)) {
        if (SECRET_NAMES.includes(k)) secretValues[k] = String(v);
        else if (!['provider', 'label', 'id'].includes(k)) settings[k] = v;
      }
      const id = (d.id as string) ?? `${d.provider}-${state.accounts.length + 1}`;
      const acc = {
        id,
        provider: d.provider as AccountView['provider'],
        ...(d.label ? { label: d.label as string } : {}),
        enabled: true,
        settings,
        secrets: Object.fromEntries(Object.entries(secretValues).map(([k, v]) => [k, mask(v)])),
        secretStorage: 'keychain' as const,
        missingSecrets: [],
        secretValues,
      };
      state.accounts.push(acc);
      emit('accounts.changed', state.accounts.map(view));
      return view(acc);
    },
    'accounts.update': (input) => {
      const acc = state.accounts.find((a) => a.id === input.id);
      if (!acc) return { __error: { code: 'not_found', message: 'No such account' } };
      const patch = input.patch as Record<string, unknown>;
      for (const [k, v] of Object.entries(patch)) {
        if (SECRET_NAMES.includes(k)) {
          if (v) {
            acc.secretValues[k] = String(v);
            acc.secrets[k] = mask(String(v));
          }
        } else if (k === 'label') acc.label = String(v);
        else acc.settings[k] = v;
      }
      return view(acc);
    },
    'accounts.remove': (input) => {
      const before = state.accounts.length;
      state.accounts = state.accounts.filter((a) => a.id !== input.id);
      return { removed: state.accounts.length < before };
    },
    'accounts.detectCredential': (input) => {
      const text = String(input.text);
      try {
        const j = JSON.parse(text) as Record<string, string>;
        if (j.type === 'service_account')
          return {
            provider: 'vertex',
            summary: `Google Cloud service account for project ${j.project_id}`,
            facts: { projectId: j.project_id ?? '', clientEmail: j.client_email ?? '' },
            errors: [],
          };
      } catch {}
      if (/^AKIA/.test(text))
        return { provider: 'bedrock', summary: 'AWS access key ID', facts: {}, errors: [] };
      return { provider: null, summary: 'Not a credential Keybridge recognises', facts: {}, errors: [] };
    },
    'accounts.test': (input) => {
      const acc = state.accounts.find((a) => a.id === input.id);
      if (acc?.provider === 'bedrock' && acc.settings.region === 'eu-west-3')
        return {
          ok: false,
          latencyMs: 210,
          error: {
            status: 403,
            kind: 'auth',
            message: 'AWS Bedrock refused the key: model access is not enabled in eu-west-3',
            hint: 'Open the Bedrock console in eu-west-3 → Model access, and enable the Anthropic models.',
          },
        };
      return { ok: true, message: `${acc?.provider ?? 'The account'} answered in 812 ms`, latencyMs: 812 };
    },
    'accounts.models': (input) => ({
      accountId: input.id,
      models: [
        { id: 'claude-sonnet-4-5', displayName: 'Claude Sonnet 4.5' },
        { id: 'claude-haiku-4-5', displayName: 'Claude Haiku 4.5' },
        { id: 'gemini-2.5-pro' },
      ],
      source: 'catalog',
      reason: 'Vertex AI has no model list for partner models; showing Keybridge’s built-in list.',
    }),
    'models.get': () => state.models,
    'models.update': (input) => {
      state.models = input as unknown as ModelSettings;
      return state.models;
    },
    'models.public': () =>
      state.models.models
        .filter((m) => m.enabled)
        .map((m) => ({
          id: m.id,
          routes: m.routes.map((r) => ({ account: r.account, provider: 'vertex', upstreamModel: r.model })),
        })),
    'settings.get': () => state.settings,
    'settings.update': (input) => {
      if (input.lan === true && !state.settings.hasAccessKey)
        return {
          __error: {
            code: 'invalid_payload',
            message: 'LAN access needs an access key',
            hint: 'Generate an access key first.',
            fields: [{ path: 'lan', message: 'needs an access key first' }],
          },
        };
      state.settings = { ...state.settings, ...input };
      // As main does: with no keychain, the choice moves the keys (file ↔ session).
      const storage = state.settings.secretStorage;
      const wanted = input.keysWithoutKeychain as 'session' | 'file' | undefined;
      if (wanted && storage && storage.backend !== 'keychain')
        state.settings.secretStorage = { ...storage, backend: wanted };
      emit('settings.changed', state.settings);
      return state.settings;
    },
    'settings.generateAccessKey': () => {
      state.accessKey = 'kb-6f1c2a9d8e7b4c3a2f1e0d9c';
      state.settings = { ...state.settings, hasAccessKey: true };
      return { accessKey: state.accessKey };
    },
    'settings.getAccessKey': () => ({ accessKey: state.accessKey }),
    'settings.clearAccessKey': () => {
      state.accessKey = null;
      state.settings = { ...state.settings, hasAccessKey: false, requireAccessKey: false };
      return state.settings;
    },
    'connect.info': (): ConnectInfo => {
      const key = state.accessKey ?? '';
      return {
        running: state.running,
        origin: state.running ? origin : null,
        accessKeyRequired: state.settings.requireAccessKey,
        accessKey: state.accessKey,
        sources: [
          {
            source: 'openai',
            title: 'Custom (OpenAI-compatible)',
            fields: [
              { label: 'Custom Endpoint (Base URL)', value: `${origin}/v1` },
              { label: 'Custom API Key', value: key || 'none' },
            ],
            steps: [],
          },
          {
            source: 'claude',
            title: 'Claude',
            fields: [
              { label: 'Reverse proxy URL', value: `${origin}/v1` },
              { label: 'Proxy password', value: key || 'keybridge' },
            ],
            steps: [],
          },
          {
            source: 'gemini',
            title: 'Google AI Studio',
            fields: [
              { label: 'Reverse proxy URL', value: origin },
              { label: 'Proxy password', value: key },
            ],
            steps: [],
          },
        ],
      };
    },
    'connect.sendTestMessage': (input) => {
      const model = (input.model as string) ?? state.models.defaultModel ?? 'claude-sonnet-4-5';
      const rec = sampleRecord({ publicModel: model, usage: { inputTokens: 8, outputTokens: 12 } });
      state.log.push(rec);
      emit('request.record', rec);
      return { ok: true, model, reply: 'Hello! How can I help you today?', status: 200, latencyMs: 640 };
    },
    'log.recent': () => state.log,
    'log.clear': () => {
      const cleared = state.log.length;
      state.log = [];
      return { cleared };
    },
    'log.export': (input) => ({
      filename: `keybridge-log.${input.format}`,
      mimeType: 'text/plain',
      content: state.log.map((r) => JSON.stringify(r)).join('\n'),
    }),
    'usage.summary': () => ({
      from: '2026-11-17',
      to: '2026-11-23',
      totals: {
        requests: 42,
        errors: 2,
        inputTokens: 120_000,
        outputTokens: 30_000,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 1.23,
        unpricedRequests: 1,
        cacheSavedUsd: 0,
      },
      perModel: [
        {
          model: 'claude-sonnet-4-5',
          requests: 40,
          errors: 2,
          inputTokens: 118_000,
          outputTokens: 29_000,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          costUsd: 1.2,
          unpricedRequests: 0,
          cacheSavedUsd: 0,
        },
      ],
      perDay: ['2026-11-21', '2026-11-22', '2026-11-23'].map((day, i) => ({
        day,
        requests: 10 + i,
        errors: 0,
        inputTokens: 30_000 + i * 10_000,
        outputTokens: 8_000 + i * 2_000,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0.3 + i * 0.1,
        unpricedRequests: 0,
        cacheSavedUsd: 0,
      })),
    }),
  };

  const transport = {
    async invoke(method: MethodName, input: unknown): Promise<Result<unknown>> {
      calls.push([method, input]);
      const parsed = methods[method].input.safeParse(input);
      if (!parsed.success)
        return {
          ok: false,
          error: { code: 'invalid_payload', message: parsed.error.issues[0]?.message ?? '' },
        };
      const handler = handlers[method];
      if (!handler)
        return { ok: false, error: { code: 'internal', message: `fake: ${method} not implemented` } };
      const value = await handler(parsed.data as Record<string, unknown>);
      if (value && typeof value === 'object' && '__error' in value)
        return { ok: false, error: (value as { __error: Result<unknown> & object }).__error as never };
      return { ok: true, value };
    },
    subscribe(event: EventName, listener: (p: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };

  return {
    api: createKeybridgeApi(transport),
    state,
    calls,
    emit,
    override(method, handler) {
      handlers[method] = handler;
    },
  };
}
