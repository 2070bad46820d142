import type { KeybridgeConfig } from '../config/schema.js';
import { upstreamModelId } from '../providers/http-helpers.js';
import { servedModels } from '../providers/registry.js';
import type { ModelListing, Provider } from '../providers/types.js';

/** One way to serve a public model: an account and the upstream model id there. */
export interface Route {
  account: string;
  provider: Provider;
  upstreamModel: string;
}

interface DiscoveryEntry {
  at: number;
  listing?: ModelListing;
  error?: string;
  pending?: Promise<void>;
}

const DISCOVERY_TTL_MS = 10 * 60_000;

type AccountConfig = KeybridgeConfig['accounts'][number];

/**
 * The models an account serves from its config, as [public id, upstream id] pairs: its
 * `models`, then what its provider serves besides (Azure: its deployments, by name and by the
 * model behind each); a public id already taken keeps its first pair.
 */
export function configuredModels(account: AccountConfig): Array<[string, string]> {
  const pairs: Array<[string, string]> = account.models.map((m) => [
    typeof m === 'string' ? m : m.id,
    upstreamModelId(m),
  ]);
  for (const [pub, upstream] of servedModels(account)) {
    if (!pairs.some(([p]) => p === pub)) pairs.push([pub, upstream]);
  }
  return pairs;
}

/** A route before its provider is attached: the account and the upstream model there. */
export interface RouteRef {
  account: string;
  upstreamModel: string;
}

/** What the catalog needs to know beside the config: which accounts run, what they discovered. */
interface CatalogView {
  config: KeybridgeConfig;
  /** Enabled accounts that have a running provider, in config order. */
  accounts: AccountConfig[];
  /** True for the id of one of `accounts`. */
  isRunning: (accountId: string) => boolean;
  discovered: (accountId: string) => ModelListing | undefined;
  /** `configuredModels` of an account (the running catalog keeps them). */
  modelsOf: (account: AccountConfig) => Array<[string, string]>;
}

function canonicalIdIn(config: KeybridgeConfig, id: string): string {
  let cur = id.startsWith('models/') ? id.slice('models/'.length) : id;
  for (let i = 0; i < 4; i++) {
    // Own entries only: a model named `constructor` or `__proto__` is a plain id, not a lookup.
    const next = Object.hasOwn(config.aliases, cur) ? config.aliases[cur] : undefined;
    if (typeof next !== 'string' || next === cur) break;
    cur = next;
  }
  return cur;
}

/** Routes of a public id (aliases, then explicit models, then every account offering it). */
function resolveRefs(view: CatalogView, publicId: string): RouteRef[] {
  const id = canonicalIdIn(view.config, publicId);
  const explicit = view.config.models.find((m) => m.id === id);
  if (explicit) {
    return explicit.routes
      .filter((r) => view.isRunning(r.account))
      .map((r) => ({ account: r.account, upstreamModel: r.model }));
  }
  const routes: RouteRef[] = [];
  for (const account of view.accounts) {
    const match = view.modelsOf(account).find(([pub]) => pub === id);
    if (match) {
      routes.push({ account: account.id, upstreamModel: match[1] });
      continue;
    }
    if (view.discovered(account.id)?.models.some((m) => m.id === id)) {
      routes.push({ account: account.id, upstreamModel: id });
    }
  }
  if (routes.length > 0) return routes;
  // `account/model` names a model on one account directly.
  const slash = id.indexOf('/');
  if (slash > 0 && view.isRunning(id.slice(0, slash))) {
    return [{ account: id.slice(0, slash), upstreamModel: id.slice(slash + 1) }];
  }
  return [];
}

/** Every public id that has a route, in listing order (explicit models, accounts', aliases). */
function listIds(view: CatalogView): string[] {
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
  };
  for (const m of view.config.models) add(m.id);
  for (const account of view.accounts) {
    for (const [pub] of view.modelsOf(account)) add(pub);
    for (const m of view.discovered(account.id)?.models ?? []) add(m.id);
  }
  for (const alias of Object.keys(view.config.aliases)) add(alias);
  return ids.filter((id) => resolveRefs(view, id).length > 0);
}

