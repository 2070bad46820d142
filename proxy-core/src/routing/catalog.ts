import type { KeybridgeConfig } from '../config/schema.js';
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

/** The account's configured models as [public id, upstream id] pairs. */
function configuredModels(account: KeybridgeConfig['accounts'][number]): Array<[string, string]> {
  return account.models.map((m) => (typeof m === 'string' ? [m, m] : [m.id, m.upstream ?? m.id]));
}

/**
 * Maps public model ids (what clients send and /v1/models lists) to ordered routes. Order of
 * precedence: aliases, explicit `models` entries, then every account offering the id (in account
 * order, which is the failover order), then the `account/model` form.
 */
export class ModelCatalog {
  private readonly discovered = new Map<string, DiscoveryEntry>();

  constructor(
    private readonly config: KeybridgeConfig,
    private readonly providers: ReadonlyMap<string, Provider>,
    private readonly now: () => number = Date.now,
  ) {}

  private accounts() {
    return this.config.accounts.filter((a) => a.enabled && this.providers.has(a.id));
  }

  /** Follows aliases (at most a few hops, so a loop cannot hang). */
  canonicalId(id: string): string {
    let cur = id.startsWith('models/') ? id.slice('models/'.length) : id;
    for (let i = 0; i < 4; i++) {
      // Own entries only: a model named `constructor` or `__proto__` is a plain id, not a lookup.
      const next = Object.hasOwn(this.config.aliases, cur) ? this.config.aliases[cur] : undefined;
      if (typeof next !== 'string' || next === cur) break;
      cur = next;
    }
    return cur;
  }

  resolve(publicId: string): Route[] {
    const id = this.canonicalId(publicId);
    const explicit = this.config.models.find((m) => m.id === id);
    if (explicit) {
      return explicit.routes.flatMap((r) => {
        const provider = this.providers.get(r.account);
        return provider ? [{ account: r.account, provider, upstreamModel: r.model }] : [];
      });
    }
    const routes: Route[] = [];
    for (const account of this.accounts()) {
      const provider = this.providers.get(account.id)!;
      const match = configuredModels(account).find(([pub]) => pub === id);
      if (match) {
        routes.push({ account: account.id, provider, upstreamModel: match[1] });
        continue;
      }
      const listing = this.discovered.get(account.id)?.listing;
      if (listing?.models.some((m) => m.id === id))
        routes.push({ account: account.id, provider, upstreamModel: id });
    }
    if (routes.length > 0) return routes;
    const slash = id.indexOf('/');
    if (slash > 0) {
      const provider = this.providers.get(id.slice(0, slash));
      if (provider) return [{ account: provider.accountId, provider, upstreamModel: id.slice(slash + 1) }];
    }
    return [];
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
    const ids: string[] = [];
    const add = (id: string) => {
      if (!ids.includes(id)) ids.push(id);
    };
    for (const m of this.config.models) add(m.id);
    for (const account of this.accounts()) {
      for (const [pub] of configuredModels(account)) add(pub);
      for (const m of this.discovered.get(account.id)?.listing?.models ?? []) add(m.id);
    }
    for (const alias of Object.keys(this.config.aliases)) add(alias);
    return ids.map((id) => ({ id, routes: this.resolve(id) })).filter((m) => m.routes.length > 0);
  }

  /** Why discovery failed for an account, if it did. */
  discoveryError(accountId: string): string | undefined {
    return this.discovered.get(accountId)?.error;
  }
}
