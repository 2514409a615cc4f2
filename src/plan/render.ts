// A plan for people (grouped by machine and service, `+`/`~` markers, the resolved disks, a closing
// summary line) and for programs (a versioned JSON document). Neither may carry a secret: a plan
// has none by construction, and the JSON path proves it before anything leaves the process.
import { isSecretName, MIN_MASKED_LENGTH, REDACTED, Secret } from '../secrets.js';
import type { ResolvedDisk } from './disks.js';
import type { PlanFinding } from './findings.js';
import { SERVICE_LABEL, type ServiceName } from '../live/state.js';
import { summarize, type Plan, type PlanSummary, type Step } from './plan.js';
import { clusterWide } from './steps/index.js';
import { isRemovalStep } from './plan-remove.js';
import { visible } from '../preseed/text.js';

export const PLAN_DOCUMENT_KIND = 'microcloud-apply/plan';

const SERVICES: readonly ServiceName[] = ['microcloud', 'microceph', 'microovn', 'lxd'];
const MARK = { create: '+', update: '~', destroy: '-' } as const;
/** A destroy step's line, as a terminal shows it: red (SGR 31). */
const DESTROY_LINE = /^( {4}- .*)$/gm;

export function closingLine(plan: Plan): string {
  const errors = plan.findings.filter((f) => f.severity === 'error').length;
  if (errors > 0) return `Planning failed: ${errors} error${errors === 1 ? '' : 's'}. Nothing will be changed.`;
  if (plan.steps.length === 0) return 'No changes. The site matches the file.';
  const s = summarize(plan);
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

function renderFinding(f: PlanFinding): string[] {
  const where = f.machine ? `${f.machine}: ` : '';
  return [`  ${f.severity.padEnd(7)} ${where}${f.message}`, ...(f.hint ? [`          hint: ${f.hint}`] : [])];
}

function size(bytes: number | null): string {
  if (bytes === null) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

function renderDisk(d: ResolvedDisk): string {
  const from = d.from.kind === 'explicit' ? 'explicit' : `filter storage.${d.use}[${d.from.index}] ${JSON.stringify(d.from.find)}`;
  const detail = [d.device, size(d.size), d.model].filter(Boolean).join(', ');
  const flags = [from, d.wipe ? 'wipe' : '', d.encrypt ? 'encrypt' : '', d.inUse ? (d.use === 'ceph' ? 'already an OSD' : 'already the local pool') : '']
    .filter(Boolean).join(', ');
  return `  ${d.machine}  ${d.use.padEnd(5)}  ${d.path}${detail ? ` (${detail})` : ''}  [${flags}]`;
}

function renderStep(s: Step): string[] {
  const lines = [`    ${MARK[s.action]} ${s.address}: ${s.reason}`];
  for (const c of s.changes) lines.push(`        ${c.key}: ${c.before ?? '(unset)'} → ${c.after ?? '(unset)'}`);
  return lines;
}

function renderGroup(title: string, steps: Step[]): string[] {
  if (steps.length === 0) return [];
  const out = [`${title}:`];
  for (const svc of SERVICES) {
    const own = steps.filter((s) => s.service === svc);
    if (own.length > 0) out.push(`  ${SERVICE_LABEL[svc]}`, ...own.flatMap(renderStep));
  }
  return [...out, ''];
}

/** The plan as a person reviews it; `color`: for a terminal, destroy steps in red. */
export function renderPlanText(plan: Plan, opts: { color?: boolean } = {}): string {
  const out: string[] = [];
  const heading = plan.mode === 'bootstrap' ? `bootstrap with initiator ${plan.initiator}` : `add machines to the cluster of ${plan.initiator}`;
  out.push(`Plan (${heading})`, '');
  if (plan.findings.length > 0) out.push('Preflight:', ...plan.findings.flatMap(renderFinding), '');
  if (plan.disks.disks.length > 0) out.push('Disks:', ...plan.disks.disks.map(renderDisk), '');
  const machines = [...new Set([plan.initiator, ...plan.steps.map((s) => s.machine)])];
  for (const m of machines) out.push(...renderGroup(m, plan.steps.filter((s) => s.machine === m && !clusterWide(s))));
  out.push(...renderGroup(`cluster-wide (through ${plan.initiator})`, plan.steps.filter((s) => clusterWide(s) && !isRemovalStep(s))));
  // Removals read in the order they run (one member after the other), each with its service.
  const removals = plan.steps.filter(isRemovalStep);
  if (removals.length > 0) {
    out.push(`removals (through ${plan.initiator}, one step after the other):`,
      ...removals.flatMap((s) => renderStep(s).map((l, i) => (i === 0 ? `${l}  [${SERVICE_LABEL[s.service]}]` : l))), '');
  }
  if (plan.unmanaged.length > 0) {
    out.push('Members not in the file (left alone):', ...plan.unmanaged.map((u) => `  ${u.name}: ${u.services.map((s) => SERVICE_LABEL[s]).join(', ')}`), '');
  }
  out.push(closingLine(plan));
  // Interface names, disk models, hostnames and error texts come from the machines: a hostile one
  // is shown as \uXXXX escapes, never as terminal control sequences.
  const text = visible(out.join('\n'));
  // After visible(): the escapes are ours, added to text whose own control characters are gone.
  return `${opts.color ? text.replace(DESTROY_LINE, '\u001b[31m$1\u001b[0m') : text}\n`;
}

export type PlanDocument = Plan & { kind: typeof PLAN_DOCUMENT_KIND; summary: PlanSummary };

export function planDocument(plan: Plan): PlanDocument {
  return { kind: PLAN_DOCUMENT_KIND, ...plan, summary: summarize(plan) };
}

export class SecretInPlanError extends Error {
  override readonly name = 'SecretInPlanError';
}

/**
 * Throws if the value holds a Secret, a key named like one, or the text of any of `secrets` (those
 * long enough to tell apart from ordinary words).
 */
export function assertNoSecrets(value: unknown, secrets: readonly Secret[] = []): void {
  const texts = secrets.map((s) => s.reveal()).filter((t) => t.length >= MIN_MASKED_LENGTH);
  const walk = (v: unknown, path: string): void => {
    if (v instanceof Secret || v === REDACTED) throw new SecretInPlanError(`a secret is part of the plan at ${path}`);
    if (typeof v === 'string') {
      if (texts.some((t) => v.includes(t))) throw new SecretInPlanError(`the plan reveals a secret at ${path}`);
      return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (isSecretName(k)) throw new SecretInPlanError(`the plan has a key named like a secret at ${path}.${k}`);
        walk(x, `${path}.${k}`);
      }
    }
  };
  walk(value, '$');
}
