import type { CanonicalRequest, Dialect } from '../canonical/types.js';
import { DROPPED_PARAMS_HEADER, droppedParams, unsupportedParamsError } from '../dialects/dropped-params.js';
import type { EncodeRequestOptions, WireCodec } from '../dialects/types.js';
import type { RecordBuilder } from '../observability/recorder.js';

/** What an account does with a parameter its upstream cannot take (config `unsupportedParams`). */
export type UnsupportedParamsPolicy = 'drop' | 'refuse';

/**
 * Names, for one attempt, what of the client's request its upstream will not get: in the
 * `x-keybridge-dropped-params` response header and the request record, or as a 400 (thrown) when
 * the account refuses. A passthrough attempt drops nothing, and clears what an earlier attempt
 * on another route put in the record.
 */
export function noteDroppedParams(a: {
  /** The attempt's answer headers (written with its first byte; each try starts afresh). */
  responseHeaders: Record<string, string>;
  record: RecordBuilder;
  dialect: Dialect;
  body: Record<string, unknown>;
  req: CanonicalRequest;
  /** Undefined for a passthrough attempt. */
  wire: WireCodec | undefined;
  opts: EncodeRequestOptions;
  policy: UnsupportedParamsPolicy;
  account: string;
}): void {
  const names = a.wire
    ? droppedParams({ dialect: a.dialect, body: a.body, req: a.req, wire: a.wire, opts: a.opts })
    : [];
  if (names.length > 0 && a.policy === 'refuse') {
    a.record.set({ droppedParams: undefined });
    throw unsupportedParamsError(names, {
      account: a.account,
      provider: a.opts.providerKind ?? '',
      model: a.opts.upstreamModel,
    });
  }
  a.record.set({ droppedParams: names.length > 0 ? names : undefined });
  if (names.length > 0) a.responseHeaders[DROPPED_PARAMS_HEADER] = names.join(', ');
}
