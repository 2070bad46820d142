import { Agent, type Dispatcher, interceptors, request } from 'undici';
import { proxyMsg } from '../messages.js';
import { ProxyError } from './errors.js';
import type { CanonicalRequest, DocumentPart, ImagePart, Message, Part } from './types.js';

/** A fetched file, base64-encoded. */
export interface FetchedMedia {
  mediaType: string;
  data: string;
}

/** Fetches the file at a URL; throws a ProxyError a user can act on when it cannot. */
export type FetchMedia = (url: string, signal?: AbortSignal) => Promise<FetchedMedia>;

export interface InlineOptions {
  signal?: AbortSignal;
  /**
   * URLs to leave as they are. Default: anything not http(s) (gs://, Gemini Files API and YouTube
   * links, which Gemini reads itself).
   */
  keep?: (url: string) => boolean;
  /** Most fetches at once. */
  concurrency?: number;
}

/** URLs Gemini reads itself and that cannot be downloaded without the user's Google credentials. */
export function isGoogleReadableUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return true;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return u.protocol !== 'data:';
  if (u.hostname === 'generativelanguage.googleapis.com' && u.pathname.includes('/files/')) return true;
  return /(^|\.)youtube\.com$|^youtu\.be$/.test(u.hostname);
}

/** The URL as shown to users: no query string or fragment (they may carry access tokens), not too long. */
export function displayUrl(url: string): string {
  const bare = url.startsWith('data:') ? 'data:…' : (url.split(/[?#]/)[0] ?? url);
  return bare.length > 120 ? `${bare.slice(0, 117)}…` : bare;
}

function fetchError(url: string, why: string, cause?: unknown): ProxyError {
  return new ProxyError('invalid_request', `Could not fetch the image at ${displayUrl(url)}: ${why}`, {
    hint: 'Check that the link opens in a browser without logging in, or attach the image to the message instead of linking it.',
    cause,
    messageRef: proxyMsg('imageFetchFailed', { url: displayUrl(url), detail: why }),
    hintRef: proxyMsg('imageFetchHint'),
  });
}

function dataUrlMedia(url: string): FetchedMedia | undefined {
  const m = /^data:([^;,]+)((?:;[^;,]*)*?);base64,(.*)$/s.exec(url);
  return m ? { mediaType: (m[1] ?? '').toLowerCase(), data: m[3] ?? '' } : undefined;
}

type MediaPart = ImagePart | DocumentPart;

function urlOf(p: Part): string | undefined {
  return (p.type === 'image' || p.type === 'document') && p.source.kind === 'url' ? p.source.url : undefined;
}

function collectUrls(messages: Message[]): string[] {
  const urls = new Set<string>();
  for (const m of messages) {
    for (const p of m.content) {
      const u = urlOf(p);
      if (u) urls.add(u);
      if (p.type === 'tool_result') {
        for (const c of p.content) {
          const cu = urlOf(c);
          if (cu) urls.add(cu);
        }
      }
    }
  }
  return [...urls];
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Returns a copy of the request whose URL images and documents are replaced by base64 sources,
 * for targets that cannot fetch URLs themselves (Gemini, Bedrock). Data URLs are decoded without
 * fetching; each URL is fetched once. An image link that turns out not to be an image is refused.
 */
export async function inlineRemoteMedia(
  req: CanonicalRequest,
  fetchMedia: FetchMedia,
  opts: InlineOptions = {},
): Promise<CanonicalRequest> {
  const keep = opts.keep ?? isGoogleReadableUrl;
  const urls = collectUrls(req.messages).filter((u) => u.startsWith('data:') || !keep(u));
  if (urls.length === 0) return req;
  const fetched = new Map<string, FetchedMedia>();
  await mapLimited(urls, opts.concurrency ?? 4, async (url) => {
    const media = dataUrlMedia(url) ?? (await fetchMedia(url, opts.signal));
    fetched.set(url, media);
  });

  const replace = <P extends Part>(p: P): P => {
    const url = urlOf(p);
    const media = url ? fetched.get(url) : undefined;
    if (!url || !media) return p;
    const part = p as unknown as MediaPart;
    if (part.type === 'image' && !media.mediaType.startsWith('image/')) {
      throw fetchError(url, `it is ${media.mediaType}, not an image`);
    }
    return {
      ...part,
      source: { kind: 'base64', mediaType: media.mediaType, data: media.data },
    } as unknown as P;
  };
  return {
    ...req,
    messages: req.messages.map((m) => ({
      ...m,
      content: m.content.map((p) =>
        p.type === 'tool_result' ? { ...p, content: p.content.map(replace) } : replace(p),
      ),
    })),
  };
}

export interface MediaFetcherOptions {
  /** Largest file accepted, in bytes (default 20 MiB, Gemini's inline request limit). */
  maxBytes?: number;
  /** Whole fetch, headers and body (default 20 s). */
  timeoutMs?: number;
  /** Dispatcher to use (the account's outbound proxy); redirects are followed on top of it. */
  dispatcher?: Dispatcher;
}

const ACCEPTED = /^(image\/[\w.+-]+|application\/pdf|text\/plain|audio\/[\w.+-]+|video\/[\w.+-]+)$/;

/** Recognises common file types from their first bytes, for servers that say octet-stream. */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  ) {
    return 'image/webp';
  }
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'application/pdf';
  return undefined;
}

/** The production FetchMedia: undici GET with redirects, a size cap, a timeout and type checks. */
export function createMediaFetcher(
  options: MediaFetcherOptions = {},
): FetchMedia & { close(): Promise<void> } {
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const base = options.dispatcher ?? new Agent({ connect: { timeout: 10_000 } });
  const dispatcher = base.compose(interceptors.redirect({ maxRedirections: 5 }));

  const fetchMedia = async (url: string, signal?: AbortSignal): Promise<FetchedMedia> => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (err) {
      throw fetchError(url, 'it is not a valid link', err);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw fetchError(url, 'only http and https links can be fetched');
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(parsed, {
        method: 'GET',
        dispatcher,
        signal: combined,
        headers: { accept: 'image/*,application/pdf;q=0.9,*/*;q=0.5', 'user-agent': 'Keybridge' },
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw fetchError(
        url,
        timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : 'the server could not be reached',
        err,
      );
    }
    const drop = () => {
      // Destroying an unread undici body emits an abort error: nobody needs to hear it.
      res.body.on('error', () => {});
      res.body.destroy();
    };
    if (res.statusCode < 200 || res.statusCode >= 300) {
      drop();
      throw fetchError(url, `the server answered HTTP ${res.statusCode}`);
    }
    const declaredLength = Number(res.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      drop();
      throw fetchError(url, `the file is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
    }
    const rawType = res.headers['content-type'];
    const declaredType = (Array.isArray(rawType) ? rawType[0] : rawType)?.split(';')[0]?.trim().toLowerCase();
    if (declaredType && (declaredType.startsWith('text/html') || declaredType.includes('json'))) {
      drop();
      throw fetchError(
        url,
        `the link leads to ${declaredType === 'text/html' ? 'a web page' : declaredType}, not to a file`,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          drop();
          throw fetchError(url, `the file is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (err instanceof ProxyError || signal?.aborted) throw err;
      throw fetchError(
        url,
        timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : 'the download was cut',
        err,
      );
    }
    const bytes = Buffer.concat(chunks);
    const mediaType =
      declaredType && ACCEPTED.test(declaredType) ? declaredType : (sniffMediaType(bytes) ?? declaredType);
    if (!mediaType || !ACCEPTED.test(mediaType)) {
      throw fetchError(
        url,
        `the server sent ${declaredType ?? 'a file of unknown type'}, not an image or PDF`,
      );
    }
    return { mediaType, data: bytes.toString('base64') };
  };
  return Object.assign(fetchMedia, {
    async close() {
      if (!options.dispatcher) await base.close();
    },
  });
}
