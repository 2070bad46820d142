/**
 * Finds fields a config names that its schema does not have (`apikey:` for `apiKey:`,
 * `modles:`), which zod would otherwise drop without a word, and suggests the field meant.
 * Reads the schema itself, so every level (server, each provider's accounts, models,
 * logging, …) is covered, including fields added later.
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';

export interface UnknownField {
  /** Where the unknown field sits, ending with its own name. */
  path: Array<string | number>;
  /** The field the person probably meant (a sibling, or a field one section down). */
  suggestion?: string;
  /** The fields allowed at that place. */
  allowed: string[];
  /** What the place is, in words: "the top level", "server", "anthropic accounts". */
  place: string;
}

type AnySchema = z.core.$ZodType;
// biome-ignore lint/suspicious/noExplicitAny: zod's definitions differ per schema type
type Def = any;

function defOf(schema: AnySchema): Def {
  return schema._zod.def;
}

/** The schema under optional/default/pipe/… wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy') s = def.getter();
    else break;
  }
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The object option of a union that fits the value (for `string | {id, upstream}` and the like). */
function unionOption(def: Def, value: unknown): AnySchema | undefined {
  const options = (def.options as AnySchema[]).map(unwrap);
  if (def.discriminator !== undefined && isPlainObject(value)) {
    const key = def.discriminator as string;
    return options.find((o) => {
      const field = defOf(o).shape?.[key] as AnySchema | undefined;
      const values = field?._zod.values as Set<unknown> | undefined;
      return values?.has(value[key]) ?? false;
    });
  }
  const kind = Array.isArray(value) ? 'array' : isPlainObject(value) ? 'object' : undefined;
  if (!kind) return undefined;
  const fitting = options.filter((o) => {
    const t = defOf(o).type;
    return kind === 'array' ? t === 'array' : t === 'object' || t === 'record';
  });
  return fitting.find((o) => (o as z.ZodType).safeParse(value).success) ?? fitting[0];
}

function placeName(path: Array<string | number>, schema: AnySchema, value: Record<string, unknown>): string {
  if (path.length === 0) return 'the top level';
  const shape = defOf(schema).shape as Record<string, AnySchema>;
  if (
    path[0] === 'accounts' &&
    path.length === 2 &&
    'provider' in shape &&
    typeof value.provider === 'string'
  ) {
    return `${value.provider} accounts`;
  }
  const last = path[path.length - 1];
  return typeof last === 'number' ? `${String(path[path.length - 2])} entries` : String(last);
}

function walk(schema: AnySchema, value: unknown, path: Array<string | number>, out: UnknownField[]): void {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(value)) return;
      const shape = def.shape as Record<string, AnySchema>;
      const allowed = Object.keys(shape);
      const open = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
      for (const [key, v] of Object.entries(value)) {
        if (key in shape) {
          walk(shape[key]!, v, [...path, key], out);
          continue;
        }
        if (open) continue;
        out.push({
          path: [...path, key],
          suggestion: didYouMean(key, allowed) ?? oneSectionDown(key, shape),
          allowed,
          place: placeName(path, s, value),
        });
      }
      return;
    }
    case 'array':
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          walk(def.element, v, [...path, i], out);
        });
      }
      return;
    case 'record':
      if (isPlainObject(value))
        for (const [k, v] of Object.entries(value)) walk(def.valueType, v, [...path, k], out);
      return;
    case 'union': {
      const option = unionOption(def, value);
      if (option) walk(option, value, path, out);
      else if (def.discriminator !== undefined && isPlainObject(value)) {
        // No kind named (or an unknown one): judge the fields against every kind's fields.
        const shape: Record<string, AnySchema> = {};
        for (const o of (def.options as AnySchema[]).map(unwrap)) Object.assign(shape, defOf(o).shape);
        const allowed = Object.keys(shape);
        for (const key of Object.keys(value)) {
          if (key in shape) continue;
          out.push({
            path: [...path, key],
            suggestion: didYouMean(key, allowed),
            allowed,
            place: 'accounts',
          });
        }
      }
      return;
    }
    case 'intersection':
      walk(def.left, value, path, out);
      walk(def.right, value, path, out);
      return;
    default:
      return;
  }
}

/** `port` written at the top level means `server.port`: a field of a section one level down. */
function oneSectionDown(key: string, shape: Record<string, AnySchema>): string | undefined {
  for (const [section, child] of Object.entries(shape)) {
    const inner = defOf(unwrap(child));
    if (inner.type !== 'object') continue;
    const found = didYouMean(key, Object.keys(inner.shape));
    if (found !== undefined && found.toLowerCase() === key.toLowerCase()) return `${section}.${found}`;
  }
  return undefined;
}

/** Every field in `value` that `schema` does not know, in document order. */
export function findUnknownFields(schema: AnySchema, value: unknown): UnknownField[] {
  const out: UnknownField[] = [];
  walk(schema, value, [], out);
  return out;
}
