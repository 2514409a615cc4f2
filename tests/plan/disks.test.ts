// Disk resolution with MicroCloud's counting rules (reference §1.2/§1.3, cmd/microcloud/preseed.go).
import { resolveDisks } from '../../src/plan/disks.js';
import { diff } from '../../src/plan/diff.js';
import type { LiveState } from '../../src/live/state.js';
import { bareSite, byId, desired, machine, nvmeId, record, OPTS, ssdId, ssdWwn } from './fixtures.js';
import { converge } from './walk.js';

const filters = (ceph: string[], local: string[] = []): string[] => [
  'storage:',
  ...(ceph.length ? ['  ceph:', ...ceph.map((f) => `    - ${f}`)] : []),
  ...(local.length ? ['  local:', ...local.map((f) => `    - ${f}`)] : []),
];
const withFilters = (ceph: string[], local: string[] = [], o: Parameters<typeof desired>[0] = { n: 3 }) =>
  desired({ ceph: 'none', local: 'none', ...o, tail: filters(ceph, local) });

const picked = (d: ReturnType<typeof desired>, live: LiveState = bareSite(3)) =>
  resolveDisks(d, live).resolution.disks.map((x) => `${x.machine} ${x.use} ${x.device}`);
const errors = (d: ReturnType<typeof desired>, live: LiveState = bareSite(3)) =>
  resolveDisks(d, live).findings.filter((f) => f.severity === 'error').map((f) => f.message);

describe('explicit paths', () => {
  test('/dev/sdX becomes the by-id path MicroCeph records; by-id and by-path names are accepted', () => {
    const d = desired({ n: 3, local: 'none', ceph: 'none', perSystem: (i) => [
      '    storage:',
      `      ceph: [{path: ${['/dev/sda', byId(`wwn-${ssdWwn(2, 1)}`), '/dev/disk/by-path/pci-0000:00:17.0-ata-1.0'][i - 1]}}]`,
    ] });
    const { resolution, findings } = resolveDisks(d, bareSite(3));
    expect(findings).toEqual([]);
    expect(resolution.disks.map((x) => [x.machine, x.path, x.device, x.from])).toEqual([
      ['node1', byId(ssdId(1, 1)), 'sda', { kind: 'explicit', given: '/dev/sda' }],
      ['node2', byId(ssdId(2, 1)), 'sda', { kind: 'explicit', given: byId(ssdId(2, 1)) }],
      ['node3', byId(ssdId(3, 1)), 'sda', { kind: 'explicit', given: '/dev/disk/by-path/pci-0000:00:17.0-ata-1.0' }],
    ]);
  });

  test('a path that names no disk is an error naming the machine', () => {
    const d = desired({ n: 3, ceph: 'none', perSystem: (i) => (i === 2 ? ['      ceph: [{path: /dev/sdz}]'] : []) });
    expect(resolveDisks(d, bareSite(3)).findings).toEqual([expect.objectContaining({ code: 'disk-missing', machine: 'node2', message: 'disk /dev/sdz was not found on node2' })]);
  });
});

describe('Ceph filters', () => {
  test('take every match on every system without explicit Ceph disks', () => {
    expect(picked(withFilters(['{find: "type == scsi", find_min: 1}']))).toEqual([
      'node1 ceph sda', 'node1 ceph sdb', 'node2 ceph sda', 'node2 ceph sdb', 'node3 ceph sda', 'node3 ceph sdb',
    ]);
  });

  test('find_min and find_max count across all systems, with MicroCloud\'s messages', () => {
    expect(errors(withFilters(['{find: "type == scsi", find_min: 7}']))).toEqual(['Failed to find at least 7 disks for filter "type == scsi"']);
    expect(errors(withFilters(['{find: "type == scsi", find_min: 1, find_max: 5}']))).toEqual(['Found more than 5 disks for filter "type == scsi"']);
    expect(errors(withFilters(['{find: "type == scsi", find_min: 6, find_max: 6}']))).toEqual([]);
  });

  test('a Ceph match leaves the Ceph candidates: a later filter sees what is left', () => {
    const d = withFilters(['{find: "id == sda", find_min: 3}', '{find: "type == scsi", find_min: 3, find_max: 3}']);
    const { resolution } = resolveDisks(d, bareSite(3));
    expect(resolution.filters.map((f) => [f.index, f.matched])).toEqual([[0, 3], [1, 3]]);
    expect(resolution.disks.filter((x) => x.from.kind === 'filter' && x.from.index === 1).map((x) => x.device)).toEqual(['sdb', 'sdb', 'sdb']);
  });

  test('only systems without explicit Ceph disks are filtered', () => {
    const d = desired({ n: 3, local: 'none', ceph: 'none', perSystem: (i) => (i === 1 ? ['    storage:', '      ceph: [{path: /dev/sda}]'] : []),
      tail: filters(['{find: "id == sdb", find_min: 2, find_max: 2}']) });
    expect(picked(d)).toEqual(['node1 ceph sda', 'node2 ceph sdb', 'node3 ceph sdb']);
    expect(errors(d)).toEqual([]);
  });

  test('disks with partitions are not candidates', () => {
    const live = bareSite(3);
    machine(live, 'node2').lxd!.disks.find((x) => x.id === 'sdb')!.partitions = [{}];
    expect(errors(withFilters(['{find: "type == scsi", find_min: 6}']), live)).toEqual(['Failed to find at least 6 disks for filter "type == scsi"']);
  });

  test('counts are kept per expression, as MicroCloud keeps them', () => {
    const { resolution, findings } = resolveDisks(withFilters(['{find: "type == scsi", find_min: 1}', '{find: "type == scsi", find_min: 1}']), bareSite(3));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(resolution.filters.map((f) => f.matched)).toEqual([6, 6]);
  });

  test('fewer than 3 machines supplying disks is a warning', () => {
    const { findings } = resolveDisks(withFilters(['{find: "serial == nothing || device_id == ' + ssdId(1, 1) + '", find_min: 1}']), bareSite(3));
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'fault-tolerance' })]);
  });
});

