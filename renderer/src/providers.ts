/**
 * What the account forms ask for, per provider: derived from proxy-core's presentation table
 * (shared through the contract). Field names are those of proxy-core's account schemas (the draft
 * is sent flat: `{ provider, label, apiKey, region, … }`).
 */
import type { AccountDraft, ProviderKind } from '../../app/contract/index.js';
import {
  type FieldDef,
  PROVIDER_KINDS,
  PROVIDER_PRESENTATION,
  type ProviderPresentation,
  presentationOf,
} from '../../app/contract/providers.js';

export type { FieldDef, FieldKind } from '../../app/contract/providers.js';

type Table = typeof PROVIDER_PRESENTATION;
/** Kinds with a form of their own: the ones the user picks from (presets are chosen inside their family's form). */
export type PickableProvider = { [K in ProviderKind]: Table[K]['form'] extends K ? K : never }[ProviderKind];

/** Providers the user picks from, in the table's order. */
export const PICKABLE_PROVIDERS = PROVIDER_KINDS.filter(
  (k): k is PickableProvider => PROVIDER_PRESENTATION[k].form === k,
);

/** The fields of each form, in the order shown. */
export const PROVIDER_FIELDS = Object.fromEntries(
  PICKABLE_PROVIDERS.map((p) => [p, presentationOf(p).fields ?? []]),
) as Record<PickableProvider, readonly FieldDef[]>;

/** A family form's presets: each kind it edits and the API address that kind fills in (none for other forms). */
export function presetsOf(form: PickableProvider): Array<{ kind: ProviderKind; baseUrl: string }> {
  if (!presentationOf(form).presetPicker) return [];
  return PROVIDER_KINDS.flatMap((kind) => {
    const p: ProviderPresentation = PROVIDER_PRESENTATION[kind];
    return p.form === form && p.presetBaseUrl !== undefined ? [{ kind, baseUrl: p.presetBaseUrl }] : [];
  });
}

/** The form a provider kind is edited with (presets share their family's form). */
export function formProviderFor(kind: ProviderKind): PickableProvider {
  return presentationOf(kind).form as PickableProvider;
}

/** Whether a field must be filled for this kind of account (the preset can make the key required). */
export function isRequired(f: FieldDef, kind: ProviderKind): boolean {
  return f.required || (f.name === 'apiKey' && presentationOf(kind).keyRequired === true);
}

export type FormValues = Record<string, string | string[]>;

export function initialValues(provider: PickableProvider): FormValues {
  const values: FormValues = {};
  for (const f of PROVIDER_FIELDS[provider]) {
    values[f.name] = f.kind === 'list' ? [] : f.kind === 'region' ? (f.options?.[0] ?? '') : '';
  }
  return values;
}

/**
 * The draft sent to validate/add/update: empty optional values are left out, so an edit keeps
 * the stored secret when its box is left empty.
 */
export function buildDraft(kind: ProviderKind, values: FormValues): AccountDraft {
  const draft: AccountDraft = { provider: kind };
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value)) {
      const items = value.map((v) => v.trim()).filter(Boolean);
      if (items.length) draft[name] = items;
    } else if (value.trim() !== '') {
      draft[name] = name === 'serviceAccount' ? value : value.trim();
    }
  }
  return draft;
}
