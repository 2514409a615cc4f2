// A half-built site: the first steps of the bootstrap are carried out on the lab's daemons (through
// their own APIs, as apply will), then the site is gathered again. What gather reads must be what
// the planner's own model of those steps predicts: the plan from the lab equals the plan from the
// model, step for step. This checks gather on clustered LXD (members, a member's own pending row)
// and initialized MicroCeph/MicroOVN against the pure core.
import { gather } from '../../src/site/gather.js';
import { diff, reachable, type LiveState, type Plan, type Step } from '../../src/plan/index.js';
import { expectedEffect } from '../model/effects/index.js';
import { readPlannedPreseed } from '../../src/site/preseed-file.js';
import { siteTargets } from '../../src/site/targets.js';
import { READ_CONNECT as PLAN_CONNECT } from '../../src/site/pipeline.js';
import type { DesiredState } from '../../src/preseed/desired.js';
import type { LabService } from '../../src/lab/types.js';
import { tokenFromOp } from '../lab/lxd-helpers.js';
import { normalized } from '../plan/walk.js';
import { startLab, type PlanLab } from './lab.js';

let lab: PlanLab;
let desired: DesiredState;

beforeAll(async () => {
  lab = await startLab({ nodes: 3 });
  const loaded = await readPlannedPreseed(lab.file, lab.dir);
  desired = loaded.result.desired!;
});

afterAll(async () => {
  await lab?.stop();
});

async function gatherLive(): Promise<LiveState> {
  const g = await gather(siteTargets(desired), { connect: PLAN_CONNECT });
  // Fail fast, and say why, rather than hang until the test times out.
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('closing the SSH connections hung: a GET with a body (MicroCeph GET /1.0/configs) '
      + 'leaves undici waiting on a destroyed, paused stream-local channel; src/remote/http.ts must send requests with reset: false')), 5000);
  });
  try {
    await Promise.race([g.close(), hung]);
  } finally {
    clearTimeout(timer);
  }
  return g.live;
}

const planOf = (live: LiveState): Plan => diff(desired, live, { preseedDigest: 'sha256:test' });

/** One call to a daemon on a lab machine; an LXD operation is waited for. Fails on an error answer. */
async function call(machine: string, service: LabService, method: string, path: string, body?: unknown): Promise<any> {
  const [p, query] = path.split('?');
  let r = await lab.site.request(machine, service, { method, path: p!, query: query ?? '', body });
  let env = r.body as { type: string; error: string; metadata: any; operation: string };
  if (env.type === 'async' && !(method === 'POST' && p === '/1.0/cluster/members')) {
    r = await lab.site.request(machine, service, { method: 'GET', path: `${env.operation}/wait` });
    env = r.body as typeof env;
  }
  if (env.type === 'error' || env.metadata?.status === 'Failure') throw new Error(`${machine} ${service} ${method} ${path}: ${env.error || env.metadata?.err}`);
  return env.metadata;
}

/** What apply will do for these kinds of step, done by hand against the lab. */
async function act(step: Step): Promise<void> {
  const m = step.machine;
  switch (step.kind) {
    case 'microceph-bootstrap':
    case 'microovn-bootstrap': {
      const config = step.kind === 'microceph-bootstrap'
        ? { ...(step.inputs.publicNetwork ? { PublicNet: step.inputs.publicNetwork } : {}), ...(step.inputs.clusterNetwork ? { ClusterNet: step.inputs.clusterNetwork } : {}) }
        : (step.inputs.encapIp ? { 'ovn-encap-ip': step.inputs.encapIp } : {});
      await call(m, step.service, 'POST', '/core/control', { bootstrap: true, name: step.inputs.name, address: step.inputs.address, config, join_token: '' });
      return;
    }
    case 'microceph-join':
    case 'microovn-join': {
      const token = await call(step.inputs.cluster, step.service, 'POST', '/core/control/tokens', { name: step.inputs.name, expire_after: 3_600_000_000_000 });
      await call(m, step.service, 'POST', '/core/control', { bootstrap: false, name: step.inputs.name, address: step.inputs.address, join_token: token, config: {} });
      return;
    }
    case 'lxd-server-config':
      // Member keys go to the member's own socket: a standalone LXD knows no ?target=.
      await call(m, 'lxd', 'PATCH', step.inputs.target && step.inputs.target !== m ? `/1.0?target=${step.inputs.target}` : '/1.0', { config: step.inputs.config });
      return;
    case 'lxd-bootstrap':
      await call(m, 'lxd', 'PUT', '/1.0/cluster', { server_name: step.inputs.serverName, enabled: true });
      return;
    case 'lxd-join': {
      const op = await call(step.inputs.cluster, 'lxd', 'POST', '/1.0/cluster/members', { server_name: step.inputs.serverName });
      const cert = (await call(step.inputs.cluster, 'lxd', 'GET', '/1.0')).environment.certificate as string;
      await call(m, 'lxd', 'PUT', '/1.0/cluster', {
        server_name: step.inputs.serverName, enabled: true, server_address: step.inputs.serverAddress, cluster_address: step.inputs.clusterAddress,
        cluster_certificate: cert, cluster_token: tokenFromOp(op.metadata), member_config: step.inputs.memberConfig,
      });
      return;
    }
    case 'lxd-pool-pending':
      await call(m, 'lxd', 'POST', `/1.0/storage-pools?target=${step.inputs.target}`, { name: step.inputs.pool, driver: step.inputs.driver, config: step.inputs.config });
      return;
    case 'lxd-network-pending':
      await call(m, 'lxd', 'POST', `/1.0/networks?target=${step.inputs.target}`, { name: step.inputs.network, type: step.inputs.type, config: step.inputs.config });
      return;
    default:
      throw new Error(`this test does not carry out ${step.kind} steps`);
  }
}

