/** The `app.*` calls: app info, notices, diagnostics. */
import { buildDiagnostics } from '../diagnostics.js';
import type { ApiContext, NamespaceHandlers } from './context.js';

export function appApi(ctx: ApiContext): NamespaceHandlers<'app'> {
  const { deps, vault, notices, settings, controller, appLog, redactor, now, settingsView, accountViews } =
    ctx;
  return {
    'app.info': async () => ({ ...deps.appInfo(), secretStorage: vault.backend }),
    'app.notices': async () => notices.list(),
    'app.dismissNotice': async ({ id }) => notices.dismiss(id),
    'app.diagnostics': async () => {
      const text = buildDiagnostics(
        {
          appInfo: { ...deps.appInfo(), secretStorage: vault.backend },
          settings: await settingsView(),
          accounts: await accountViews(),
          status: controller.status(),
          recentProblems: appLog.recentProblems(),
          logTail: appLog.tail(80),
          extra: { vault: vault.status(), models: settings.getModels(), notices: notices.list() },
          now: now(),
        },
        redactor,
      );
      return { text };
    },
  };
}
