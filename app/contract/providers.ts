/**
 * What the window shows and recognises for each provider kind: proxy-core's presentation table
 * (plain data, no runtime), shared here so the window needs nothing else of proxy-core. The window
 * imports this file itself rather than the contract's index, so its first screen does not load zod.
 */
export {
  type FieldDef,
  type FieldKind,
  KEY_SHAPES,
  PROVIDER_KINDS,
  PROVIDER_PRESENTATION,
  type ProviderPresentation,
  presentationOf,
} from '../../proxy-core/src/providers/presentation.js';