/** The steps to carry out, in an order their dependencies allow. */
const FIRST = [
  'microceph/cluster@node1', 'microovn/cluster@node1', 'lxd/server-config/bootstrap@node1', 'lxd/cluster@node1',
  'microceph/member/node2', 'microovn/member/node2', 'lxd/member/node2',
  'lxd/storage-pool/local@node1', 'lxd/storage-pool/local@node2', 'lxd/network/UPLINK@node1',
];

const view = (plan: Plan) => normalized(plan.steps).map((s) => {
  const { address, kind, machine, action, changes, dependsOn, inputs } = s as Step;
  return { address, kind, machine, action, changes, dependsOn, inputs };
});

test('after the first steps, the plan from the gathered lab is the plan the model predicts', async () => {
  const fresh = await gatherLive();
  const first = planOf(fresh);
  expect(first.findings.filter((f) => f.severity === 'error')).toEqual([]);
  let model = fresh;
  for (const address of FIRST) {
    const step = first.steps.find((s) => s.address === address);
    if (!step) throw new Error(`the fresh plan has no step ${address}`);
    await act(step);
    model = expectedEffect(step, model);
  }
  lab.site.resetCounters();
  const live = await gatherLive();
  expect(lab.site.mutations()).toBe(0);

  // What gather read of the clustered machines.
  const node1 = reachable(live, 'node1');
  if (!node1) throw new Error('node1 unreadable');
  expect(node1.lxd).toMatchObject({ clustered: true, serverName: 'node1' });
  expect(node1.lxd!.members.map((m) => m.name)).toEqual(['node1', 'node2']);
  expect(node1.lxd!.pools).toEqual([expect.objectContaining({
    name: 'local', status: 'Pending', locations: ['node1', 'node2'],
    member: { status: 'Pending', config: { source: expect.stringMatching(/^\/dev\/disk\/by-id\/nvme-/), 'source.wipe': 'true' } },
  })]);
  expect(node1.lxd!.networks).toEqual([expect.objectContaining({ name: 'UPLINK', status: 'Pending', locations: ['node1'], member: { status: 'Pending', config: { parent: 'eth1' } } })]);
  expect(node1.microceph).toMatchObject({ initialized: true, members: [{ name: 'node1' }, { name: 'node2' }] });
  expect(node1.microovn).toMatchObject({ initialized: true, members: [{ name: 'node1' }, { name: 'node2' }] });
  const node3 = live.machines['node3'];
  expect(node3?.reachable && node3.microceph?.initialized).toBe(false);

  const fromLab = planOf(live);
  const fromModel = planOf(model);
  expect(fromLab.findings).toEqual(fromModel.findings);
  expect(view(fromLab)).toEqual(view(fromModel));
  expect(fromLab.steps.map((s) => s.address)).not.toContain('lxd/cluster@node1');
  expect(fromLab.steps.map((s) => s.address)).toContain('lxd/member/node3');
  expect(fromLab.steps.length).toBe(first.steps.length - FIRST.length);
});
