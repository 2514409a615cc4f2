// What preflight, disk resolution and the planner report about the site. Every finding names the
// machine and the fact, so a person can go and fix it without reading the plan's internals.

export type FindingSeverity = 'error' | 'warning' | 'notice';

export interface PlanFinding {
  severity: FindingSeverity;
  /** A stable short name for programs and tests (`hostname`, `uplink-has-ip`, `disk-filter`…). */
  code: string;
  /** The machine the fact is about; null for site-wide facts. */
  machine: string | null;
  message: string;
  hint: string | null;
}

export const finding = (severity: FindingSeverity, code: string, machine: string | null, message: string, hint?: string): PlanFinding =>
  ({ severity, code, machine, message, hint: hint ?? null });

export const errorAt = (code: string, machine: string | null, message: string, hint?: string): PlanFinding =>
  finding('error', code, machine, message, hint);

export const hasErrorFindings = (findings: readonly PlanFinding[]): boolean => findings.some((f) => f.severity === 'error');
