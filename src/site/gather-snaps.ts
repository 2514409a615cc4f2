// The site's side of the snaps, read once per site after the machines (src/site/gather.ts) and only
// when the file lists snaps: each machine's snapd changes in progress, each listed snap's channel map in the store (GET /v2/find, from the
// first machine with snapd: one store serves them all) and Ceph's noout with this tool's marker
// with Ceph's health it shows in (from the first MicroCeph member, unless gather saw Ceph without
// quorum: the CLI would block), so a health gate is judged at plan time as apply judges it.
import { readNoout } from '../services/ceph-cli.js';
import { snapChangeFacts, snapdFacts } from '../services/host-facts.js';
import { whenInstalled } from '../services/read.js';
import { readChanges, readSnapd, readStoreChannels } from '../services/snapd.js';
import type { DesiredSnaps } from '../preseed/snaps.js';
import { Unreachable, type Host } from '../remote/index.js';
import { recordOf, type LiveState, type SiteSnaps } from '../live/state.js';

export async function readSiteSnaps(live: LiveState, hosts: ReadonlyMap<string, Host>, names: readonly string[]): Promise<SiteSnaps> {
  const keys = Object.keys(live.machines).filter((k) => hosts.has(k));
  const withSnapd = keys.find((k) => recordOf(live, k)?.host.snapd);
  const store: SiteSnaps['store'] = {};
  if (withSnapd) {
    const host = hosts.get(withSnapd)!;
    await Promise.all(names.map(async (n) => { store[n] = await readStoreChannels(host, n); }));
  }
  const ceph = keys.find((k) => {
    const c = recordOf(live, k)?.microceph;
    return c?.initialized && c.cluster !== null && live.clusters.microceph[c.cluster]?.quorum !== false;
  });
  if (!ceph) return { store, noout: null };
  const { set, ours, health } = await readNoout(hosts.get(ceph)!);
  return { store, noout: { set, ours }, cephHealth: { status: health.status, checks: health.checks } };
}

/**
 * `live` with the site's snaps read, when the file lists any (else as it is). `rereadSnapd`: read
 * every machine's snapd again too (host.snaps), for a read that left host facts as they were
 * (apply's narrowed final check, src/site/recheck.ts), since the snap steps change just those.
 */
export async function withSiteSnaps(live: LiveState, hosts: ReadonlyMap<string, Host>, wanted: DesiredSnaps, rereadSnapd = false): Promise<LiveState> {
  const names = Object.keys(wanted);
  if (names.length === 0) return live;
  const out: LiveState = { ...live, machines: { ...live.machines } };
  // Each machine's changes in progress (an auto-refresh of a listed snap is one the plan waits for),
  // read only for a file with snaps: and beside the site's reads, so they add no round.
  const [snaps] = await Promise.all([
    readSiteSnaps(live, hosts, names),
    ...Object.entries(live.machines).map(async ([k, m]) => {
      const host = hosts.get(k);
      if (!m.reachable || !host) return;
      if (!rereadSnapd && !m.host.snapd) return;
      const { snapChanges: _old, ...facts } = m.host;
      const [fresh, changes] = await Promise.all([
        rereadSnapd ? readSnapd(host).then(snapdFacts) : {},
        whenInstalled(() => readChanges(host)),
      ]);
      out.machines[k] = { ...m, host: { ...facts, ...fresh, ...snapChangeFacts(changes ?? []) } };
    }),
  ]);
  return waitingLxd({ ...out, snaps }, hosts, wanted);
}

/**
 * A machine gather found unreachable only because its LXD refuses connections, whose LXD snap is at
 * the store's revision while another machine's is not: an LXD refresh walk stopped part-way, and
 * LXD waits for the other members (src/plan/snaps-view.ts lxdWaiting). It is read as reachable with
 * its snaps and no LXD, so the plan can finish the refreshes; nothing else is planned from it.
 */
async function waitingLxd(live: LiveState, hosts: ReadonlyMap<string, Host>, wanted: DesiredSnaps): Promise<LiveState> {
  const want = wanted.lxd;
  const target = want ? (want.revision !== null ? String(want.revision) : live.snaps?.store['lxd']?.find((c) => c.channel === want.channel)?.revision) : undefined;
  if (!target) return live;
  const revisionOf = (m: LiveState['machines'][string]) => (m.reachable ? m.host.snaps.find((x) => x.name === 'lxd')?.revision : undefined);
  if (!Object.values(live.machines).some((m) => m.reachable && revisionOf(m) !== target)) return live;
  const out: LiveState = { ...live, machines: { ...live.machines } };
  for (const [k, m] of Object.entries(live.machines)) {
    const host = hosts.get(k);
    if (m.reachable || !host) continue;
    const refused = await host.request('lxd', 'GET', '/1.0', undefined, { retry: false }).then(() => false,
      (err: unknown) => err instanceof Unreachable && err.code === 'ECONNREFUSED');
    if (!refused) continue;
    const s = await readSnapd(host).catch(() => null);
    if (s?.snaps.find((x) => x.name === 'lxd')?.revision !== target) continue;
    out.machines[k] = {
      reachable: true, host: { hostname: k, interfaces: [], defaultRoute: null, snaps: s.snaps, snapd: { version: s.version } },
      lxd: null, microceph: null, microovn: null, microcloud: null,
    };
  }
  return out;
}
