/**
 * The layer rule of docs/architecture.md, checked on the source tree:
 * - no import cycles (type-only imports count: a type cycle is a design cycle);
 * - inside proxy-core, a file imports only from its own layer or from a lower one;
 * - app/ reaches proxy-core only through proxy-core/src/index.ts (and its message catalog, pure data
 *   that the window's contract shares: loading the index there would pull the proxy into the window);
 *   the renderer never does.
 * Import lines are read with regular expressions (no TypeScript parser, no dependency).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PRICE_TABLE } from '../proxy-core/src/observability/price-table.js';
import type { ProviderModule } from '../proxy-core/src/providers/module.js';
import { PROVIDER_KINDS } from '../proxy-core/src/providers/presentation.js';
import { PROVIDER_MODULES, providerWireCodecs } from '../proxy-core/src/providers/registry.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_EXT = /\.(ts|tsx|cts|mts)$/;

/**
 * proxy-core's layers, bottom to top. A path (relative to proxy-core/src) belongs to the first
 * module whose prefix it starts with; a module may import its own files and any lower layer's,
 * never a module on its own layer or above.
 */
const PROXY_CORE_LAYERS: ReadonlyArray<{ level: number; module: string; prefixes: string[] }> = [
  {
    level: 0,
    module: 'canonical',
    prefixes: ['canonical/', 'version.ts', 'messages.ts', 'provider-messages.ts'],
  },
  { level: 1, module: 'dialects', prefixes: ['dialects/'] },
  { level: 1, module: 'transport', prefixes: ['transport/'] },
  { level: 1, module: 'config-base', prefixes: ['config/account-base.ts'] },
  { level: 2, module: 'providers', prefixes: ['providers/'] },
  { level: 3, module: 'config', prefixes: ['config/'] },
  { level: 4, module: 'routing', prefixes: ['routing/'] },
  { level: 4, module: 'security', prefixes: ['security/'] },
  { level: 5, module: 'observability', prefixes: ['observability/'] },
  { level: 6, module: 'server', prefixes: ['server/'] },
  { level: 7, module: 'entry', prefixes: ['index.ts', 'cli.ts'] },
];

type ImportGraph = Map<string, string[]>;

/** Relative module specifiers of every import, re-export and dynamic import in a source text. */
function importSpecifiers(source: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) if (m[1]?.startsWith('.')) specs.push(m[1]);
  return specs;
}

