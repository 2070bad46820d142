import { ProxyError, toProxyError, UPSTREAM_CUT, UPSTREAM_UNREADABLE } from '../canonical/errors.js';
import type { ErrorInfo } from '../canonical/types.js';
import { type MessageRef, proxyMsg } from '../messages.js';

/**
 * Retries and failover, before the first byte reaches the client.
 *
 * Routes are tried in order. A failed attempt is classified:
 * - `fatal`: the request itself is at fault (400, 404, 413, content filter…), or Keybridge is
 *   (an internal error: a bug or a limit) — stop, report it;
 * - `failover`: the route's credential was refused (401/403) — never retried on the same key,
 *   the next key of the same account (when the caller says one is usable) or the next route;
 * - `retryable`: 429, 5xx, connection errors, timeouts — the next key for 429, else the next
 *   route at once; after the last route a new round starts after a full-jitter exponential
 *   backoff, honouring retry-after when it is short enough (a route asking for a longer wait is
 *   dropped instead). A reset connection or an unreadable answer is retried at most once on the
 *   same route; then only other routes are tried.
 * Resolving `attemptFn` means the response is committed to the client: nothing is retried after.
 * The total number of attempts is bounded; a client abort stops everything at once, including
 * a backoff wait.
 */

/** The minimum a route must say about itself for the log. */
export interface RouteRef {
  account: string;
  provider: string;
  upstreamModel: string;
}

/** One attempt against one route (account + upstream model), as the request record lists it. */
export interface AttemptRecord {
  account: string;
  provider: string;
  upstreamModel: string;
  status?: number;
  latencyMs: number;
  error?: ErrorInfo;
}

export type FailureClass = 'fatal' | 'failover' | 'retryable';

/** How a failed attempt is treated. */
export function classifyFailure(err: ProxyError): FailureClass {
  // Our own errors (a bug, a limit) are no account's fault, and would fail the same way again.
  if (err.kind === 'internal') return 'fatal';
  if (err.status === 401 || err.status === 403) return 'failover';
  if (err.retryable) return 'retryable';
  if (err.status === 408 || err.status === 429 || err.status >= 500) return 'retryable';
  return 'fatal';
}

/**
 * True for failures a retry on the same route rarely cures (a connection reset or refused, an
 * answer that cannot be read): that route is retried at most once, then only other routes are tried.
 */
export function isRetriedOnce(err: ProxyError): boolean {
  return err.code === UPSTREAM_CUT || err.code === UPSTREAM_UNREADABLE;
}

/** True for failures that belong to the key used (another key of the same account may work). */
export function isKeySpecificFailure(err: ProxyError): boolean {
  return err.status === 401 || err.status === 403 || err.status === 429;
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^(round-1))]. */
export function backoffDelayMs(round: number, random: () => number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, round - 1));
  return Math.floor(random() * ceiling);
}

