// The plan module's public surface: LiveState in, Plan out, and what apply and verify build on.
export type * from '../live/state.js';
export { reachable, LXD_MEMBER_KEYS, SERVICE_LABEL } from '../live/state.js';
export type { Plan, Step, StepOf, StepKind, StepInputs, StepAction, Change, MemberConfigKey, UnmanagedMember, PlanSummary } from './plan.js';
export { PLAN_FORMAT_VERSION, summarize } from './plan.js';
export type { PlanFinding, FindingSeverity } from './findings.js';
export { hasErrorFindings } from './findings.js';
export type { DiskResolution, ResolvedDisk, FilterOutcome, DiskUse, DiskSource } from './disks.js';
export { resolveDisks } from './disks.js';
export { preflight } from './preflight.js';
export { diff, DEFAULT_MARKER, type PlanOptions } from './diff.js';
export { orderSteps, respectsDependencies, PlanGraphError } from './dag.js';
export { liveFingerprint, canonicalJson } from './fingerprint.js';
export { satisfied, specOf, STEP_SPECS } from './steps/index.js';
export { initiatorKey } from './topology.js';
export { renderPlanText, planDocument, closingLine, assertNoSecrets, SecretInPlanError, PLAN_DOCUMENT_KIND, type PlanDocument } from './render.js';