/** The source file a relative specifier names (`./x.js` → `x.ts`), or undefined (json, css…). */
function resolveSpecifier(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  const stem = base.replace(/\.(js|jsx|cjs|mjs)$/, '');
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.cts`,
    `${stem}.mts`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ];
  return candidates.find((c) => SOURCE_EXT.test(c) && existsSync(c) && statSync(c).isFile());
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) return [];
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return SOURCE_EXT.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Import graph over the given folders, keyed by repository-relative paths. */
function readImportGraph(root: string, folders: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of folders.flatMap((f) => sourceFiles(path.join(root, f)))) {
    const targets = importSpecifiers(readFileSync(file, 'utf8'))
      .map((spec) => resolveSpecifier(file, spec))
      .filter((t): t is string => t !== undefined)
      .map((t) => path.relative(root, t).split(path.sep).join('/'));
    graph.set(path.relative(root, file).split(path.sep).join('/'), [...new Set(targets)]);
  }
  return graph;
}

/** Every import cycle, each once, as the list of files around it (first file repeated at the end). */
function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(1)].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

/** The layer module of a proxy-core file (path relative to proxy-core/src), or undefined. */
function layerOf(file: string, layers = PROXY_CORE_LAYERS): { level: number; module: string } | undefined {
  return layers.find((l) => l.prefixes.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
}

/** proxy-core imports that run up a layer or sideways to another module of the same layer. */
function layerViolations(graph: ImportGraph, srcRoot = 'proxy-core/src/'): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith(srcRoot)) continue;
    const from = layerOf(file.slice(srcRoot.length));
    if (!from) {
      out.push(`${file}: not in any layer (add it to PROXY_CORE_LAYERS and docs/architecture.md)`);
      continue;
    }
    for (const target of targets) {
      if (!target.startsWith(srcRoot)) continue;
      const to = layerOf(target.slice(srcRoot.length));
      if (!to || to.module === from.module || to.level < from.level) continue;
      out.push(`${file} (${from.module}, layer ${from.level}) → ${target} (${to.module}, layer ${to.level})`);
    }
  }
  return out;
}

/**
 * What app/ may import of proxy-core: its public index, and two tables of plain data the window's
 * contract shares (the message catalog and the providers' presentation table).
 */
const PUBLIC_ENTRIES = new Set([
  'proxy-core/src/index.ts',
  'proxy-core/src/messages.ts',
  'proxy-core/src/providers/presentation.ts',
]);

/** Imports from `folder` into proxy-core other than through its public entries. */
function publicApiViolations(graph: ImportGraph, folder: string, allowIndex: boolean): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith(folder)) continue;
    for (const target of targets) {
      if (!target.startsWith('proxy-core/')) continue;
      if (allowIndex && PUBLIC_ENTRIES.has(target)) continue;
      out.push(`${file} → ${target}`);
    }
  }
  return out;
}

/** Where a provider kind may be named besides its own folder (the registry names folders, not kinds). */
const KIND_NAMING_ALLOWED = new Set(['proxy-core/src/providers/presentation.ts']);

/**
 * Product-code lines that name a provider kind (or a wire format a provider brings) outside the
 * folder that owns it. Names that also mean something else — a client dialect (`openai`,
 * `anthropic`) or a model maker (`deepseek`: a Bedrock model family, a price-table source) — count
 * only where they are compared with or assigned to a provider or kind (`provider === 'openai'`,
 * `kind: 'deepseek'`). Comment lines are skipped.
 */
function kindMentions(
  files: ReadonlyMap<string, string>,
  owners: ReadonlyMap<string, string>,
  homonyms: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const quoted = (name: string) => `['"\`]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"\`]`;
  for (const [file, text] of files) {
    if (KIND_NAMING_ALLOWED.has(file)) continue;
    text.split('\n').forEach((line, i) => {
      const code = line.trim();
      if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
      for (const [name, folder] of owners) {
        if (file.startsWith(folder)) continue;
        const re = homonyms.has(name)
          ? new RegExp(`\\b(provider|kind)[\\w.?]*\\s*(?:[!=]==?|:)\\s*${quoted(name)}`, 'i')
          : new RegExp(quoted(name));
        if (re.test(line)) out.push(`${file}:${i + 1} names '${name}' (owned by ${folder})`);
      }
    });
  }
  return out;
}

describe('the checker itself', () => {
  const graph: ImportGraph = new Map([
    ['proxy-core/src/dialects/registry.ts', ['proxy-core/src/server/chat-pipeline.ts']],
    ['proxy-core/src/server/chat-pipeline.ts', ['proxy-core/src/dialects/types.ts']],
    ['proxy-core/src/dialects/types.ts', ['proxy-core/src/canonical/types.ts']],
    ['proxy-core/src/transport/http-client.ts', ['proxy-core/src/providers/types.ts']],
    ['proxy-core/src/providers/types.ts', ['proxy-core/src/transport/http-client.ts']],
    ['proxy-core/src/routing/catalog.ts', ['proxy-core/src/security/redactor.ts']],
    ['proxy-core/src/canonical/types.ts', []],
    [
      'app/services/a.ts',
      ['proxy-core/src/index.ts', 'proxy-core/src/config/schema.ts', 'app/services/b.ts'],
    ],
  ]);

  it('reads imports, re-exports, type imports and dynamic imports, not packages', () => {
    const src = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export type * from './d.js';",
      "import './side-effect.js';",
      "import {\n  e,\n  f,\n} from './ef.js';",
      "const g = await import('./g.js');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importSpecifiers(src).sort()).toEqual(
      ['../b.js', './a.js', './c.js', './d.js', './ef.js', './g.js', './side-effect.js'].sort(),
    );
  });

  it('finds a cycle through type imports', () => {
    expect(findCycles(graph)).toEqual([
      [
        'proxy-core/src/providers/types.ts',
        'proxy-core/src/transport/http-client.ts',
        'proxy-core/src/providers/types.ts',
      ],
    ]);
  });

  it('flags an import up a layer and one sideways to another module of the same layer', () => {
    const found = layerViolations(graph);
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toContain(
      'dialects/registry.ts (dialects, layer 1) → proxy-core/src/server/chat-pipeline.ts',
    );
    expect(found.join('\n')).toContain(
      'transport/http-client.ts (transport, layer 1) → proxy-core/src/providers/types.ts',
    );
    expect(found.join('\n')).toContain(
      'routing/catalog.ts (routing, layer 4) → proxy-core/src/security/redactor.ts',
    );
  });

  it('flags a provider kind named outside its folder, and a dialect-named kind only as a provider', () => {
    const owners = new Map([
      ['vertex', 'proxy-core/src/providers/vertex/'],
      ['openai', 'proxy-core/src/providers/openai-compatible/'],
      ['bedrock-converse', 'proxy-core/src/providers/bedrock/'],
    ]);
    const files = new Map([
      ['proxy-core/src/providers/vertex/index.ts', "const k = 'vertex';"],
      ['proxy-core/src/providers/presentation.ts', "vertex: { form: 'vertex' },"],
      [
        'proxy-core/src/routing/catalog.ts',
        "if (account.provider === 'vertex') {}\n// 'vertex' in a comment",
      ],
      ['proxy-core/src/server/proxy.ts', "if (wire === 'openai') {}\ncodecs({ 'bedrock-converse': c })"],
      ['app/services/x.ts', "return { provider: 'openai' };"],
    ]);
    expect(kindMentions(files, owners, new Set(['openai']))).toEqual([
      "proxy-core/src/routing/catalog.ts:1 names 'vertex' (owned by proxy-core/src/providers/vertex/)",
      "proxy-core/src/server/proxy.ts:2 names 'bedrock-converse' (owned by proxy-core/src/providers/bedrock/)",
      "app/services/x.ts:1 names 'openai' (owned by proxy-core/src/providers/openai-compatible/)",
    ]);
  });

  it('flags app/ reaching past proxy-core/src/index.ts', () => {
    expect(publicApiViolations(graph, 'app/', true)).toEqual([
      'app/services/a.ts → proxy-core/src/config/schema.ts',
    ]);
  });
});