describe('local filters', () => {
  test('give each system its first match, and local find_min defaults to 1', () => {
    expect(picked(withFilters([], ['{find: "type == scsi"}']))).toEqual(['node1 local sda', 'node2 local sda', 'node3 local sda']);
    expect(errors(withFilters([], ['{find: "model == nothing"}']))).toEqual(['Failed to find at least 1 disks for filter "model == nothing"']);
    expect(errors(withFilters([], ['{find: "type == nvme", find_max: 2}']))).toEqual(['Found more than 2 disks for filter "type == nvme"']);
  });

  test('the first filter that matches a system gives its disk; later ones are for the systems left', () => {
    const live = bareSite(3);
    record(live, 'node3').lxd!.disks = record(live, 'node3').lxd!.disks.filter((x) => x.type !== 'nvme');
    const d = withFilters([], ['{find: "type == nvme"}', '{find: "id == sdb"}']);
    expect(picked(d, live)).toEqual(['node1 local nvme0n1', 'node2 local nvme0n1', 'node3 local sdb']);
    expect(resolveDisks(d, live).resolution.filters.map((f) => f.matched)).toEqual([2, 1]);
  });

  test('every machine needs one, or none', () => {
    const live = bareSite(3);
    record(live, 'node3').lxd!.disks = record(live, 'node3').lxd!.disks.filter((x) => x.type !== 'nvme');
    expect(errors(withFilters([], ['{find: "type == nvme"}']), live)).toEqual(['Failed to find at least 1 disk on each machine for local storage pool configuration']);
  });

  test('use their own candidate list, so a disk matched by both kinds is reported', () => {
    const d = withFilters(['{find: "type == scsi", find_min: 1}'], ['{find: "type == scsi"}']);
    const doubles = resolveDisks(d, bareSite(3)).findings.filter((f) => f.code === 'disk-double');
    expect(doubles.map((f) => f.machine)).toEqual(['node1', 'node2', 'node3']);
    expect(doubles[0]!.message).toBe(`disk ${byId(ssdId(1, 1))} on node1 is selected twice: for ceph (filter storage.ceph[0]) and for local (filter storage.local[0])`);
  });
});

describe('a site built from filters resolves as before', () => {
  const d = withFilters(['{find: "type == scsi", find_min: 6, find_max: 6, wipe: true}'], ['{find: "size < 1TB", wipe: true}']);
  const built = converge(d, bareSite(3));

  test('OSDs and ZFS disks stay matched, count, and need nothing', () => {
    const again = diff(d, built, OPTS);
    expect(again.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(again.steps).toEqual([]);
    expect(again.disks.disks.every((x) => x.inUse)).toBe(true);
    expect(again.disks.disks.filter((x) => x.use === 'local').map((x) => x.path)).toEqual([1, 2, 3].map((i) => byId(nvmeId(i))));
    expect(resolveDisks(d, bareSite(3)).resolution.disks.map((x) => x.path)).toEqual(again.disks.disks.map((x) => x.path));
  });

  test('a new matching disk counts on top of them', () => {
    const live = structuredClone(built);
    const m = machine(live, 'node1').lxd!;
    m.disks.push({ ...m.disks[1]!, id: 'sdc', device_id: 'wwn-0xnew', wwn: '0xnew', device_path: 'pci-0000:00:17.0-ata-3.0' });
    expect(errors(d, live)).toEqual(['Found more than 6 disks for filter "type == scsi"']);
  });
});
