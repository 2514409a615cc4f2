// What every microcluster-based service world shows the rest of the lab: one daemon per machine
// with the snap, its control socket, and the member list of the cluster it is in. MicroCephWorld
// and MicroOvnWorld add their own service views on top.
import type { LabContext, LabHandler, ServiceWorld } from '../types.js';
import { MicroclusterCore, type MemberRole, type MicroApp, type MicroOptions } from './core.js';

export interface MicroMemberView { name: string; machine: string; address: string; role: MemberRole }

export abstract class MicroWorld<S> implements ServiceWorld {
  readonly core: MicroclusterCore<S>;
  protected readonly ctx: LabContext;

  constructor(ctx: LabContext, options: MicroOptions = {}) {
    this.ctx = ctx;
    // app() runs before the subclass's own fields are initialised: its hooks and handlers may
    // only reach them lazily, at request time.
    this.core = new MicroclusterCore(ctx, this.app(), options);
  }

  /** The service plugged into the core: its snap, hooks and /1.0 endpoints. */
  protected abstract app(): MicroApp<S>;

  handler(machine: string): LabHandler {
    return this.core.handler(machine);
  }

  /** Whether the machine runs the daemon (has the snap, so the control socket exists). */
  installed(machine: string): boolean {
    return this.core.installed(machine);
  }

  /** The address MicroCloud gives the daemon: the machine's first global IPv4 and the app's port. */
  defaultAddress(machine: string): string {
    return this.core.defaultAddress(machine);
  }

  /** Whether the machine's daemon has bootstrapped or joined (its database is online). */
  initialized(machine: string): boolean {
    return this.installed(machine) && this.core.daemon(machine).cluster !== undefined;
  }

  /** Run the dqlite heartbeat (role adjustment) on every cluster now. */
  heartbeat(): void {
    for (const c of this.core.clusters()) this.core.heartbeat(c);
  }

  members(machine?: string): MicroMemberView[] {
    const c = this.core.clusterOf(machine);
    if (!c) return [];
    return [...c.members].sort((a, b) => a.id - b.id).map((m) => ({ name: m.name, machine: m.machine, address: m.address, role: m.role }));
  }
}