describe('the source tree', () => {
  const graph = readImportGraph(REPO, ['proxy-core/src', 'app', 'renderer/src']);

  it('reads the tree (guards against a checker that sees nothing)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('proxy-core/src/index.ts')).toContain('proxy-core/src/server/proxy.ts');
  });

  it('has no import cycles', () => {
    expect(findCycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('proxy-core imports only down its layers', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('app/ uses proxy-core only through proxy-core/src/index.ts, and the renderer not at all', () => {
    expect(publicApiViolations(graph, 'app/', true)).toEqual([]);
    expect(publicApiViolations(graph, 'renderer/', false)).toEqual([]);
  });
});

describe('the provider seam', () => {
  it('names each provider kind only in its folder and the presentation table', async () => {
    // Each folder's module.ts, loaded, tells which registered module (kinds, codecs) the folder owns.
    const owners = new Map<string, string>();
    for (const file of sourceFiles(path.join(REPO, 'proxy-core/src/providers'))) {
      if (path.basename(file) !== 'module.ts' || path.dirname(file).endsWith('providers')) continue;
      const where = `${path.relative(REPO, path.dirname(file)).split(path.sep).join('/')}/`;
      const exported = Object.values((await import(file)) as Record<string, unknown>);
      for (const m of PROVIDER_MODULES as ReadonlyArray<Pick<ProviderModule, 'kinds' | 'wireCodecs'>>) {
        if (!exported.includes(m)) continue;
        for (const kind of m.kinds) owners.set(kind, where);
        for (const codec of m.wireCodecs ?? []) owners.set(codec.format, where);
      }
    }
    expect([...owners.keys()].sort()).toEqual(
      [...PROVIDER_KINDS, ...providerWireCodecs().map((c) => c.format)].sort(),
    );
    expect([...owners.values()].every((f) => f.startsWith('proxy-core/src/providers/'))).toBe(true);
    expect(owners.get('vertex')).toBe('proxy-core/src/providers/vertex/');
    const files = new Map(
      ['proxy-core/src', 'app', 'renderer/src']
        .flatMap((f) => sourceFiles(path.join(REPO, f)))
        .map((f) => [path.relative(REPO, f).split(path.sep).join('/'), readFileSync(f, 'utf8')] as const),
    );
    const homonyms = new Set(['openai', 'anthropic', 'gemini', ...Object.keys(PRICE_TABLE.sources)]);
    expect(kindMentions(files, owners, homonyms)).toEqual([]);
  });

  it('the registry and the presentation table list the same kinds, price sources exist, the table imports nothing', () => {
    const registered = PROVIDER_MODULES.flatMap((m) => [...m.kinds]).sort();
    const sources = Object.keys(PRICE_TABLE.sources);
    for (const m of PROVIDER_MODULES) expect(sources).toEqual(expect.arrayContaining([...m.priceSources]));
    expect(registered).toEqual([...PROVIDER_KINDS].sort());
    const table = readFileSync(path.join(REPO, 'proxy-core/src/providers/presentation.ts'), 'utf8');
    expect(importSpecifiers(table)).toEqual([]);
    expect(table).not.toMatch(/^\s*import\b/m);
  });
});
