import type { Readable } from 'node:stream';

/** A fully prepared upstream HTTP request (URL, signed headers, body). */
export interface UpstreamRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The response body as a Node stream; consume or destroy it. */
  body: Readable & AsyncIterable<Uint8Array>;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Overrides the client's time-to-first-byte (headers) timeout for this call. */
  headersTimeoutMs?: number;
}

/** Sends prepared upstream requests. One per account (it carries that account's outbound proxy). */
export interface HttpClient {
  send(req: UpstreamRequest, opts?: SendOptions): Promise<UpstreamResponse>;
  close(): Promise<void>;
}
