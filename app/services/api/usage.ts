/** The `usage.*` calls: the usage summary. */
import type { ApiContext, NamespaceHandlers } from './context.js';

export function usageApi(ctx: ApiContext): NamespaceHandlers<'usage'> {
  const { requestLog } = ctx;
  return {
    'usage.summary': async ({ days }) => requestLog.usage(days),
  };
}
