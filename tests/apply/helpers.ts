// A lab site with a connected Host per machine, preseeds for it, and plan/apply round trips built
// from gather (over the open connections) and the pure core (diff).
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplyReport } from '../../src/apply/index.js';
import { applyPlan, type ApplyPlanOptions } from '../../src/apply/apply-plan.js';
import { defaultMachineSpecs, type DefaultMachineOptions } from '../../src/lab/machines.js';
import { LabSite, type LabSiteOptions } from '../../src/lab/lab-site.js';
import type { MachineSpec } from '../../src/lab/types.js';
import { diff, type Plan } from '../../src/plan/index.js';
import { namedSecrets, secretsOf, type DesiredState } from '../../src/preseed/desired.js';
import { loadPreseed } from '../../src/preseed/load.js';
import { connect, type Host, type RetryPolicy } from '../../src/remote/index.js';
import { gatherOver } from '../../src/site/gather.js';

export const PASSPHRASE = 'Zebra-Quartz-Lantern-9137';

export interface Lab {
  site: LabSite;
  hosts: Map<string, Host>;
  dir: string;
  /** Connects the machines not connected yet (e.g. after addMachine). */
  connectAll(): Promise<void>;
  /** A second set of connections, as a second operator would have. */
  otherHosts(): Promise<Map<string, Host>>;
  stop(): Promise<void>;
}

