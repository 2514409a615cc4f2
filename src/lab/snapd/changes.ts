// snapd's changes: a change is a list of tasks done one after another in the background; the
// change's status is the most urgent of its tasks' (canonical/snapd overlord/state/change.go
// Change.Status and statusOrder at bee548f7). A task that fails logs "<time> ERROR <message>",
// the tasks done before it are undone in reverse, the ones after it are put on Hold, and the change
// reports "cannot perform the following tasks:\n- <summary> (<message>)" (changeError). The JSON is
// ctlcmd.StateChangeToChangeInfo's (overlord/hookstate/ctlcmd/helpers.go).

export type TaskStatus = 'Do' | 'Doing' | 'Done' | 'Undo' | 'Undoing' | 'Undone' | 'Hold' | 'Error' | 'Wait' | 'Abort';

const STATUS_ORDER: readonly TaskStatus[] = ['Abort', 'Undoing', 'Undo', 'Doing', 'Do', 'Wait', 'Error', 'Undone', 'Done', 'Hold'];
const READY: ReadonlySet<TaskStatus> = new Set(['Done', 'Undone', 'Hold', 'Error']);

/** One task to run: what it does, and how to take it back when a later task fails. */
export interface TaskStep {
  kind: string;
  summary: string;
  run?: () => Promise<void> | void;
  undo?: () => Promise<void> | void;
}

interface Task {
  id: string;
  kind: string;
  summary: string;
  status: TaskStatus;
  log: string[];
  spawnTime: Date;
  readyTime?: Date;
  step: TaskStep;
}

export interface Change {
  id: string;
  kind: string;
  summary: string;
  snapNames: string[];
  tasks: Task[];
  spawnTime: Date;
  readyTime?: Date;
  /** Set for a change that has no tasks, which snapd marks Done at once. */
  fixed?: TaskStatus;
}

/** Go's time.Time in JSON (RFC 3339 with fractional seconds), in UTC. */
const stamp = (d: Date): string => d.toISOString();
/** A task log line's time, as state/task.go addLog writes it (RFC 3339, seconds). */
const logStamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function changeStatus(c: Change): TaskStatus {
  if (c.fixed) return c.fixed;
  if (c.tasks.length === 0) return 'Hold';
  return STATUS_ORDER.find((s) => c.tasks.some((t) => t.status === s)) ?? 'Hold';
}

export const isReady = (c: Change): boolean => READY.has(changeStatus(c));

function changeErr(c: Change): string | undefined {
  if (changeStatus(c) !== 'Error') return undefined;
  const lines = c.tasks.filter((t) => t.status === 'Error').flatMap((t) => t.log
    .map((l) => / ERROR (.*)$/s.exec(l)?.[1])
    .filter((m): m is string => m !== undefined)
    .map((m) => `- ${t.summary} (${m})`));
  return `cannot perform the following tasks:\n${lines.join('\n')}`;
}

/** The change as GET /v2/changes and /v2/changes/{id} show it. */
export function changeJson(c: Change): Record<string, unknown> {
  const err = changeErr(c);
  return {
    id: c.id, kind: c.kind, summary: c.summary, status: changeStatus(c),
    ...(c.tasks.length ? {
      tasks: c.tasks.map((t) => ({
        id: t.id, kind: t.kind, summary: t.summary, status: t.status, ...(t.log.length ? { log: [...t.log] } : {}),
        progress: { label: '', done: t.status === 'Done' ? 1 : 0, total: 1 },
        'spawn-time': stamp(t.spawnTime), ...(t.readyTime ? { 'ready-time': stamp(t.readyTime) } : {}),
      })),
    } : {}),
    ready: isReady(c), ...(err ? { err } : {}),
    'spawn-time': stamp(c.spawnTime), ...(c.readyTime ? { 'ready-time': stamp(c.readyTime) } : {}),
    ...(c.snapNames.length ? { data: { 'snap-names': [...c.snapNames] } } : {}),
  };
}

/** One machine's changes and the background walk of each. */
export class ChangeLog {
  private readonly changes: Change[] = [];
  private nextChange = 1;
  private nextTask = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** A new change; with no steps it is Done at once (as postSnap marks a change without tasks). */
  add(kind: string, summary: string, snapNames: string[], steps: TaskStep[]): Change {
    const t0 = this.now();
    const c: Change = {
      id: String(this.nextChange++), kind, summary, snapNames, spawnTime: t0,
      tasks: steps.map((step) => ({ id: String(this.nextTask++), kind: step.kind, summary: step.summary, status: 'Do', log: [], spawnTime: t0, step })),
    };
    if (steps.length === 0) { c.fixed = 'Done'; c.readyTime = t0; }
    this.changes.push(c);
    return c;
  }

  get(id: string): Change | undefined {
    return this.changes.find((c) => c.id === id);
  }

  all(): readonly Change[] {
    return this.changes;
  }

  /** The change not yet ready that touches `snap`, if any (snapd's conflict check). */
  inProgressFor(snap: string): Change | undefined {
    return this.changes.find((c) => !isReady(c) && c.snapNames.includes(snap));
  }

  /** Does the change's tasks in order; a failure undoes what was done. Never throws. */
  async run(c: Change): Promise<void> {
    for (let k = 0; k < c.tasks.length; k++) {
      const t = c.tasks[k]!;
      t.status = 'Doing';
      try {
        await t.step.run?.();
        t.status = 'Done';
        t.readyTime = this.now();
      } catch (err) {
        t.status = 'Error';
        t.readyTime = this.now();
        t.log.push(`${logStamp(t.readyTime)} ERROR ${err instanceof Error ? err.message : String(err)}`);
        for (const later of c.tasks.slice(k + 1)) later.status = 'Hold';
        await this.undo(c.tasks.slice(0, k).reverse());
        break;
      }
    }
    c.readyTime = this.now();
  }

  private async undo(done: Task[]): Promise<void> {
    for (const t of done) {
      t.status = 'Undoing';
      try {
        await t.step.undo?.();
        t.status = 'Undone';
      } catch (err) {
        t.log.push(`${logStamp(this.now())} ERROR ${err instanceof Error ? err.message : String(err)}`);
        t.status = 'Error';
      }
      t.readyTime = this.now();
    }
  }
}
