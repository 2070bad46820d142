/**
 * YAML and JSON syntax errors as a person can act on them: the line number, that line's text
 * in full and a caret under the spot, with what is wrong in plain words. The spot is where the
 * mistake is, not where the parser gave up (an unclosed quote or bracket is shown where it opens).
 */
import YAML from 'yaml';

export interface SyntaxProblem {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** What is wrong, in plain words. */
  message: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const lines = text.slice(0, Math.max(0, offset)).split(LINE_BREAK);
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** "line 3:" then the line, whole, and a caret under the column (tabs kept, so it lines up). */
export function quoteLine(text: string, problem: SyntaxProblem): string {
  const lines = text.split(LINE_BREAK);
  const lineText = lines[problem.line - 1] ?? '';
  const lead = lineText.slice(0, problem.column - 1).replace(/[^\t]/g, ' ');
  return `line ${problem.line}: ${problem.message}\n\n      ${lineText}\n      ${lead}^`;
}

/** Offset of the quote that opens the unclosed quoted value ending at `end`. */
function openingQuote(text: string, end: number, quote: string): number | undefined {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"' && text[i - 1] === '\\') continue;
    if (quote === "'" && (text[i - 1] === "'" || text[i + 1] === "'")) continue;
    return i;
  }
  return undefined;
}

/** Offset of the `[` or `{` that is never closed, searching back from `end`. */
function openingBracket(text: string, end: number, close: ']' | '}'): number | undefined {
  const open = close === ']' ? '[' : '{';
  let depth = 0;
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    const c = text[i];
    if (c === close) depth++;
    else if (c === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

/** Offset of the next `name:` (a colon followed by a space or the line end) from `from`. */
function nextKey(text: string, from: number): number | undefined {
  const m = /:(?=[ \t\r\n]|$)/.exec(text.slice(from));
  if (!m) return undefined;
  let start = from + m.index;
  while (start > from && !/\s/.test(text[start - 1]!)) start--;
  return start;
}

function keyAt(text: string, offset: number): string {
  return /^\s*["']?([^:"'\n]+)/.exec(text.slice(offset))?.[1]?.trim() ?? '';
}

/** One YAML parse error, reworded and placed on the line where the mistake is. */
function describeYamlError(text: string, err: YAML.YAMLError): SyntaxProblem {
  let offset = err.pos[0];
  const first = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  let message: string;
  const bracket = /end with a ([\]}])/.exec(first);
  const quote = /Missing closing (["'])quote/.exec(first);
  switch (true) {
    case quote !== null: {
      const q = quote![1]!;
      offset = openingQuote(text, err.pos[0], q) ?? offset;
      message = `this ${q === '"' ? 'double' : 'single'} quote is never closed — add the closing ${q} at the end of the value`;
      break;
    }
    case bracket !== null: {
      const close = bracket![1] as ']' | '}';
      offset = openingBracket(text, err.pos[0], close) ?? offset;
      message = `this ${close === ']' ? '[' : '{'} is never closed — add ${close} at the end of the value`;
      break;
    }
    case err.code === 'BLOCK_AS_IMPLICIT_KEY': {
      // The parser stops at the value; the mistake is the "name:" that follows it.
      const key = nextKey(text, offset);
      const sameLine =
        key === undefined || lineAndColumn(text, key).line === lineAndColumn(text, offset).line;
      if (key !== undefined) offset = key;
      message = sameLine
        ? 'a second "name: value" on the same line — put each setting on its own line, or quote a value that contains ": "'
        : 'this line is indented more than the setting above it — settings in one section start in the same column';
      break;
    }
    case err.code === 'MULTILINE_IMPLICIT_KEY':
      message =
        'this line is not a "name: value" setting — a colon needs a space after it, or the value needs quotes';
      break;
    case err.code === 'DUPLICATE_KEY':
      message = `"${keyAt(text, offset)}" is set twice in the same section — keep one`;
      break;
    case err.code === 'TAB_AS_INDENT':
      message = 'a tab is used to indent — YAML needs spaces';
      break;
    case /without - indicator/.test(first):
      message =
        "this line is indented differently from the list item above it — line it up with the item's settings";
      break;
    case err.code === 'BAD_INDENT':
      message =
        'this line is indented differently from the settings around it — settings in one section start in the same column';
      break;
    default:
      message = first;
  }
  return { ...lineAndColumn(text, offset), message };
}

/** Parses YAML; on failure says what is wrong, quoting the line. */
export function parseYaml(text: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const doc = YAML.parseDocument(text, { prettyErrors: false });
  if (doc.errors.length === 0) return { ok: true, value: doc.toJS() };
  // The first error is the mistake; what follows is usually the parser losing its way after it.
  return { ok: false, problems: [quoteLine(text, describeYamlError(text, doc.errors[0]!))] };
}

/** Parses JSON; on failure says where and what, quoting the line. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const detail = (err as Error).message;
    const pos = /position (\d+)/.exec(detail);
    const offset = pos ? Number(pos[1]) : text.trimEnd().length;
    let message = detail
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/,\s*"[^"]*" is not valid JSON$/s, '');
    if (/Unexpected end of JSON input/.test(detail)) {
      message = 'the file ends too early — a closing } or ] (or a quote) is missing';
    } else if (/after property value|after array element/.test(detail)) {
      message = 'a comma is missing before this';
    } else if (/Expected double-quoted property name/.test(detail)) {
      message =
        'a name in quotes was expected here — JSON takes no comma after the last entry, and names need "double quotes"';
    } else if (/Bad control character/.test(detail)) {
      message = 'a line break or tab inside a quoted value — write it as \\n or \\t';
    }
    return { ok: false, problems: [quoteLine(text, { ...lineAndColumn(text, offset), message })] };
  }
}
