// From bytes to DesiredState, with every problem reported at once and located in the file.
// decode and load are pure; readPreseedFile is the one place that touches the file system.
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { homedir } from 'node:os';
import { formatPath, hasErrors, sortDiagnostics, type Diagnostic, type Finding } from './diagnostics.js';
import { parseYaml, type ParsedDocument } from './document.js';
import { toDesiredState, type DesiredState, type PathContext } from './desired.js';
import { view } from './input.js';
import { semanticFindings } from './rules.js';
import { validateShape } from './schema.js';
import { visible } from './text.js';

/** A 50-system preseed with every key is ~25 KiB; anything near this limit is not a preseed. */
export const MAX_PRESEED_BYTES = 1024 * 1024;

export interface LoadResult {
  desired: DesiredState | null;
  diagnostics: Diagnostic[];
}

const fileError = (file: string, message: string, hint: string | null, line: number | null = 1, column: number | null = 1): Diagnostic => ({
  severity: 'error', file, path: '', line, column, message, hint,
});

function tooLarge(file: string, size: number): Diagnostic {
  return fileError(file, `the file is too large (${(size / 1e6).toFixed(1)} MB); a preseed is at most ${MAX_PRESEED_BYTES / 1024} KiB`,
    'check that this is the preseed file you meant', null, null);
}

/** Text from bytes, or the reason the bytes are not a preseed (too large, binary, not UTF-8, empty). */
export function decodePreseed(file: string, bytes: Uint8Array): { text: string } | { error: Diagnostic } {
  if (bytes.length > MAX_PRESEED_BYTES) return { error: tooLarge(file, bytes.length) };
  if (bytes.length === 0) return { error: fileError(file, 'the file is empty', 'write a preseed: a mapping with at least `systems:`') };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { error: fileError(file, 'the file is binary, not YAML text (it contains NUL bytes)', 'check that this is the preseed file you meant', ...lineCol(bytes, nul)) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { error: fileError(file, 'the file is not valid UTF-8 text', 'save the file as UTF-8') };
  }
  return { text };
}

function lineCol(bytes: Uint8Array, offset: number): [number, number] {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) { line++; start = i + 1; }
  return [line, offset - start + 1];
}

// Messages quote values and keys from the file; written through `visible`, a hostile one is shown as
// escapes instead of reordering or hiding the line it is printed on.
function locateFindings(file: string, doc: ParsedDocument, findings: Finding[]): Diagnostic[] {
  return findings.map((f) => {
    const { line, column } = doc.locate(f.path, f.at);
    return {
      severity: f.severity, file, path: visible(formatPath(f.path)), line, column, message: visible(f.message), hint: f.hint ? visible(f.hint) : null,
    };
  });
}

/** Validates preseed text and builds the DesiredState when there is no error. Pure. */
export function loadPreseed(file: string, text: string, ctx: PathContext): LoadResult {
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    return {
      desired: null,
      diagnostics: parsed.errors.map((e) => ({ severity: e.severity, file, path: '', ...e.position, message: visible(e.message), hint: e.hint ?? null })),
    };
  }
  // ajv fills defaults into what it validates; the rules see the file as written, so that a finding
  // about an absent key points where the key belongs, not at a default that is not in the file.
  const defaulted = structuredClone(parsed.document.value);
  const findings = [...validateShape(defaulted), ...semanticFindings(view(parsed.document.value))];
  const diagnostics = sortDiagnostics(locateFindings(file, parsed.document, findings));
  return {
    desired: hasErrors(diagnostics) ? null : toDesiredState(view(defaulted), file, ctx),
    diagnostics,
  };
}

/** Reads and validates a preseed file; every failure, including an unreadable file, is a diagnostic. */
export async function readPreseedFile(path: string, home: string = homedir()): Promise<LoadResult> {
  const file = path;
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { desired: null, diagnostics: [fileError(file, 'is a directory, not a preseed file', 'give the path of a YAML file', null, null)] };
    // Refuse before reading: a multi-gigabyte file must not be loaded into memory to be rejected.
    if (info.size > MAX_PRESEED_BYTES) return { desired: null, diagnostics: [tooLarge(file, info.size)] };
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return { desired: null, diagnostics: [fileError(file, `cannot read the file: ${reason}`, code === 'ENOENT' ? 'check the path' : null, null, null)] };
  }
  const decoded = decodePreseed(file, bytes);
  if ('error' in decoded) return { desired: null, diagnostics: [decoded.error] };
  return loadPreseed(file, decoded.text, { baseDir: dirname(resolve(path)), homeDir: home });
}