export async function startLab(opts: {
  nodes?: number; machines?: MachineSpec[]; machine?: DefaultMachineOptions; site?: Omit<LabSiteOptions, 'machines' | 'nodes'>;
  /** The remote layer's retry policy (default: 2 retries, as the CLI's connections, 10–50 ms apart). */
  retry?: Partial<RetryPolicy>;
} = {}): Promise<Lab> {
  const machines = opts.machines ?? defaultMachineSpecs(opts.nodes ?? 3, opts.machine);
  const site = await LabSite.start({ ...opts.site, machines });
  const dir = await mkdtemp(join(tmpdir(), 'apply-test-'));
  const keyFile = join(dir, 'id_ed25519');
  await writeFile(keyFile, site.clientKey.privateKey);
  await chmod(keyFile, 0o600);
  const extra: Host[] = [];
  const open = async (name: string): Promise<Host> => {
    const ep = site.endpoint(name);
    return connect({ name, host: ep.host, port: ep.port, user: 'root', identityFile: keyFile, hostKey: ep.hostKeyFingerprint },
      { agent: false, retry: opts.retry ?? { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50 } });
  };
  const hosts = new Map<string, Host>();
  const lab: Lab = {
    site, hosts, dir,
    async connectAll() {
      for (const name of site.machines()) if (!hosts.has(name)) hosts.set(name, await open(name));
    },
    async otherHosts() {
      const m = new Map<string, Host>();
      for (const name of site.machines()) {
        const h = await open(name);
        extra.push(h);
        m.set(name, h);
      }
      return m;
    },
    async stop() {
      await Promise.allSettled([...hosts.values(), ...extra].map((h) => h.close()));
      await site.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await lab.connectAll();
  } catch (err) {
    await lab.stop();
    throw err;
  }
  return lab;
}

export interface SitePreseed {
  /** node numbers listed in the file, in order; the initiator is node1 unless `initiator` says otherwise. */
  nodes: number[];
  initiator?: number;
  ceph?: boolean;
  cephfs?: boolean;
  ovn?: boolean;
  local?: boolean;
}

const nvme = (i: number) => `/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S64ANS0T${String(i * 10).padStart(6, '0')}`;

/** A unicast preseed for the lab's default machines (node i at 10.1.0.(10+i), eth1 the uplink). */
export function preseed(o: SitePreseed): string {
  const { ceph = true, ovn = true, local = true } = o;
  const lines = [`initiator_address: 10.1.0.${10 + (o.initiator ?? 1)}`, `session_passphrase: ${PASSPHRASE}`, 'systems:'];
  for (const i of o.nodes) {
    lines.push(`  - name: node${i}`, `    address: 10.1.0.${10 + i}`);
    if (ovn) lines.push('    ovn_uplink_interface: eth1');
    if (local || ceph) lines.push('    storage:');
    if (local) lines.push(`      local: {path: ${nvme(i)}, wipe: true}`);
    if (ceph) lines.push('      ceph: [{path: /dev/sda, wipe: true}, {path: /dev/sdb, wipe: true}]');
  }
  if (ovn) lines.push('ovn:', '  ipv4_gateway: 10.1.1.1/24', '  ipv4_range: 10.1.1.100-10.1.1.254', '  dns_servers: 10.1.1.1');
  if (o.cephfs) lines.push('ceph:', '  cephfs: true');
  return `${lines.join('\n')}\n`;
}

export function desiredOf(text: string): DesiredState {
  const r = loadPreseed('site.yaml', text, { baseDir: '/etc/microcloud', homeDir: '/home/op' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.desired || errors.length > 0) throw new Error(`invalid preseed:\n${errors.map((e) => `${e.line}: ${e.message}`).join('\n')}`);
  return r.desired;
}

export async function planFor(lab: Lab, desired: DesiredState, hosts: Map<string, Host> = lab.hosts): Promise<Plan> {
  const live = await gatherOver(hosts, [...hosts.keys()]);
  const plan = diff(desired, live, { preseedDigest: 'sha256:test' });
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`the plan has errors:\n${errors.map((f) => f.message).join('\n')}`);
  return plan;
}

/** Fast step retries: the lab answers at once, so waiting a second between attempts only slows tests. */
export const FAST_RETRY = { retries: 2, minTimeoutMs: 10, maxTimeoutMs: 50, factor: 2 };

export async function apply(lab: Lab, desired: DesiredState, plan: Plan, opts: ApplyPlanOptions = {}, hosts: Map<string, Host> = lab.hosts): Promise<ApplyReport> {
  return applyPlan(plan, hosts, {
    retry: FAST_RETRY,
    secrets: secretsOf(desired).map((s) => s.reveal()),
    named: namedSecrets(desired),
    replan: async () => (await planFor(lab, desired, hosts)).steps,
    ...opts,
  });
}

/** Plan then apply; returns both. */
export async function planAndApply(lab: Lab, desired: DesiredState, opts: ApplyPlanOptions = {}): Promise<{ plan: Plan; report: ApplyReport }> {
  const plan = await planFor(lab, desired);
  return { plan, report: await apply(lab, desired, plan, opts) };
}

/**
 * Hosts that remember every secret the tool sends or receives (join tokens, their secrets), so a
 * test can look for them in what the tool wrote.
 */
export function recordingHosts(hosts: Map<string, Host>, seen: Set<string>): Map<string, Host> {
  const note = (v: unknown) => { if (typeof v === 'string' && v.length >= 6) seen.add(v); };
  const out = new Map<string, Host>();
  for (const [name, h] of hosts) {
    const request: Host['request'] = async (service, method, path, body, opts) => {
      const b = (body ?? {}) as Record<string, unknown>;
      for (const k of ['join_token', 'cluster_token', 'cluster_password']) note(b[k]);
      const r = await h.request(service, method, path, body, opts);
      if (method === 'POST' && path === '/core/control/tokens') note(r.metadata);
      const md = (r.metadata as { metadata?: { secret?: unknown } } | null)?.metadata;
      if (method === 'POST' && path === '/1.0/cluster/members') note(md?.secret);
      return r as never;
    };
    out.set(name, {
      name, request, exec: h.exec.bind(h), waitOperation: h.waitOperation.bind(h), socketPath: h.socketPath.bind(h), websocket: h.websocket.bind(h), close: h.close.bind(h),
    });
  }
  return out;
}
