// The SSH session channels one connection may hold at once. sshd counts every open session channel
// against MaxSessions (10 by default), and for a login that is not root the daemons' sockets are
// reached through relays (relay.ts) that are session channels too, each held for as long as its
// HTTP connection is kept alive. One budget covers both: commands take a slot while they run, relays
// for their lifetime, and relays may never hold more than half of it, so commands always get on.
// A relay that finds the relay share used asks the pools to give back an idle kept-alive connection,
// then and whenever a request ends (nudge). host.ts keeps one connection per relayed daemon, so with
// the default budget (8, relays 4) and three daemons no relay ever waits.

interface Waiter {
  relay: boolean;
  grant: () => void;
}

export class SessionBudget {
  readonly capacity: number;
  readonly relayCap: number;
  #used = 0;
  #relays = 0;
  readonly #queue: Waiter[] = [];
  /** Asked to close one idle relay when a relay waits; returns whether it closed one. */
  evictIdleRelay: () => boolean = () => false;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.relayCap = Math.max(1, Math.floor(this.capacity / 2));
  }

  /** Runs `fn` in a command slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire(false);
    try {
      return await fn();
    } finally {
      this.#release(false);
    }
  }

  /** A relay slot; call the returned function exactly once when the relay's channel is gone. */
  async acquireRelay(): Promise<() => void> {
    await this.#acquire(true);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#release(true);
    };
  }

  /** Called when a kept-alive relay may have become idle: a relay waiting for the relay share
   *  gets one back now instead of when some keep-alive times out. */
  nudge(): void {
    if (this.#queue.some((w) => w.relay) && this.#relays >= this.relayCap) this.evictIdleRelay();
  }

  get relays(): number { return this.#relays; }
  get used(): number { return this.#used; }

  #fits(relay: boolean): boolean {
    return this.#used < this.capacity && (!relay || this.#relays < this.relayCap);
  }

  #take(relay: boolean): void {
    this.#used++;
    if (relay) this.#relays++;
  }

  #acquire(relay: boolean): Promise<void> {
    // Whatever waits does not fit (release grants every waiter that does, in order), so one that
    // fits now jumps no queue of its own kind; a relay waiting for the relay share holds up no command.
    if (this.#fits(relay)) {
      this.#take(relay);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#queue.push({ relay, grant: resolve });
      if (relay && this.#relays >= this.relayCap) this.evictIdleRelay();
    });
  }

  #release(relay: boolean): void {
    this.#used--;
    if (relay) this.#relays--;
    for (let i = 0; i < this.#queue.length;) {
      const w = this.#queue[i]!;
      if (!this.#fits(w.relay)) { i++; continue; }
      this.#queue.splice(i, 1);
      this.#take(w.relay);
      w.grant();
    }
    if (this.#queue.some((w) => w.relay) && this.#relays >= this.relayCap) this.evictIdleRelay();
  }
}
