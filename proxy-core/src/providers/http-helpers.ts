/**
 * The small steps every provider repeats around its own calls (listing models, testing a
 * credential): send a prepared request, read the answer, turn an error status into the
 * provider's ProxyError, parse JSON; and time a credential test.
 */
import { ProxyError, toProxyError } from '../canonical/errors.js';
import type { AccountModel } from '../config/account-base.js';
import type { MessageRef } from '../messages.js';
import type { HttpClient, UpstreamRequest } from '../transport/http-client.js';
import { readBodyText } from '../transport/undici-http-client.js';
import type { CredentialTestResult, ModelInfo, Provider, UpstreamErrorResponse } from './types.js';

export interface ReadOptions {
  signal?: AbortSignal;
  /** Largest body read (bytes); the default is readBodyText's. */
  limit?: number;
  /** The provider's mapping of an answer with a status outside 2xx. */
  mapError: (res: UpstreamErrorResponse) => ProxyError;
}

export interface JsonReadOptions extends ReadOptions {
  /** The error for a 2xx answer that is not JSON. */
  notJson: (err: unknown) => ProxyError;
}

/** Sends the request and reads the whole answer; a status outside 2xx throws the mapped error. */
export async function sendAndRead(
  http: HttpClient,
  req: UpstreamRequest,
  opts: ReadOptions,
): Promise<string> {
  const res = await http.send(req, { signal: opts.signal });
  const text = await readBodyText(res.body, opts.limit);
  if (res.status < 200 || res.status >= 300) {
    throw opts.mapError({ status: res.status, headers: res.headers, body: text });
  }
  return text;
}

/** Sends the request and parses its JSON answer (typed by the provider's api-types.ts). */
export async function sendForJson<T>(
  http: HttpClient,
  req: UpstreamRequest,
  opts: JsonReadOptions,
): Promise<T> {
  return parseJson<T>(await sendAndRead(http, req, opts), opts.notJson);
}

/** JSON.parse with the caller's error for text that is not JSON. */
export function parseJson<T>(text: string, notJson: (err: unknown) => Error): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw notJson(err);
  }
}

/** The upstream id of a model an account offers (its `upstream`, else its id). */
export function upstreamModelId(m: AccountModel): string {
  return typeof m === 'string' ? m : (m.upstream ?? m.id);
}

/** A credential test that passed: what to tell the user. */
export interface CredentialPass {
  message: string;
  messageRef?: MessageRef;
}

/**
 * Runs a credential test and times it. `run` proves the credential and says so; whatever it
 * throws goes through `failure` (default: as a ProxyError), which may also turn a telling
 * refusal into a pass or rethrow (an abort).
 */
export async function timedCredentialTest(
  now: () => number,
  run: () => Promise<CredentialPass>,
  failure: (err: unknown) => ProxyError | CredentialPass = toProxyError,
): Promise<CredentialTestResult> {
  const started = now();
  let outcome: ProxyError | CredentialPass;
  try {
    outcome = await run();
  } catch (err) {
    outcome = failure(err);
  }
  const latencyMs = now() - started;
  return outcome instanceof ProxyError
    ? { ok: false, error: outcome.toInfo(), latencyMs }
    : { ok: true, ...outcome, latencyMs };
}

/**
 * A credential test that fetches the account's model list: the credential works when the list
 * comes; `pass` says so with the number of models found.
 */
export function modelListTest(
  now: () => number,
  list: () => Promise<readonly unknown[]>,
  pass: (count: number) => CredentialPass,
  failure?: (err: unknown) => ProxyError | CredentialPass,
): Promise<CredentialTestResult> {
  return timedCredentialTest(now, async () => pass((await list()).length), failure);
}

/**
 * The model list and the credential test of a provider whose upstream lists its models
 * (`fetchModels`, one call serving both). The list: the account's configured models first, then
 * whatever else the upstream lists (the settings window shows it to pick from, so it is always
 * asked for); when it cannot be had, the configured models alone with the reason, unless the
 * account serves every listed model (`discoverModels`: nothing to fall back on) or the caller gave
 * up. The test passes when the list comes, with what `connected` says of its length.
 */
export function listedModelsParts(
  account: { models: readonly AccountModel[]; discoverModels: boolean },
  now: () => number,
  fetchModels: (signal?: AbortSignal) => Promise<ModelInfo[]>,
  connected: (count: number) => CredentialPass,
): Pick<Provider, 'listModels' | 'testCredential'> {
  return {
    async listModels(signal) {
      const configured = account.models.map((m): ModelInfo => ({ id: upstreamModelId(m) }));
      let found: ModelInfo[];
      try {
        found = await fetchModels(signal);
      } catch (err) {
        if (account.discoverModels || signal?.aborted) throw err;
        const e = asUpstreamError(err);
        return {
          models: configured,
          source: 'config',
          reason: e.message,
          ...(e.messageRef ? { reasonRef: e.messageRef } : {}),
        };
      }
      const byId = new Map<string, ModelInfo>();
      for (const m of [...configured, ...found]) if (!byId.has(m.id)) byId.set(m.id, m);
      return { models: [...byId.values()], source: 'upstream' };
    },
    testCredential: (signal) => modelListTest(now, () => fetchModels(signal), connected, asUpstreamError),
  };
}

/** Any thrown value as a ProxyError, a foreign one reported as the upstream's failure. */
export function asUpstreamError(err: unknown): ProxyError {
  return err instanceof ProxyError ? err : new ProxyError('upstream', String(err));
}
