// Joins side by side on the LXD model: LXD 5.20+ takes them all, accepting one at a time on the
// leader; Debian's 5.0.2 locks up a join that meets another inside cluster.Join, as the real one
// does (tests/real/concurrent-join.ts). Order and state are checked, never times.
import { labSpec } from './specs.js';
import { bootstrap, join, joinBody, makeLab, ok, type Lab } from './lxd-helpers.js';

const names = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `node${from + k}`);

async function members(l: Lab): Promise<{ server_name: string; status: string; roles: string[] }[]> {
  return ok(await l.c('node1').get('/1.0/cluster/members', { recursion: '1' }));
}

describe('LXD 5.21: joins side by side', () => {
  test('six members joining at once all come up Online, in a cluster with three voters and two stand-bys', async () => {
    const l = makeLab(names(1, 7).map((n) => labSpec(n)), { lxdJoin: 20 });
    await bootstrap(l, 'node1');
    const replies = await Promise.all(names(2, 7).map((n) => join(l, n, 'node1')));
    for (const r of replies) ok(r);
    const list = await members(l);
    expect(list.map((m) => m.server_name).sort()).toEqual(names(1, 7));
    expect(list.every((m) => m.status === 'Online')).toBe(true);
    const count = (role: string) => list.filter((m) => m.roles.includes(role)).length;
    expect([count('database'), count('database-standby')]).toEqual([3, 2]);
    for (const n of names(2, 7)) expect(ok(await l.c(n).get('/1.0')).environment.server_clustered).toBe(true);
  });

  test('the leader accepts them one at a time: each accept ends before the next begins', async () => {
    // lxdJoin 20: 8 before the accept, 2 for the accept, 10 in cluster.Join (lxd/join.ts JOIN_SHARE).
    const l = makeLab(names(1, 4).map((n) => labSpec(n)), { lxdJoin: 20 });
    await bootstrap(l, 'node1');
    const bodies = await Promise.all(names(2, 4).map((n) => joinBody(l, n, 'node1')));
    l.ctx.sleeps.length = 0;
    const replies = await Promise.all(names(2, 4).map((n, k) => l.c(n).run('PUT', '/1.0/cluster', bodies[k])));
    for (const r of replies) ok(r);
    // Side by side, the accepts would follow each other (2, 2, 2); under the mutex each accept is
    // followed by its cluster.Join before the next accept starts.
    expect(l.ctx.sleeps).toEqual([8, 8, 8, 2, 10, 2, 10, 2, 10]);
  });
});

describe('Debian LXD 5.0.2: a join that meets another locks up', () => {
  const debian = (n: string) => labSpec(n, { lxdFlavor: 'deb-5.0', snapPatch: { lxd: { version: '5.0.2' } } });

  async function debianLab(n: number): Promise<Lab> {
    const l = makeLab(names(1, n).map(debian), { lxdJoin: 20 });
    await bootstrap(l, 'node1');
    for (const m of names(2, n)) ok(await l.c(m).patch('/1.0', { config: { 'core.https_address': `10.1.0.1${m.slice(-1)}:8443` } }));
    return l;
  }

  test('of two at once, the second never finishes and stays out of the member list; one at a time after that works', async () => {
    const l = await debianLab(4);
    const [b2, b3] = await Promise.all(['node2', 'node3'].map((n) => joinBody(l, n, 'node1')));
    const first = await l.c('node2').put('/1.0/cluster', b2);
    const second = await l.c('node3').put('/1.0/cluster', b3);
    ok(await l.c('node2').settle(first));
    // A whole join after the first one's end: the locked-up one is still running.
    ok(await join(l, 'node4', 'node1'));
    const stuck = ok(await l.c('node3').get(second.body.operation!));
    expect(stuck).toMatchObject({ status: 'Running', description: 'Joining cluster' });
    expect((await members(l)).map((m) => m.server_name)).toEqual(['node1', 'node2', 'node4']);
  });

  test('one at a time, every join finishes', async () => {
    const l = await debianLab(4);
    for (const n of names(2, 4)) ok(await join(l, n, 'node1'));
    expect((await members(l)).map((m) => m.server_name)).toEqual(names(1, 4));
  });
});
