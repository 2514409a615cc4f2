// Shared test helpers for the lab's service models: machine specs built like the lab's default
// machines (src/lab/machines.ts) under any hostname, and an in-process LabContext whose machines
// can be taken down and brought back. Kept generic: the LXD and micro* model tests both use it.
import { defaultMachineSpec } from '../../src/lab/machines.js';
import type { DiskSpec, InterfaceSpec, LabContext, LabDurations, MachineSpec, SnapSpec } from '../../src/lab/types.js';
import { ZERO_DURATIONS } from '../../src/lab/types.js';

export interface LabSpecOverrides extends Partial<MachineSpec> {
  /** Which default machine to model (addresses, MACs, disk serials); default: the hostname's trailing number, else 1. */
  index?: number;
  /** eth0's address in CIDR form, replacing the default 10.1.0.(10+i)/24. */
  address?: string;
  /** Replace only some interfaces, by name (merged over the defaults). */
  interfacePatch?: Record<string, Partial<InterfaceSpec>>;
  /** Patch disks by kernel name (e.g. { sdb: { has_data: true } }). */
  diskPatch?: Record<string, Partial<DiskSpec>>;
  /** Installed snaps by name; `false` removes one (e.g. { microovn: false }). */
  snapPatch?: Record<string, Partial<SnapSpec> | false>;
}

/**
 * A machine as the lab's default machines look: lo; eth0 with a static address; eth1 up without an
 * address (the OVN uplink); an NVMe (nvme0n1) and two SATA SSDs (sda, sdb) with by-id and by-path
 * names; the lxd, microceph and microovn snaps.
 */
export function labSpec(hostname: string, overrides: LabSpecOverrides = {}): MachineSpec {
  const { index, address, interfacePatch, diskPatch, snapPatch, ...rest } = overrides;
  const i = index ?? (Number(/(\d+)$/.exec(hostname)?.[1] ?? '1') || 1);
  const base = defaultMachineSpec(i);
  let interfaces = base.interfaces.map((iface) => ({ ...iface, addresses: [...iface.addresses] }));
  if (address !== undefined) {
    interfaces = interfaces.map((iface) => (iface.name === 'eth0' ? { ...iface, addresses: [address] } : iface));
  }
  if (interfacePatch) {
    interfaces = interfaces.map((iface) => ({ ...iface, ...(interfacePatch[iface.name] ?? {}) }));
    for (const [name, patch] of Object.entries(interfacePatch)) {
      if (!interfaces.some((x) => x.name === name)) {
        interfaces.push({ name, kind: 'physical', state: 'up', mac: '52:54:00:ff:00:00', mtu: 1500, addresses: [], ...patch });
      }
    }
  }
  const disks = base.disks.map((d) => ({ ...d, ...(diskPatch?.[d.id] ?? {}) }));
  let snaps = base.snaps.map((s) => ({ ...s }));
  if (snapPatch) {
    snaps = snaps.filter((s) => snapPatch[s.name] !== false).map((s) => ({ ...s, ...((snapPatch[s.name] || {}) as Partial<SnapSpec>) }));
  }
  return { ...base, hostname, interfaces, disks, snaps, ...rest };
}

/** N machines node1..nodeN (or with another prefix). */
export function labSpecs(n: number, prefix = 'node'): MachineSpec[] {
  return Array.from({ length: n }, (_, k) => labSpec(`${prefix}${k + 1}`));
}

export interface TestLabContext extends LabContext {
  setUp(machine: string, up: boolean): void;
  /** Every sleep the models asked for, in ms, in order. */
  readonly sleeps: number[];
}

/** An in-process LabContext over the given machines (keyed by hostname), all up. Sleeps use real
 *  timers for their (by default zero) durations so that concurrency still interleaves. */
export function labContext(specs: MachineSpec[], durations: Partial<LabDurations> = {}): TestLabContext {
  const byName = new Map(specs.map((s) => [s.hostname, s]));
  const down = new Set<string>();
  const sleeps: number[] = [];
  return {
    machines: () => specs.map((s) => s.hostname),
    spec: (m) => {
      const s = byName.get(m);
      if (!s) throw new Error(`unknown machine ${m}`);
      return s;
    },
    isUp: (m) => byName.has(m) && !down.has(m),
    durations: { ...ZERO_DURATIONS, ...durations },
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
    setUp: (m, up) => { if (up) down.delete(m); else down.add(m); },
    sleeps,
  };
}
