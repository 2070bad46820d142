import { setOwn } from '../../canonical/json.js';
import { camel } from './schema.js';

/**
 * Tool and response schemas between JSON Schema (canonical) and what Gemini takes.
 *
 * Outbound, Keybridge sends `parametersJsonSchema` / `responseJsonSchema` (full JSON Schema), after
 * removing `$schema` and inlining same-document `$ref`s: Gemini refuses a `$ref` that has sibling
 * keywords, and tools from MCP servers or zod often carry them.
 * Inbound, the legacy `parameters` / `responseSchema` field is Google's OpenAPI subset (upper-case
 * `type`, `nullable`, snake_case keywords): it is converted to plain JSON Schema.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const MAX_REF_DEPTH = 32;

function resolvePointer(root: Json, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const segments = ref
    .slice(1)
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(node)) node = node[Number(seg)];
    else if (isObject(node)) node = node[seg];
    else return undefined;
  }
  return node;
}

function inlineRefs(node: unknown, root: Json, seen: ReadonlyArray<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, root, seen));
  if (!isObject(node)) return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const target = resolvePointer(root, ref);
    // Unresolvable or circular refs are left as they are (Gemini then says what it dislikes).
    if (isObject(target) && !seen.includes(ref) && seen.length < MAX_REF_DEPTH) {
      const { $ref: _drop, ...siblings } = node;
      const resolved = inlineRefs(target, root, [...seen, ref]) as Json;
      return { ...resolved, ...(inlineRefs(siblings, root, seen) as Json) };
    }
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = inlineRefs(v, root, seen);
  return out;
}

/** Prepares a JSON Schema for `parametersJsonSchema` / `responseJsonSchema`. */
export function jsonSchemaForGemini(schema: Json): Json {
  const inlined = inlineRefs(schema, schema, []) as Json;
  const { $schema: _s, $defs: defs, definitions, ...rest } = inlined;
  // Keep definitions only if a ref could not be inlined (circular ones).
  const stillRefs = JSON.stringify(rest).includes('"$ref"');
  const out: Json = { ...rest };
  if (stillRefs && defs !== undefined) out.$defs = defs;
  if (stillRefs && definitions !== undefined) out.definitions = definitions;
  return out;
}

/** The OpenAPI keywords Google also accepts in snake_case; they are read as their camelCase names. */
const SNAKE_KEYWORDS = new Set([
  'any_of',
  'max_items',
  'min_items',
  'max_length',
  'min_length',
  'max_properties',
  'min_properties',
  'property_ordering',
]);

/** Converts Google's OpenAPI-subset Schema (`parameters`, `responseSchema`) to JSON Schema. */
export function openApiSchemaToJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApiSchemaToJsonSchema);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  let nullable = false;
  for (const [rawKey, v] of Object.entries(schema)) {
    const key = SNAKE_KEYWORDS.has(rawKey) ? camel(rawKey) : rawKey;
    if (key === 'propertyOrdering') continue;
    if (key === 'nullable') {
      nullable = v === true;
      continue;
    }
    if (key === 'type') {
      if (typeof v === 'string' && v !== 'TYPE_UNSPECIFIED') out.type = v.toLowerCase();
      continue;
    }
    if (key === 'properties' && isObject(v)) {
      const props: Json = {};
      for (const [name, sub] of Object.entries(v)) setOwn(props, name, openApiSchemaToJsonSchema(sub));
      out.properties = props;
      continue;
    }
    if (key === 'items' || key === 'anyOf') {
      out[key] = openApiSchemaToJsonSchema(v);
      continue;
    }
    setOwn(out, key, v);
  }
  if (nullable) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
  }
  return out;
}