export interface AttemptContext {
  /** 1-based attempt number across all routes. */
  attempt: number;
  /** Index of the route in the list. */
  routeIndex: number;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

export interface FailoverOptions<R extends RouteRef, T = unknown> {
  /** The client's abort signal. */
  signal?: AbortSignal;
  /** Total attempts across routes, keys and rounds. Default: max(4, routes + 1), so every route gets a try. */
  maxAttempts?: number;
  /** First backoff ceiling. Default 500 ms. */
  baseDelayMs?: number;
  /** Largest backoff ceiling. Default 8 s. */
  maxDelayMs?: number;
  /** A retry-after longer than this drops the route instead of waiting. Default 20 s. */
  maxRetryAfterMs?: number;
  /** Random in [0, 1). Default Math.random. */
  random?: () => number;
  /** Clock for latencies. Default Date.now. */
  now?: () => number;
  /** Waits `ms` or rejects when the signal aborts. Default: a real timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * After a key-specific failure (401/403/429) on `route`: is another key of that account usable
   * now? If so the same route is tried again at once (the attempt function picks the next key).
   */
  hasAlternateKey?: (route: R, err: ProxyError) => boolean;
  /** Status of a committed result for the log (e.g. 200). */
  statusOf?: (value: T) => number | undefined;
  /** Called after every attempt, as it happens (live log). */
  onAttempt?: (record: AttemptRecord) => void;
  /**
   * One deadline for the whole request, across attempts and backoff waits, until its answer is
   * committed: when it passes, the attempt in flight is aborted and the deadline error returned.
   */
  deadlineMs?: number;
  /** True once the answer has started reaching the client (the deadline no longer applies). */
  isCommitted?: () => boolean;
  /**
   * True for a failure that rules its route out for this request at once, whatever its status: a
   * refusal before anything was sent (a spend limit). The next route is tried; when none is left,
   * the request ends with that error.
   */
  dropsRoute?: (err: ProxyError) => boolean;
}

/** The error a request gets when its deadline passes before any answer could start. */
export function deadlineError(deadlineMs: number, last?: ProxyError): ProxyError {
  const secs = Math.round(deadlineMs / 1000);
  const detail = last?.message;
  let span: string;
  let messageRef: MessageRef;
  if (deadlineMs < 1000) {
    span = `${deadlineMs} ms`;
    const ms = deadlineMs;
    messageRef =
      detail === undefined ? proxyMsg('deadlineMs', { ms }) : proxyMsg('deadlineMsLast', { ms, detail });
  } else if (secs >= 120 && secs % 60 === 0) {
    const minutes = secs / 60;
    span = `${minutes} minutes`;
    messageRef =
      detail === undefined
        ? proxyMsg('deadlineMinutes', { minutes })
        : proxyMsg('deadlineMinutesLast', { minutes, detail });
  } else {
    span = `${secs} s`;
    messageRef =
      detail === undefined
        ? proxyMsg('deadlineSeconds', { seconds: secs })
        : proxyMsg('deadlineSecondsLast', { seconds: secs, detail });
  }
  return new ProxyError(
    'timeout',
    `No answer within ${span}${detail !== undefined ? ` (last try: ${detail})` : ', the upstream had not started answering'}`,
    {
      code: 'deadline_exceeded',
      hint: 'Keybridge gives each request one deadline across all its retries (timeouts.deadlineMs). Try again later, or raise it.',
      messageRef,
      hintRef: proxyMsg('deadlineHint'),
      account: last?.account,
      upstreamModel: last?.upstreamModel,
    },
  );
}

export type FailoverResult<T, R extends RouteRef> =
  | { ok: true; value: T; route: R; routeIndex: number; attempts: AttemptRecord[] }
  | { ok: false; error: ProxyError; attempts: AttemptRecord[]; aborted: boolean };

/** The error reported when the client disconnects while we are still trying. */
export function clientAbortedError(): ProxyError {
  return new ProxyError('invalid_request', 'The client closed the connection', {
    status: 499,
    code: 'client_closed_request',
    messageRef: proxyMsg('clientClosed'),
  });
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

interface RouteState {
  /** Dropped: its credential was refused, or it asked to wait too long. */
  dropped: boolean;
  /** Epoch ms before which the route should not be tried (retry-after). */
  notBefore: number;
  /** Resets and unreadable answers so far on this route (see isRetriedOnce). */
  cuts: number;
}

/**
 * Runs `attemptFn` over `routes` with retries and failover. Never throws: resolves with the
 * committed value, or with the last error (and every attempt made, for the request record).
 */
export async function runWithFailover<T, R extends RouteRef>(
  routes: ReadonlyArray<R>,
  attemptFn: (route: R, ctx: AttemptContext) => Promise<T>,
  opts: FailoverOptions<R, T> = {},
): Promise<FailoverResult<T, R>> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? Math.max(4, routes.length + 1));
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 8_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 20_000;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const clientSignal = opts.signal ?? new AbortController().signal;
  const attempts: AttemptRecord[] = [];
  const aborted = (): FailoverResult<T, R> => ({
    ok: false,
    error: clientAbortedError(),
    attempts,
    aborted: true,
  });

  if (routes.length === 0) {
    return {
      ok: false,
      error: new ProxyError('not_found', 'This model has no route to any account', {
        hint: 'Add an account that offers this model in the settings.',
        messageRef: proxyMsg('noRoute'),
        hintRef: proxyMsg('noRouteHint'),
      }),
      attempts,
      aborted: false,
    };
  }

