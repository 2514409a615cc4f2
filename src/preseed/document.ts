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
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, strict: true });
  return Array.from(composer.compose(tokens));
}

export function parseYaml(text: string): ParseResult {
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
  const errors = list.flatMap((d) => d.errors).map((e) => ({
    severity: 'error' as const,
    path: [],
    message: yamlMessage(e.code, e.message),
    ...(e.code === 'DUPLICATE_KEY' ? { hint: 'remove or merge the repeated key: later values would silently win in other tools' } : {}),
    position: position(e.pos[0]),
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

function yamlMessage(code: string, message: string): string {
  // The library's messages end with a source excerpt after a colon and newline; the position says enough.
  const first = message.split('\n')[0] ?? message;
  const text = first.replace(/ at line \d+, column \d+:?$/, '');
  return code === 'DUPLICATE_KEY' ? 'duplicate key: a key may appear only once in a mapping' : `YAML syntax error: ${text}`;
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
