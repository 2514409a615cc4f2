// LXD background operations (lxd/operations): creation, rendering per flavor, cancel, wait.
import { randomBytes, randomUUID } from 'node:crypto';
import type { LabResponse } from '../types.js';
import { asyncResponse, errorResponse, syncResponse } from '../envelope.js';
import type { FlavorInfo } from './flavor.js';
import { CONTEXT_CANCELED, CONTEXT_DEADLINE, LxdError, badRequest, toLxdError } from './errors.js';

export type OpStatus = 'Pending' | 'Running' | 'Cancelling' | 'Success' | 'Failure' | 'Cancelled';
const STATUS_CODE: Record<OpStatus, number> = {
  Pending: 105, Running: 103, Cancelling: 104, Success: 200, Failure: 400, Cancelled: 401,
};

/** Finished operations disappear from the daemon this long after they end (lxd/operations). */
export const OPERATION_RETENTION_MS = 5000;

export interface OperationArgs {
  class: 'task' | 'token';
  description: string;
  /** Resource URLs by kind; `{cluster: []}` renders as null on 5.x (a nil Go slice). */
  resources?: Record<string, string[]>;
  metadata?: Record<string, unknown>;
  /** 6.8 puts the operation's entity in metadata.entity_url (left out for server-level operations). */
  entityUrl?: string;
  project?: string;
  run?: () => Promise<void>;
}

/** A version 7 UUID (time-ordered), what LXD ≥ 6.x uses for operation IDs. */
function uuidV7(now = Date.now()): string {
  const b = randomBytes(16);
  const ts = BigInt(now);
  for (let i = 0; i < 6; i++) b[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Operation {
  readonly id: string;
  readonly class: 'task' | 'token';
  readonly description: string;
  readonly createdAt = new Date();
  updatedAt = new Date();
  status: OpStatus;
  resources: Record<string, string[]> | undefined;
  metadata: Record<string, unknown>;
  err = '';
  errCode = 0;
  finishedAt: number | undefined;
  readonly project: string;
  private cancelRequested = false;
  private resolveDone!: () => void;
  readonly done: Promise<void>;

  constructor(readonly flavor: FlavorInfo, readonly location: string, args: OperationArgs) {
    this.id = flavor.richOperations ? uuidV7() : randomUUID();
    this.class = args.class;
    this.description = args.description;
    // 6.8 operations carry no resources; their entity goes in metadata.entity_url (omitted for the server).
    this.resources = flavor.richOperations ? undefined : args.resources;
    this.metadata = { ...(args.metadata ?? {}) };
    if (flavor.richOperations && this.metadata.entity_url === undefined && args.entityUrl) {
      this.metadata.entity_url = args.entityUrl;
    }
    this.project = args.project ?? '';
    this.status = 'Running';
    this.done = new Promise((r) => { this.resolveDone = r; });
    if (args.run) {
      const run = args.run;
      // Start after the caller rendered the 202 (Go starts a goroutine; the response shows "Running").
      void Promise.resolve().then(run).then(() => this.finish(undefined), (e: unknown) => this.finish(e));
    }
  }

  get url(): string {
    return `/1.0/operations/${this.id}`;
  }

  get finished(): boolean {
    return this.finishedAt !== undefined;
  }

  private finish(e: unknown): void {
    if (this.finished) return;
    if (this.cancelRequested) {
      this.status = 'Cancelled';
      this.err = CONTEXT_CANCELED;
      this.errCode = 500;
    } else if (e === undefined) {
      this.status = 'Success';
    } else {
      const err = toLxdError(e);
      this.status = 'Failure';
      this.err = err.message;
      this.errCode = err.code;
    }
    this.end();
  }

  private end(): void {
    this.updatedAt = new Date();
    this.finishedAt = Date.now();
    this.resolveDone();
  }

  /** DELETE /1.0/operations/<id>. Throws the 5.x refusals. */
  cancel(): void {
    if (this.flavor.waitStyle === '6.8') {
      if (this.finished || this.cancelRequested) return;
      if (this.class === 'token') {
        this.status = 'Cancelled';
        this.err = CONTEXT_CANCELED;
        this.errCode = 500;
        this.end();
        return;
      }
      this.cancelRequested = true;
      this.status = 'Cancelling';
      this.updatedAt = new Date();
      return;
    }
    if (this.status !== 'Running') throw badRequest('Only running operations can be cancelled');
    if (this.class !== 'token') throw badRequest("This operation can't be cancelled");
    this.status = 'Cancelled';
    this.end();
  }

  /** Token use: single-use tokens are cancelled by the server (same as DELETE). */
  consume(): void {
    if (this.finished) return;
    if (this.flavor.waitStyle === '6.8') {
      this.err = CONTEXT_CANCELED;
      this.errCode = 500;
    }
    this.status = 'Cancelled';
    this.end();
  }

  render(): Record<string, unknown> {
    const v5 = !this.flavor.richOperations;
    const resources: Record<string, string[] | null> = {};
    for (const [k, v] of Object.entries(this.resources ?? {})) resources[k] = v.length === 0 && v5 ? null : [...v];
    const out: Record<string, unknown> = {
      id: this.id,
      class: this.class,
      description: this.description,
      created_at: this.createdAt.toISOString(),
      updated_at: this.updatedAt.toISOString(),
      status: this.status,
      status_code: STATUS_CODE[this.status],
      resources,
      metadata: { ...this.metadata },
      may_cancel: v5 ? this.class === 'token' : true,
      err: this.err,
    };
    if (!v5) out.err_code = this.errCode;
    out.location = this.location;
    if (!v5) out.requestor = { username: 'root', protocol: 'unix', address: '@' };
    return out;
  }

  response(): LabResponse {
    return asyncResponse(this.url, this.render());
  }

  /** GET /1.0/operations/<id>/wait?timeout=<s> as the flavor answers it (HTTP 200 in every case). */
  async wait(timeoutSec: number): Promise<LabResponse> {
    let timedOut = false;
    if (!this.finished) {
      if (timeoutSec < 0) {
        await this.done;
      } else {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((r) => { timer = setTimeout(() => { timedOut = true; r(); }, timeoutSec * 1000); });
        await Promise.race([this.done, timeout]);
        if (timer) clearTimeout(timer);
        timedOut = timedOut && !this.finished;
      }
    }
    switch (this.flavor.waitStyle) {
      case '5.0':
        return syncResponse(this.render());
      case '5.21':
        if (timedOut) return errorResponse(500, CONTEXT_DEADLINE, 200);
        if (this.status === 'Failure') return errorResponse(this.errCode || 500, this.err, 200);
        return syncResponse(this.render());
      case '6.8':
      default:
        if (timedOut) return errorResponse(500, CONTEXT_DEADLINE, 200);
        if (this.status === 'Cancelled') return errorResponse(500, CONTEXT_CANCELED, 200);
        if (this.err !== '') return errorResponse(this.errCode || 500, this.err, 200);
        return syncResponse(this.render());
    }
  }
}

/** Drop operations that finished more than OPERATION_RETENTION_MS ago. */
export function purgeOperations(ops: Map<string, Operation>, now = Date.now()): void {
  for (const [id, op] of ops) {
    if (op.finishedAt !== undefined && now - op.finishedAt > OPERATION_RETENTION_MS) ops.delete(id);
  }
}

export function isLxdError(e: unknown): e is LxdError {
  return e instanceof LxdError;
}
