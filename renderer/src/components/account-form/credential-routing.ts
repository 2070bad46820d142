/**
 * Pure rules of the account form, read off the providers' presentation: where a pasted credential
 * belongs, what another form starts with when it is carried over, an edit's starting values, and
 * which field an error is shown under.
 */
import type { AccountView, FieldError, ProviderKind } from '../../../../app/contract/index.js';
import { presentationOf } from '../../../../app/contract/providers.js';
import {
  type FieldDef,
  type FormValues,
  formProviderFor,
  initialValues,
  type PickableProvider,
  PROVIDER_FIELDS,
  presetsOf,
} from '../../providers.js';

/** The field of a form a pasted credential goes into first. */
export function pasteFieldOf(form: PickableProvider): string {
  return presentationOf(form).pasteField ?? 'apiKey';
}

/**
 * Whether a recognised credential belongs to another provider than the form's, and which form
 * and kind it would go to. On a form with presets, a key that fits every preset (a generic
 * "sk-…") belongs there, and a custom server hears only of keys that are never anything else.
 */
export function otherProviderFor(
  detected: ProviderKind | null,
  form: PickableProvider,
  kind: ProviderKind,
): { form: PickableProvider; kind: ProviderKind } | null {
  if (!detected) return null;
  const target = formProviderFor(detected);
  if (presetsOf(form).length > 0) {
    const custom = kind === form;
    const found = presentationOf(detected);
    if (custom && !found.unmistakableKey) return null;
    if (found.keyFitsForm === form || detected === kind) return null;
    if (target === form && custom) return null;
    return { form: target, kind: detected };
  }
  if (target === form) return null;
  return { form: target, kind: detected };
}

/** Moves the credential into the other form's field for it (when it has that field's shape), and a preset's address. */
export function carryTo(form: PickableProvider, kind: ProviderKind, text: string, label: string): FormValues {
  const values = initialValues(form);
  const shape = presentationOf(form).pasteShape;
  if (!shape || shape.test(text.trim())) values[pasteFieldOf(form)] = text.trim();
  const presets = presetsOf(form);
  if (presets.length > 0) values.baseUrl = presets.find((p) => p.kind === kind)?.baseUrl ?? '';
  if (label) values.label = label;
  return values;
}

/** An edit starts from the stored settings; secret boxes start empty (the mask is shown instead). */
export function valuesFromAccount(account: AccountView, form: PickableProvider): FormValues {
  const values = initialValues(form);
  for (const f of PROVIDER_FIELDS[form]) {
    if (f.kind === 'secret' || f.kind === 'json-secret') {
      values[f.name] = '';
      continue;
    }
    const v = f.name === 'label' ? account.label : account.settings[f.name];
    if (Array.isArray(v)) values[f.name] = v.map(String);
    else if (typeof v === 'string' || typeof v === 'number') values[f.name] = String(v);
  }
  return values;
}

/** Field errors keyed by the form field they belong to ("serviceAccount.private_key" → serviceAccount). */
export function errorsByField(
  errors: FieldError[],
  fields: readonly FieldDef[],
  fieldError: (e: FieldError) => string,
) {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const e of errors) {
    const head = e.path.split('.')[0] ?? '';
    const field = fields.find((f) => f.name === head);
    const text = fieldError(e);
    if (field) byField[field.name] = byField[field.name] ? `${byField[field.name]}; ${text}` : text;
    else general.push(e.path ? `${e.path}: ${text}` : text);
  }
  return { byField, general };
}
