import type { KeybridgeConfig } from '../config/schema.js';
import type { ModelCatalog } from '../routing/catalog.js';
import type { PipelineEnv } from './pipeline-types.js';

/** Everything one configuration generation serves with. Replaced whole on reconfigure. */
export interface ServingState {
  config: KeybridgeConfig;
  catalog: ModelCatalog;
  env: PipelineEnv;
  extraHosts: ReadonlySet<string>;
}
