// What validation reports: one shape for YAML, schema and semantic findings, so the CLI prints them
// alike and `validate --json` is a stable contract.

export type Severity = 'error' | 'warning';
export type PathSegment = string | number;

export interface Diagnostic {
  severity: Severity;
  file: string;
  /** Key path such as `systems[1].storage.ceph[0].path`; "" for the whole document. */
  path: string;
  /** 1-based; null only when the file could not be read at all. */
  line: number | null;
  column: number | null;
  message: string;
  hint: string | null;
}

/** A finding before it is given a position in the file. */
export interface Finding {
  severity: Severity;
  path: PathSegment[];
  message: string;
  hint?: string;
  /** Point at the key (unknown keys, keys that must go) or at its value (the default). */
  at?: 'key' | 'value';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Errors first, then by position, so output reads top to bottom and is deterministic. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}

/** `file:line:col: severity: message [path]` and an indented hint, the way compilers print. */
export function renderDiagnostic(d: Diagnostic): string {
  const where = d.line === null ? d.file : `${d.file}:${d.line}:${d.column}`;
  const path = d.path === '' ? '' : ` (at ${d.path})`;
  const hint = d.hint ? `\n  hint: ${d.hint}` : '';
  return `${where}: ${d.severity}: ${d.message}${path}${hint}`;
}
