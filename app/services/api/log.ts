/** The `log.*` calls: the request log's recent records, clearing and export. */
import type { ApiContext, NamespaceHandlers } from './context.js';

export function logApi(ctx: ApiContext): NamespaceHandlers<'log'> {
  const { requestLog } = ctx;
  return {
    'log.recent': async ({ limit }) => requestLog.recent(limit),
    'log.clear': async () => ({ cleared: requestLog.clear() }),
    'log.export': async ({ format }) => requestLog.export(format),
  };
}
