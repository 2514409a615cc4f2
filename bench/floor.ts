// The floor of a no-op plan: the fewest round trips one machine's reading can take, one after the
// other, as gather does it, times the latency. Machines are read side by side, so this is also the
// floor for the whole site. Pure, so tests can check the derivation.

/**
 * What the lab charges one latency for (src/lab/ssh-server.ts, src/lab/site.ts): the login (the
 * public-key authentication), opening a channel (an exec session or a stream-local socket), running
 * a command in its session, and each HTTP request. The TCP connect and the key exchange before the
 * login are not charged (on a real network they add about three more round trips).
 */
export const LAB_CHARGES = {
  login: 1,
  /** An exec session is opened, then the command is started in it. */
  command: 2,
  channel: 1,
  request: 1,
} as const;

/** How gather reads one machine: the dependent rounds of each reader that runs side by side. */
export interface GatherShape {
  /** Rounds of commands for the host facts (src/services/host-facts.ts: one round of four). */
  hostFactRounds: number;
  /**
   * Per daemon, the dependent rounds of parallel GETs once its socket is found. Before the first
   * round the socket path is probed with one command and a stream-local channel is opened
   * (src/remote/host.ts socketPath, ChannelPool).
   */
  daemonRounds: Record<string, number>;
}

/**
 * A converged machine: LXD reads the server, pools, networks, profile and disks, then what those
 * name (members, each member row, volumes) (src/services/lxd.ts); MicroCeph and MicroOVN read the
 * microcluster facts, then, being initialized, their cluster's details (microceph.ts, microovn.ts).
 */
export const CONVERGED_GATHER: GatherShape = {
  hostFactRounds: 1,
  daemonRounds: { lxd: 2, microceph: 2, microovn: 2 },
};

/** Round trips on the longest dependent chain of reading one machine: login, then the slowest reader. */
export function gatherRoundTrips(shape: GatherShape = CONVERGED_GATHER): number {
  const hostFacts = shape.hostFactRounds * LAB_CHARGES.command;
  const daemons = Object.values(shape.daemonRounds)
    .map((rounds) => LAB_CHARGES.command + LAB_CHARGES.channel + rounds * LAB_CHARGES.request);
  return LAB_CHARGES.login + Math.max(hostFacts, ...daemons);
}

export function floorMs(latencyMs: number, shape: GatherShape = CONVERGED_GATHER): number {
  return gatherRoundTrips(shape) * latencyMs;
}
