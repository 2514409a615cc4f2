// From bytes to DesiredState, with every problem reported at once and located in the file.
// Pure: bytes in, diagnostics and DesiredState out. Reading the file is the shell's job
// (src/site/preseed-file.ts).
import { formatPath, hasErrors, sortDiagnostics, type Diagnostic, type Finding } from './diagnostics.js';
import { parseYaml, type ParsedDocument } from './document.js';
import { toDesiredState, type DesiredState, type PathContext } from './desired.js';
import { readAsGo } from './go-yaml.js';
import { view } from './input.js';
import { semanticFindings } from './rules.js';
import { preseedSchema, validateShape } from './schema.js';
import { visible } from './text.js';

/** A 50-system preseed with every key is ~25 KiB; anything near this limit is not a preseed. */
export const MAX_PRESEED_BYTES = 1024 * 1024;

export interface LoadResult {
  desired: DesiredState | null;
  diagnostics: Diagnostic[];
}

export const fileError = (file: string, message: string, hint: string | null, line: number | null = 1, column: number | null = 1): Diagnostic => ({
  severity: 'error', file, path: '', line, column, message, hint,
});

export function tooLarge(file: string, size: number): Diagnostic {
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
  // Scalars are read the way MicroCloud's YAML decoder reads them into its fields (go-yaml.ts).
  const parsed = parseYaml(text, (doc) => readAsGo(doc, preseedSchema()));
  if (!parsed.ok) {
    return {
      desired: null,
      diagnostics: parsed.errors.map((e) => ({
        severity: e.severity, file, path: visible(formatPath(e.path)), ...e.position, message: visible(e.message), hint: e.hint ? visible(e.hint) : null,
      })),
    };
  }
  // ajv fills defaults into what it validates; the rules see the file as written, so that a finding
  // about an absent key points where the key belongs, not at a default that is not in the file.
  const defaulted = structuredClone(parsed.document.value);
  const findings = [...validateShape(defaulted), ...semanticFindings(view(parsed.document.value))];
  const diagnostics = sortDiagnostics(locateFindings(file, parsed.document, findings));
  return {
    desired: hasErrors(diagnostics) ? null : toDesiredState(view(defaulted), file, ctx, view(parsed.document.value)),
    diagnostics,
  };
}