/**
 * What `serve` lists at /v1/models from the config alone, before any discovery: the same
 * rules as the running catalog, for `keybridge check`.
 */
export function modelsFromConfig(config: KeybridgeConfig): Array<{ id: string; routes: RouteRef[] }> {
  const accounts = config.accounts.filter((a) => a.enabled);
  const running = new Set(accounts.map((a) => a.id));
  const view: CatalogView = {
    config,
    accounts,
    isRunning: (id) => running.has(id),
    discovered: () => undefined,
    modelsOf: configuredModels,
  };
  return listIds(view).map((id) => ({ id, routes: resolveRefs(view, id) }));
}

/**
 * Maps public model ids (what clients send and /v1/models lists) to ordered routes. Order of
 * precedence: aliases, explicit `models` entries, then every account offering the id (in account
 * order, which is the failover order), then the `account/model` form.
 */
export class ModelCatalog {
  private readonly discovered = new Map<string, DiscoveryEntry>();
  /** Each account's configured models, worked out once (the config of a catalog never changes). */
  private readonly configured = new Map<string, Array<[string, string]>>();

  constructor(
    private readonly config: KeybridgeConfig,
    private readonly providers: ReadonlyMap<string, Provider>,
    private readonly now: () => number = Date.now,
  ) {}

  private accounts() {
    return this.config.accounts.filter((a) => a.enabled && this.providers.has(a.id));
  }

  private view(): CatalogView {
    return {
      config: this.config,
      accounts: this.accounts(),
      // Providers exist only for enabled accounts.
      isRunning: (id) => this.providers.has(id),
      discovered: (id) => this.discovered.get(id)?.listing,
      modelsOf: (account) => {
        let pairs = this.configured.get(account.id);
        if (!pairs) {
          pairs = configuredModels(account);
          this.configured.set(account.id, pairs);
        }
        return pairs;
      },
    };
  }

  /** Follows aliases (at most a few hops, so a loop cannot hang). */
  canonicalId(id: string): string {
    return canonicalIdIn(this.config, id);
  }

  resolve(publicId: string): Route[] {
    return resolveRefs(this.view(), publicId).flatMap((r) => {
      const provider = this.providers.get(r.account);
      return provider ? [{ ...r, provider }] : [];
    });
  }

  /** Runs model discovery for accounts that ask for it (cached for a while; one fetch at a time). */
  async discover(force = false): Promise<void> {
    const jobs = this.accounts()
      .filter((a) => a.discoverModels)
      .map((a) => {
        const entry = this.discovered.get(a.id);
        if (entry?.pending) return entry.pending;
        if (!force && entry && this.now() - entry.at < DISCOVERY_TTL_MS) return undefined;
        const provider = this.providers.get(a.id)!;
        const next: DiscoveryEntry = { at: this.now(), listing: entry?.listing };
        next.pending = provider
          .listModels(AbortSignal.timeout(15_000))
          .then((listing) => {
            next.listing = listing;
            next.error = undefined;
          })
          .catch((err: unknown) => {
            next.error = err instanceof Error ? err.message : String(err);
          })
          .finally(() => {
            next.pending = undefined;
          });
        this.discovered.set(a.id, next);
        return next.pending;
      });
    await Promise.all(jobs);
  }

  /** Every public id with its routes, for /v1/models. */
  list(): Array<{ id: string; routes: Route[] }> {
    return listIds(this.view()).map((id) => ({ id, routes: this.resolve(id) }));
  }

  /** Why discovery failed for an account, if it did. */
  discoveryError(accountId: string): string | undefined {
    return this.discovered.get(accountId)?.error;
  }
}
