/**
 * "Use system proxy": asks the OS which proxy reaches an upstream host (Electron's
 * `session.resolveProxy`, injected) and turns its PAC-style answer into proxy-core's outbound
 * proxy value (`none`, `env`, or a proxy URL).
 */
import {
  type OutboundProxySetting,
  PROVIDER_PRESENTATION,
  type ProviderPresentation,
} from '../contract/index.js';

/** Electron's `session.resolveProxy(url)`: "DIRECT", "PROXY host:port; DIRECT", "SOCKS5 host:port"… */
export type ResolveProxy = (url: string) => Promise<string>;

/** proxy-core's outboundProxy values. */
export type OutboundProxyValue = 'none' | 'env' | string;

export interface PacEntry {
  kind: 'direct' | 'http' | 'https' | 'socks5' | 'socks4' | 'unknown';
  host?: string;
  port?: number;
}

/** Parses a PAC result string into its entries, in order. */
export function parsePacResult(pac: string): PacEntry[] {
  return pac
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((entry): PacEntry => {
      const [word = '', target = ''] = entry.split(/\s+/, 2);
      const type = word.toUpperCase();
      if (type === 'DIRECT') return { kind: 'direct' };
      const kind: PacEntry['kind'] =
        type === 'PROXY' || type === 'HTTP'
          ? 'http'
          : type === 'HTTPS'
            ? 'https'
            : type === 'SOCKS' || type === 'SOCKS5'
              ? 'socks5'
              : type === 'SOCKS4'
                ? 'socks4'
                : 'unknown';
      const hostPort = splitHostPort(target);
      return hostPort ? { kind, ...hostPort } : { kind: 'unknown' };
    });
}

function splitHostPort(target: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(target);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1]!, port };
}

/**
 * The first entry proxy-core can use, as its outbound proxy value: a URL, or 'none' for DIRECT.
 * SOCKS4 and unknown entries are skipped (proxy-core speaks HTTP CONNECT and SOCKS5).
 */
export function pacToOutboundProxy(pac: string): OutboundProxyValue | null {
  for (const e of parsePacResult(pac)) {
    if (e.kind === 'direct') return 'none';
    if (e.kind === 'http') return `http://${e.host}:${e.port}`;
    if (e.kind === 'https') return `https://${e.host}:${e.port}`;
    if (e.kind === 'socks5') return `socks5://${e.host}:${e.port}`;
  }
  return null;
}

/** Default API hosts per provider, to ask the OS about (an account's baseUrl wins). */
export const PROVIDER_PROBE_URLS: Record<string, string> = Object.fromEntries(
  Object.entries(PROVIDER_PRESENTATION).flatMap(([kind, p]: [string, ProviderPresentation]) =>
    p.probeUrl ? [[kind, p.probeUrl]] : [],
  ),
);

export interface ResolvedOutbound {
  /** Global outbound proxy for proxy-core. */
  global: OutboundProxyValue;
  /** Per-account override where the OS answers differently for that account's host. */
  perAccount: Record<string, OutboundProxyValue>;
  /** What was asked and answered, for diagnostics. */
  answers: Array<{ url: string; pac: string }>;
}

/**
 * Turns the user's outbound proxy setting into proxy-core values. With "system", asks the OS per
 * upstream host (when a resolver is available — in Electron); without a resolver (headless/dev
 * host) it falls back to the HTTPS_PROXY/NO_PROXY environment ('env').
 */
export async function resolveOutboundProxy(
  setting: OutboundProxySetting,
  accounts: Array<{ id: string; provider: string; baseUrl?: unknown }>,
  resolveProxy?: ResolveProxy,
): Promise<ResolvedOutbound> {
  if (setting.mode === 'none') return { global: 'none', perAccount: {}, answers: [] };
  if (setting.mode === 'custom') return { global: setting.url, perAccount: {}, answers: [] };
  if (!resolveProxy) return { global: 'env', perAccount: {}, answers: [] };

  const answers: ResolvedOutbound['answers'] = [];
  const ask = async (url: string): Promise<OutboundProxyValue | null> => {
    try {
      const pac = await resolveProxy(url);
      answers.push({ url, pac });
      return pacToOutboundProxy(pac);
    } catch {
      return null;
    }
  };
  const global = (await ask('https://www.googleapis.com/')) ?? 'env';
  const perAccount: Record<string, OutboundProxyValue> = {};
  for (const account of accounts) {
    const url =
      typeof account.baseUrl === 'string' && account.baseUrl
        ? account.baseUrl
        : PROVIDER_PROBE_URLS[account.provider];
    if (!url) continue;
    const value = await ask(url);
    if (value !== null && value !== global) perAccount[account.id] = value;
  }
  return { global, perAccount, answers };
}
