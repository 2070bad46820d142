/** The `models.*` calls: the model settings and the models the proxy offers. */
import { appMsg, type CallError, type ModelSettings } from '../../contract/index.js';
import { CallFailure } from './call-failure.js';
import type { ApiContext, NamespaceHandlers } from './context.js';

export function modelsApi(ctx: ApiContext): NamespaceHandlers<'models'> {
  const { settings, controller, applyChanges } = ctx;
  const validateModels = (next: ModelSettings): void => {
    const accountIds = new Set(settings.getAccounts().map((a) => a.id));
    const errors: CallError['fields'] = [];
    const ids = new Set<string>();
    next.models.forEach((m, i) => {
      if (ids.has(m.id))
        errors.push({
          path: `models.${i}.id`,
          message: `"${m.id}" is listed twice`,
          messageRef: appMsg('fieldModelTwice', { model: m.id }),
        });
      ids.add(m.id);
      m.routes.forEach((r, j) => {
        if (!accountIds.has(r.account))
          errors.push({
            path: `models.${i}.routes.${j}.account`,
            message: `no account "${r.account}"`,
            messageRef: appMsg('fieldNoAccount', { account: r.account }),
          });
      });
    });
    for (const [alias, target] of Object.entries(next.aliases)) {
      if (!ids.has(target))
        errors.push({
          path: `aliases.${alias}`,
          message: `points to unknown model "${target}"`,
          messageRef: appMsg('fieldAliasUnknownModel', { model: target }),
        });
      if (ids.has(alias))
        errors.push({
          path: `aliases.${alias}`,
          message: 'is already a model name',
          messageRef: appMsg('fieldAliasIsModel'),
        });
    }
    if (next.defaultModel && !ids.has(next.defaultModel) && !(next.defaultModel in next.aliases)) {
      errors.push({
        path: 'defaultModel',
        message: `"${next.defaultModel}" is not one of your models`,
        messageRef: appMsg('fieldDefaultUnknown', { model: next.defaultModel }),
      });
    }
    if (errors.length > 0)
      throw new CallFailure('invalid_models', 'Some model settings need attention.', undefined, errors, {
        message: appMsg('modelsNeedAttention'),
      });
  };

  return {
    'models.get': async () => settings.getModels(),
    'models.update': async (next) => {
      validateModels(next);
      const saved = settings.setModels(next);
      await applyChanges();
      return saved;
    },
    'models.public': async () => {
      const handle = controller.handle();
      if (handle) return handle.listModels();
      const accounts = new Map(settings.getAccounts().map((a) => [a.id, a.provider]));
      return settings
        .getModels()
        .models.filter((m) => m.enabled)
        .map((m) => ({
          id: m.id,
          routes: m.routes.map((r) => ({
            account: r.account,
            provider: accounts.get(r.account) ?? 'unknown',
            upstreamModel: r.model,
          })),
        }));
    },
  };
}
