// The apply module's public surface.
export { execute, DEFAULT_PARALLELISM, type ExecuteOptions } from './executor.js';
export { STEP_RUNNERS, planRegistry } from './registry.js';
export {
  LxdConfigLock, LockHeldError, forceUnlock, parseLock, describeHolder, describeTakeover, staleReason, localProcesses, LOCK_CONFIG_KEY,
  type RunLock, type LockInfo, type LxdLockOptions, type LocalProcesses,
} from './lock.js';
export { fileJournal, noJournal, inputsDigest, type Journal, type JournalRecord } from './journal.js';
export {
  plainProgress, jsonProgress, terminalProgress, silentProgress, formatElapsed, plainLine,
  type ProgressEvent, type ProgressSink,
} from './progress.js';
export { reportLines, type ApplyReport } from './report.js';
export { DEFAULT_STEP_RETRY, StepTimeout, type StepResult, type StepRetryPolicy } from './run-step.js';
export { SecretSet, REDACTED } from '../secrets.js';
export { systemClock } from './clock.js';
export type { Hosts } from './steps/common.js';
export type { Clock, ExecutableStep, StepContext, StepRegistry, StepRunner } from './types.js';