  const deadline = new AbortController();
  const timer =
    opts.deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          if (!opts.isCommitted?.()) deadline.abort();
        }, opts.deadlineMs);
  timer?.unref?.();
  try {
    return await tryRoutes();
  } finally {
    clearTimeout(timer);
  }

  async function tryRoutes(): Promise<FailoverResult<T, R>> {
    // Aborted when the client goes away or the deadline passes: what attempts and waits listen to.
    const signal = timer ? AbortSignal.any([clientSignal, deadline.signal]) : clientSignal;
    const overdue = (): FailoverResult<T, R> => ({
      ok: false,
      error: deadlineError(opts.deadlineMs ?? 0, lastError),
      attempts,
      aborted: false,
    });
    const states: RouteState[] = routes.map(() => ({ dropped: false, notBefore: 0, cuts: 0 }));
    let lastError: ProxyError | undefined;
    let index = 0;
    let round = 0;
    let wrapped = false;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (clientSignal.aborted) return aborted();
      if (deadline.signal.aborted) return overdue();
      const route = routes[index] as R;
      const state = states[index] as RouteState;

      // Wait for a new round's backoff and for the route's retry-after, whichever is later.
      let waitMs = Math.max(0, state.notBefore - now());
      if (wrapped) waitMs = Math.max(waitMs, backoffDelayMs(round, random, baseDelayMs, maxDelayMs));
      wrapped = false;
      if (waitMs > 0) {
        try {
          await sleep(waitMs, signal);
        } catch {
          return clientSignal.aborted ? aborted() : overdue();
        }
        if (clientSignal.aborted) return aborted();
        if (deadline.signal.aborted) return overdue();
      }

      const started = now();
      /** Notes this attempt (its status and error, when it has them) for the record and the listener. */
      const note = (status: number | undefined, error?: ProxyError): void => {
        const record: AttemptRecord = {
          account: route.account,
          provider: route.provider,
          upstreamModel: route.upstreamModel,
          latencyMs: now() - started,
        };
        if (status !== undefined) record.status = status;
        if (error) record.error = error.toInfo();
        attempts.push(record);
        opts.onAttempt?.(record);
      };
      try {
        const value = await attemptFn(route, { attempt, routeIndex: index, signal });
        note(opts.statusOf?.(value));
        return { ok: true, value, route, routeIndex: index, attempts };
      } catch (thrown) {
        if (!clientSignal.aborted && deadline.signal.aborted) {
          const error = deadlineError(opts.deadlineMs ?? 0, lastError);
          note(error.status, error);
          return { ok: false, error, attempts, aborted: false };
        }
        if (clientSignal.aborted) {
          note(undefined, clientAbortedError());
          return aborted();
        }
        const err = toProxyError(thrown);
        lastError = err;
        note(err.status, err);

        const refused = opts.dropsRoute?.(err) === true;
        const cls = classifyFailure(err);
        if (cls === 'fatal' && !refused) return { ok: false, error: err, attempts, aborted: false };

        // Another key of the same account? Try it at once.
        if (!refused && isKeySpecificFailure(err) && opts.hasAlternateKey?.(route, err)) continue;

        if (refused || cls === 'failover') {
          state.dropped = true;
        } else if (isRetriedOnce(err) && ++state.cuts > 1) {
          state.dropped = true;
        } else if (err.retryAfterMs !== undefined) {
          if (err.retryAfterMs > maxRetryAfterMs) state.dropped = true;
          else state.notBefore = now() + err.retryAfterMs;
        }

        // Next live route, wrapping into a new round after the last one.
        let next = -1;
        for (let step = 1; step <= routes.length; step++) {
          const candidate = (index + step) % routes.length;
          if (!(states[candidate] as RouteState).dropped) {
            next = candidate;
            if (candidate <= index) {
              wrapped = true;
              round++;
            }
            break;
          }
        }
        if (next === -1) break;
        index = next;
      }
    }

    return {
      ok: false,
      error: lastError ?? new ProxyError('internal', 'No attempt was made'),
      attempts,
      aborted: false,
    };
  }
}
