// YAML with positions kept: every later finding is reported at the line and column of the node it is
// about. Pure: text in, value and a locator out.
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type CST, type Document, type Node } from 'yaml';
import type { Finding, PathSegment } from './diagnostics.js';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedDocument {
  value: unknown;
  /** The position of the node at `path`, or of its closest existing ancestor. */
  locate(path: readonly PathSegment[], at?: 'key' | 'value'): Position;
}

export type ParseResult =
  | { ok: true; document: ParsedDocument }
  | { ok: false; errors: (Finding & { position: Position })[] };

/** Far above any real preseed (50 systems fit in ~20 KiB), far below what would hurt. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Lists and mappings inside one another. A preseed needs 6 (the root, `systems`, a system, its
 * `storage`, `ceph`, a disk); the YAML library composes nesting recursively and runs out of stack
 * after several hundred levels, with nothing better to say than "Maximum call stack size exceeded".
 */
export const MAX_NESTING = 64;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * parseAllDocuments, with the nesting checked as the parser goes: its stack holds the collections
 * open at the current token, so a file nested too deeply is refused at the first collection past
 * the limit, before the recursive composer sees it and after reading only that far (500,000 `[` are
 * refused in a millisecond or two; building them took seconds and ~430 MB).
 */
function parseDocuments(text: string, lineCounter: LineCounter): Document.Parsed[] | { tooDeep: number } {
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  // Parser.parse() records where the first line starts; driving next() directly, that is ours to do.
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // Cheap for every token: the stack holds at most a document and a scalar besides collections.
    if (parser.stack.length > MAX_NESTING) {
      const open = parser.stack.filter((t) => COLLECTIONS.has(t.type));
      const first = open[MAX_NESTING];
      if (first && 'offset' in first) return { tooDeep: first.offset };
    }
  }
  for (const token of parser.end()) tokens.push(token);
  const composer = new Composer({ uniqueKeys: sameKey, prettyErrors: false, strict: true });
  return Array.from(composer.compose(tokens));
}

/** A scalar key as yaml.v3 compares keys for uniqueness: by its text (`1` and `"1"` are one key). */
const keyText = (node: unknown): string | null => (isScalar(node) ? (node.source ?? String(node.value)) : null);
const sameKey = (a: unknown, b: unknown): boolean => a === b || (keyText(a) !== null && keyText(a) === keyText(b));

/**
 * `prepare` may rewrite the parsed document before it becomes a value (load.ts reads scalars the way
 * MicroCloud's YAML decoder does); positions stay those of the file.
 */
export function parseYaml(text: string, prepare?: (doc: Document.Parsed) => void): ParseResult {
  const lineCounter = new LineCounter();
  const parsed = parseDocuments(text, lineCounter);
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const fail = (offset: number, message: string, hint?: string): ParseResult => ({
    ok: false,
    errors: [{ severity: 'error', path: [], message, ...(hint ? { hint } : {}), position: position(offset) }],
  });

  if (!Array.isArray(parsed)) {
    return fail(parsed.tooDeep, `the YAML is nested more than ${MAX_NESTING} levels deep; a preseed needs at most 6`,
      'look for a `[` or `{` that is never closed, or for lists and mappings inside one another by mistake');
  }
  const list = parsed;
  if (list.length === 0) return fail(0, 'the file has no YAML document', 'write a preseed: a mapping with at least `systems:`');
  const errors = list.flatMap((d) => d.errors.map((e) => {
    const base = { severity: 'error' as const, position: position(e.pos[0]) };
    if (e.code !== 'DUPLICATE_KEY') return { ...base, path: [], message: yamlMessage(e.message) };
    // yaml.v3's words (decode.go: `mapping key %#v already defined at line %d`), at the repeated key.
    const dup = findDuplicate(d, e.pos[0]);
    const hint = 'remove or merge the repeated key: MicroCloud refuses it, and other tools would silently keep the last value';
    if (!dup) return { ...base, path: [], message: 'duplicate key: a key may appear only once in a mapping', hint };
    return { ...base, path: dup.path, message: `mapping key ${JSON.stringify(dup.key)} already defined at line ${position(dup.firstOffset).line}`, hint };
  }));
  if (errors.length > 0) return { ok: false, errors };
  if (list.length > 1) {
    const second = list[1] as Document.Parsed;
    return fail(second.range[0], 'the file holds more than one YAML document', 'keep one preseed per file: remove the `---` separator and what follows');
  }
  const doc = list[0] as Document.Parsed;
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    return fail(doc.range[0], 'the document is empty', 'write a preseed: a mapping with at least `systems:`');
  }
  if (!isMap(contents)) {
    const kind = isSeq(contents) ? 'a list' : 'a single value';
    return fail(contents.range?.[0] ?? 0, `the top level must be a mapping of keys, not ${kind}`, 'start the file with keys such as `initiator_address:` and `systems:`');
  }
  prepare?.(doc);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(contents.range[0], `the YAML cannot be expanded: ${message}`, 'use fewer aliases (`*name`), or write values out');
  }
  return {
    ok: true,
    document: {
      value,
      locate: (path, at = 'value') => position(locateOffset(doc, path, at)),
    },
  };
}

function yamlMessage(message: string): string {
  // The library's messages end with a source excerpt after a colon and newline; the position says enough.
  const first = message.split('\n')[0] ?? message;
  return `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/** The key path and the first occurrence of the repeated key that starts at `offset`. */
function findDuplicate(doc: Document.Parsed, offset: number): { path: PathSegment[]; key: string; firstOffset: number } | null {
  const walk = (node: unknown, path: PathSegment[]): { path: PathSegment[]; key: string; firstOffset: number } | null => {
    if (isMap(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const pair = node.items[i];
        if (!isPair(pair)) continue;
        const name = keyText(pair.key);
        if (name !== null && (pair.key as Node).range?.[0] === offset) {
          const first = node.items.slice(0, i).find((p) => isPair(p) && keyText(p.key) === name);
          const firstOffset = first ? (first.key as Node).range?.[0] : undefined;
          if (firstOffset !== undefined) return { path: [...path, isScalar(pair.key) ? String(pair.key.value) : name], key: name, firstOffset };
        }
        const found = walk(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : (name ?? '?')]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const found = walk(node.items[i], [...path, i]);
        if (found) return found;
      }
    }
    return null;
  };
  return walk(doc.contents, []);
}

function locateOffset(doc: Document.Parsed, path: readonly PathSegment[], at: 'key' | 'value'): number {
  let node: Node | null = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length && node; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    if (isMap(node) && typeof seg === 'string') {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      const key = pair.key as Node;
      const val = pair.value as Node | null;
      if (last && at === 'key') return key.range?.[0] ?? offset;
      node = val;
      offset = val?.range?.[0] ?? key.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}
