/** The `proxy.*` calls: the proxy's status, start and stop. */
import type { ApiContext, NamespaceHandlers } from './context.js';

export function proxyApi(ctx: ApiContext): NamespaceHandlers<'proxy'> {
  const { controller } = ctx;
  return {
    'proxy.status': async () => controller.status(),
    'proxy.start': async () => controller.start(),
    'proxy.stop': async () => controller.stop(),
  };
}
