// @ts-nocheck
// GENERATED from schemas/preseed.schema.json by src/tools/preseed-validator.ts (ajv standalone code):
// do not edit. After changing the schema, the formats or the keywords: npm run build.
import * as __import0 from './formats.js';
import * as __import1 from './text.js';
import __import2 from 'ajv/dist/runtime/ucs2length.js';
export const validate = validate21;
export default validate21;
const schema32 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://github.com/microcloud-apply/microcloud-apply/schemas/preseed.schema.json","title":"MicroCloud preseed (microcloud-apply)","description":"Canonical MicroCloud's preseed format (version 3.3, cmd/microcloud/preseed.go), every key with the same meaning, plus microcloud-apply's `ssh`, `lxd` and `snaps` extensions. MicroCloud's keys are read the way its YAML decoder (gopkg.in/yaml.v3) reads them into its fields: a text key takes any scalar as written (`session_passphrase: 1234` is the text 1234), null or an empty text is the same as leaving the key out, and true/false keys also take yes/no, on/off and y/n. Unlike MicroCloud, unknown keys are errors.","type":"object","additionalProperties":false,"required":["systems"],"properties":{"lookup_subnet":{"description":"Multicast discovery mode: the subnet MicroCloud listens in (its first local IP inside this subnet). Requires `initiator`; not allowed together with `initiator_address` or any `systems[].address`.","type":"string","format":"cidr","examples":["10.0.0.0/24"]},"lookup_timeout":{"description":"Seconds the initiator waits for every listed joiner (and a joiner waits to discover the initiator). 0 or less means the default, as in MicroCloud.","type":"integer","default":60},"session_passphrase":{"description":"Passphrase that keys the trust-establishment session. Required when more than one system is listed. Secret: never printed, logged or written to plans.","type":"string","minLength":1,"writeOnly":true,"x-secret":true},"session_timeout":{"description":"Seconds the trust-establishment session stays open. MicroCloud rejects more than 60 minutes. 0 or less means the default, as in MicroCloud.","type":"integer","maximum":3600,"default":3600,"x-hint":"use a number of seconds from 1 to 3600"},"initiator":{"description":"Name of the initiator (multicast mode, with `lookup_subnet`). Exactly one of `initiator` and `initiator_address`. If it names a listed system the run bootstraps a new cluster; otherwise it adds the listed systems to the existing cluster of that member.","type":"string","format":"hostname"},"initiator_address":{"description":"Address of the initiator (unicast mode). Exactly one of `initiator` and `initiator_address`; every system then needs an `address`. If it is the address of a listed system the run bootstraps; otherwise it adds the listed systems to the cluster of the member at that address.","type":"string","format":"ip-address","examples":["10.0.0.11"]},"systems":{"description":"The machines. On bootstrap, every member of the new cluster; on add, only the new machines. Names are unique.","type":"array","minItems":1,"items":{"$ref":"#/$defs/system"},"x-missing":"No systems given","x-hint":"list at least one system, e.g. `systems: [{name: node1}]`"},"ovn":{"description":"The OVN uplink network (`UPLINK`, physical) used by the `default` OVN network.","type":"object","additionalProperties":false,"properties":{"ipv4_gateway":{"description":"IPv4 gateway on the uplink network in CIDR form (gateway address and prefix). Requires `ipv4_range`.","type":"string","format":"ipv4-cidr","examples":["192.0.2.1/24"]},"ipv4_range":{"description":"IPv4 addresses OVN may use on the uplink, `<first>-<last>`, inside the gateway's subnet, excluding the gateway and every system's address. Requires `ipv4_gateway`.","type":"string","format":"ipv4-range","examples":["192.0.2.100-192.0.2.254"]},"ipv6_gateway":{"description":"IPv6 gateway on the uplink network in CIDR form. There is no IPv6 range key.","type":"string","format":"ipv6-cidr","examples":["2001:db8:d:200::1/64"]},"dns_servers":{"description":"Comma-separated IP addresses of DNS servers for the uplink network (`dns.nameservers`).","type":"string","format":"ip-list","examples":["192.0.2.1,2001:db8:d:200::1"]}}},"ceph":{"description":"Distributed storage options (MicroCeph).","type":"object","additionalProperties":false,"properties":{"cephfs":{"description":"Also create the `remote-fs` (CephFS) storage pool. Only takes effect when Ceph disks are selected.","type":"boolean","default":false},"internal_network":{"description":"Ceph cluster (OSD replication) network. Needs Ceph disks; every system needs an address in it. Defaults to the MicroCloud subnet.","type":"string","format":"cidr","examples":["10.0.1.0/24"]},"public_network":{"description":"Ceph public network. Needs Ceph disks; every system needs an address in it. Defaults to the MicroCloud subnet. Cannot change after bootstrap.","type":"string","format":"cidr","examples":["10.0.0.0/24"]}}},"storage":{"description":"Disk filters, for systems that do not list disks of that kind explicitly. Ceph filters run first.","type":"object","additionalProperties":false,"properties":{"local":{"description":"Filters choosing each system's local (ZFS) disk; the first match per system is used.","type":"array","items":{"$ref":"#/$defs/diskFilter"}},"ceph":{"description":"Filters choosing Ceph OSD disks across all systems.","type":"array","items":{"$ref":"#/$defs/diskFilter"}}}},"ssh":{"description":"microcloud-apply extension (MicroCloud ignores it): connection defaults for every system.","$ref":"#/$defs/sshDefaults","x-extension":true},"lxd":{"description":"microcloud-apply extension (MicroCloud ignores it): LXD settings the tool sets and keeps in sync.","type":"object","x-extension":true,"additionalProperties":false,"properties":{"config":{"description":"Cluster-wide LXD server config, key → value as `lxc config set` takes them (e.g. `images.auto_update_interval: 0`, `network.ovn.northbound_connection: tcp:10.99.0.1:6641`). Set once every member has joined and kept in sync: a value changed on the site shows in `plan` as `~ update` and the next apply sets it back. A key the tool set is recorded on the cluster (`user.microcloud-apply.owned.<key>`, names only): taken out of the file, it is unset by the next apply; a key the tool never set (set by hand, or already at the file's value) is left as it is when it leaves the file. A `network.ovn.northbound_connection` given here is used as written instead of MicroOVN's. Member-local keys (core.https_address, storage.images_volume, …) and the tool's own (cluster.https_address, user.microcloud, user.microcloud-apply.*) are refused. Values of keys ending in `password`, `.key`, `_key`, `secret` or `token` are secret: never printed, logged or written to plans; LXD does not show some of them back (core.trust_password), so only whether they are set can be checked.","type":"object","propertyNames":{"pattern":"^[a-z0-9_-]+(\\.[a-z0-9_-]+)+$","x-hint":"LXD server config keys are lowercase and dotted, such as `images.auto_update_interval` or `core.proxy_https`"},"additionalProperties":{"$ref":"#/$defs/lxdConfigValue"}}}},"remove":{"description":"microcloud-apply extension (MicroCloud ignores it): cluster members to remove, one at a time in the order written, in `microcloud remove`'s order (its OSDs, its `local/images` and `local/backups` volumes and the keys that point at them, LXD, MicroOVN, MicroCeph, MicroCloud), all through a surviving member. A name both here and in `systems` is an error; a name that is not a member of any cluster has nothing left to do. The plan refuses a removal that would leave a cluster without a quorum of the voters it had, a Ceph pool with fewer OSD hosts than its size, or no member at all. Without `remove` nothing is ever removed.","type":"array","x-extension":true,"items":{"$ref":"#/$defs/removal"},"x-hint":"list member names, e.g. `remove: [node4]`, or `remove: [{name: node5, force: true}]` for an unreachable one"},"snaps":{"description":"microcloud-apply extension (MicroCloud ignores it): the snaps every system must have, at these channels, identical everywhere. The tool installs a missing snap (before any cluster is formed, in parallel across machines) and refreshes one that differs in MicroCloud's order (MicroCeph one member at a time with Ceph's noout set and a health gate after each, MicroOVN one at a time, LXD on all members at once, MicroCloud one at a time), then holds it. A downgrade is refused unless `allow_downgrade` says so. A snap not listed is left as it is; without `snaps` nothing is checked and the snaps must be installed already.","type":"object","x-extension":true,"additionalProperties":false,"x-hint":"map snap names to their channels, e.g. `snaps: {lxd: {channel: 5.21/stable}}`","properties":{"lxd":{"description":"The LXD snap.","$ref":"#/$defs/snap"},"microceph":{"description":"The MicroCeph snap.","$ref":"#/$defs/snap"},"microovn":{"description":"The MicroOVN snap.","$ref":"#/$defs/snap"},"microcloud":{"description":"The MicroCloud snap.","$ref":"#/$defs/snap"}}}},"$defs":{"removal":{"description":"A member to remove: its name, or a mapping with its name and options.","type":["string","object"],"format":"hostname","additionalProperties":false,"required":["name"],"x-hint":"write the member's name (`node4`) or a mapping such as `{name: node4, force: true}`","properties":{"name":{"description":"The cluster member's name (its hostname).","type":"string","format":"hostname","x-hint":"the member name as `lxc cluster list` shows it, e.g. node4"},"force":{"description":"For a member that is down: drop it from every cluster from a surviving member without cleaning it up (`microcloud remove --force`), and remove its OSDs without MicroCeph's safety checks. What is left on the machine is named in the plan; it must be reinstalled before it can join again. Default false.","type":"boolean","default":false,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"},"evacuate":{"description":"Evacuate the member's LXD instances to the other members first (`lxc cluster evacuate`) and wait; without it a member with instances is refused. Default false.","type":"boolean","default":false,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"}}},"snap":{"type":"object","additionalProperties":false,"required":["channel"],"x-hint":"give the snap a mapping with its channel, e.g. `lxd: {channel: 5.21/stable}`","properties":{"channel":{"description":"The channel the snap tracks on every system, as snapd takes it: `track/risk[/branch]`, a bare track (`5.21` is `5.21/stable`) or a risk (`stable` is `latest/stable`); risks are stable, candidate, beta and edge. MicroCloud's component snaps must use tracks of one MicroCloud release (its compatibility matrix).","type":"string","format":"snap-channel","x-safe-text":"line","x-hint":"write track/risk as `snap info` lists them, e.g. 5.21/stable","examples":["5.21/stable","squid/stable","24.03/stable","2/stable"]},"revision":{"description":"Pin this store revision on every system instead of the channel's current one (MicroCloud's workaround when a cohort does not keep members in step). Cannot be combined with `cohort: true`: snapd refuses a revision together with a cohort key.","type":"integer","minimum":1,"x-hint":"a store revision as `snap list` shows it in the Rev column, e.g. 33110"},"cohort":{"description":"Install and refresh in a cohort (`--cohort=\"+\"`, as MicroCloud's install guide does), so every system gets the same revision of the channel. Default true; false when `revision` is given.","type":"boolean","default":true,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"},"allow_downgrade":{"description":"Allow moving to a lower revision or an older track than a system has (refused otherwise: snapd reverts data only with `snap revert`, and the daemons' databases may not go back). Default false.","type":"boolean","default":false,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"},"hold":{"description":"Hold the snap's refreshes once installed (`snap refresh --hold`: forever, all refreshes, as MicroCloud's guide does), so it changes only when this tool refreshes it. Default true.","type":"boolean","default":true,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"}}},"system":{"type":"object","additionalProperties":false,"required":["name"],"properties":{"name":{"description":"The machine's hostname; must equal its `hostname`. Also its cluster member name.","type":"string","format":"hostname","x-missing":"Missing system name","x-hint":"use the machine's hostname: letters, digits and hyphens, e.g. `node1`"},"address":{"description":"Unicast mode: the machine's MicroCloud address, a static IP on a local interface. Required for every system when `initiator_address` is set; not allowed with `lookup_subnet`.","type":"string","format":"ip-address","examples":["10.0.0.11"]},"ovn_uplink_interface":{"description":"Interface for the OVN uplink: up, with no IP (or a bridge). All systems or none. A name Linux allows: 1 to 15 bytes, not `.` or `..`, without `/`, `:` or whitespace; control, bidirectional-text and zero-width characters are refused too.","type":"string","format":"interface-name","x-safe-text":"line","x-hint":"a Linux interface name as `ip -br link` shows it, e.g. enp2s0","examples":["enp2s0"]},"ovn_underlay_ip":{"description":"Geneve encapsulation IP (MicroOVN `ovn-encap-ip`); must be an address of an interface of this system. All systems or none.","type":"string","format":"ip-address","examples":["10.0.2.11"]},"storage":{"description":"Disks of this system chosen explicitly.","type":"object","additionalProperties":false,"properties":{"local":{"description":"The one disk for the local ZFS pool `local`. All systems or none (filters may cover the rest).","$ref":"#/$defs/directStorage"},"ceph":{"description":"Disks to add as Ceph OSDs.","type":"array","items":{"$ref":"#/$defs/directStorage"}}}},"ssh":{"description":"microcloud-apply extension: how to reach this system over SSH. Overrides the top-level `ssh` defaults.","$ref":"#/$defs/sshSystem","x-extension":true}}},"directStorage":{"type":"object","additionalProperties":false,"required":["path"],"properties":{"path":{"description":"The disk's device path, which MicroCloud passes on to LXD or MicroCeph as written: prefer /dev/disk/by-id/… which never changes. MicroCloud's reader takes any text here (its tests use `def`); the plan refuses, before any change, a path that is not one of the machine's disks (/dev/<name>, /dev/disk/by-id/…, /dev/disk/by-path/…). Whitespace, control, bidirectional-text and zero-width characters are refused.","type":"string","pattern":"^\\S+$","x-safe-text":"line","x-hint":"use a device path such as /dev/disk/by-id/wwn-0x5000c500a1b2c3d4","examples":["/dev/disk/by-id/nvme-SAMSUNG_MZ1L23T8_S2"]},"wipe":{"description":"Wipe the disk before use. Destroys its data.","type":"boolean","default":false},"encrypt":{"description":"Encrypt the OSD (Ceph only; needs dm-crypt). Ignored for local storage.","type":"boolean","default":false}}},"diskFilter":{"type":"object","additionalProperties":false,"properties":{"find":{"description":"Filter expression over LXD disk fields (`size > 1TiB && type == nvme`): whitespace-separated tokens, evaluated left to right, strings are case-insensitive anchored regexes. Quote the whole value in YAML. Required: MicroCloud refuses a filter without one (\"Received empty local disk filter\").","type":"string","examples":["size >= 3TiB && type == nvme"]},"find_min":{"description":"Minimum number of matching disks, counted across all systems. Local filters: 0 means 1. Ceph filters: must be at least 1.","type":"integer","minimum":0,"default":0},"find_max":{"description":"Maximum number of matching disks across all systems; 0 means unlimited. Must not be less than `find_min`.","type":"integer","minimum":0,"default":0},"wipe":{"description":"Wipe matching disks before use. Destroys their data.","type":"boolean","default":false},"encrypt":{"description":"Encrypt matching OSDs (Ceph only).","type":"boolean","default":false}}},"sshDefaults":{"type":"object","additionalProperties":false,"properties":{"port":{"$ref":"#/$defs/sshPort"},"user":{"$ref":"#/$defs/sshUser"},"identity_file":{"$ref":"#/$defs/sshIdentityFile"},"known_hosts":{"$ref":"#/$defs/sshKnownHosts"},"jump":{"$ref":"#/$defs/sshJump"}}},"sshSystem":{"type":"object","additionalProperties":false,"properties":{"host":{"description":"Host name or IP to connect to. Default: the system's `address`, else its `name`.","type":"string","pattern":"^[^\\s@]+$","x-safe-text":"line","x-hint":"a host name or IP address, without `user@` (use `user`)"},"port":{"$ref":"#/$defs/sshPort"},"user":{"$ref":"#/$defs/sshUser"},"identity_file":{"$ref":"#/$defs/sshIdentityFile"},"host_key":{"description":"Pinned host key fingerprint, as `ssh-keygen -lf` prints it. When set, only this key is accepted.","type":"string","pattern":"^SHA256:[A-Za-z0-9+/]{43}$","x-safe-text":"line","x-hint":"copy the SHA256:… field printed by `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine","examples":["SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"]},"known_hosts":{"$ref":"#/$defs/sshKnownHosts"},"jump":{"$ref":"#/$defs/sshJump"}}},"lxdConfigValue":{"description":"The key's value: text, true/false or a whole number, sent as the text LXD stores (`\"true\"`, `\"0\"`). An empty string means unset. Text may span lines (a PEM certificate); control characters other than tabs and line breaks, and bidirectional-text controls, are refused.","type":["string","boolean","integer"],"x-safe-text":"text","x-hint":"write the value as text (quote it if YAML would read it otherwise), true/false, or a whole number"},"sshPort":{"description":"SSH port.","type":"integer","minimum":1,"maximum":65535,"default":22},"sshUser":{"description":"SSH user. A user other than root runs commands through `sudo -n`.","type":"string","pattern":"^[a-z_][a-z0-9_.-]{0,31}\\$?$","default":"root","x-hint":"a POSIX user name such as `root` or `ubuntu`"},"sshIdentityFile":{"description":"Private key file, relative to this file's directory or absolute (`~/` allowed). Default: the SSH agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa.","type":"string","minLength":1},"sshKnownHosts":{"description":"OpenSSH known_hosts file used to verify host keys when no `host_key` is pinned, relative to this file's directory or absolute.","type":"string","minLength":1,"default":"~/.ssh/known_hosts"},"sshJump":{"description":"Jump host, OpenSSH `-J` style `[user@]host[:port]`. Its host key is verified against `known_hosts`.","type":"string","pattern":"^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$","x-safe-text":"line","x-hint":"write it like OpenSSH's -J: `bastion.example.com`, `admin@bastion:2222` or `[2001:db8::1]:22`","examples":["admin@bastion.example.com:22"]}}};
const schema42 = {"type":"object","additionalProperties":false,"properties":{"find":{"description":"Filter expression over LXD disk fields (`size > 1TiB && type == nvme`): whitespace-separated tokens, evaluated left to right, strings are case-insensitive anchored regexes. Quote the whole value in YAML. Required: MicroCloud refuses a filter without one (\"Received empty local disk filter\").","type":"string","examples":["size >= 3TiB && type == nvme"]},"find_min":{"description":"Minimum number of matching disks, counted across all systems. Local filters: 0 means 1. Ceph filters: must be at least 1.","type":"integer","minimum":0,"default":0},"find_max":{"description":"Maximum number of matching disks across all systems; 0 means unlimited. Must not be less than `find_min`.","type":"integer","minimum":0,"default":0},"wipe":{"description":"Wipe matching disks before use. Destroys their data.","type":"boolean","default":false},"encrypt":{"description":"Encrypt matching OSDs (Ceph only).","type":"boolean","default":false}}};
const schema50 = {"description":"The key's value: text, true/false or a whole number, sent as the text LXD stores (`\"true\"`, `\"0\"`). An empty string means unset. Text may span lines (a PEM certificate); control characters other than tabs and line breaks, and bidirectional-text controls, are refused.","type":["string","boolean","integer"],"x-safe-text":"text","x-hint":"write the value as text (quote it if YAML would read it otherwise), true/false, or a whole number"};
const schema51 = {"description":"A member to remove: its name, or a mapping with its name and options.","type":["string","object"],"format":"hostname","additionalProperties":false,"required":["name"],"x-hint":"write the member's name (`node4`) or a mapping such as `{name: node4, force: true}`","properties":{"name":{"description":"The cluster member's name (its hostname).","type":"string","format":"hostname","x-hint":"the member name as `lxc cluster list` shows it, e.g. node4"},"force":{"description":"For a member that is down: drop it from every cluster from a surviving member without cleaning it up (`microcloud remove --force`), and remove its OSDs without MicroCeph's safety checks. What is left on the machine is named in the plan; it must be reinstalled before it can join again. Default false.","type":"boolean","default":false,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"},"evacuate":{"description":"Evacuate the member's LXD instances to the other members first (`lxc cluster evacuate`) and wait; without it a member with instances is refused. Default false.","type":"boolean","default":false,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"}}};
const schema52 = {"type":"object","additionalProperties":false,"required":["channel"],"x-hint":"give the snap a mapping with its channel, e.g. `lxd: {channel: 5.21/stable}`","properties":{"channel":{"description":"The channel the snap tracks on every system, as snapd takes it: `track/risk[/branch]`, a bare track (`5.21` is `5.21/stable`) or a risk (`stable` is `latest/stable`); risks are stable, candidate, beta and edge. MicroCloud's component snaps must use tracks of one MicroCloud release (its compatibility matrix).","type":"string","format":"snap-channel","x-safe-text":"line","x-hint":"write track/risk as `snap info` lists them, e.g. 5.21/stable","examples":["5.21/stable","squid/stable","24.03/stable","2/stable"]},"revision":{"description":"Pin this store revision on every system instead of the channel's current one (MicroCloud's workaround when a cohort does not keep members in step). Cannot be combined with `cohort: true`: snapd refuses a revision together with a cohort key.","type":"integer","minimum":1,"x-hint":"a store revision as `snap list` shows it in the Rev column, e.g. 33110"},"cohort":{"description":"Install and refresh in a cohort (`--cohort=\"+\"`, as MicroCloud's install guide does), so every system gets the same revision of the channel. Default true; false when `revision` is given.","type":"boolean","default":true,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"},"allow_downgrade":{"description":"Allow moving to a lower revision or an older track than a system has (refused otherwise: snapd reverts data only with `snap revert`, and the daemons' databases may not go back). Default false.","type":"boolean","default":false,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"},"hold":{"description":"Hold the snap's refreshes once installed (`snap refresh --hold`: forever, all refreshes, as MicroCloud's guide does), so it changes only when this tool refreshes it. Default true.","type":"boolean","default":true,"x-hint":"write true or false (an extension reads YAML 1.2: yes and no are text)"}}};
const func1 = Object.prototype.hasOwnProperty;
const func2 = __import2.default;
const func3 = __import1.findUnsafeCharacter;
const formats0 = __import0.FORMATS.cidr;
const formats2 = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i;
const formats4 = __import0.FORMATS["ip-address"];
const formats14 = __import0.FORMATS["ipv4-cidr"];
const formats16 = __import0.FORMATS["ipv4-range"];
const formats18 = __import0.FORMATS["ipv6-cidr"];
const formats20 = __import0.FORMATS["ip-list"];
const formats30 = __import0.FORMATS["snap-channel"];
const schema33 = {"type":"object","additionalProperties":false,"required":["name"],"properties":{"name":{"description":"The machine's hostname; must equal its `hostname`. Also its cluster member name.","type":"string","format":"hostname","x-missing":"Missing system name","x-hint":"use the machine's hostname: letters, digits and hyphens, e.g. `node1`"},"address":{"description":"Unicast mode: the machine's MicroCloud address, a static IP on a local interface. Required for every system when `initiator_address` is set; not allowed with `lookup_subnet`.","type":"string","format":"ip-address","examples":["10.0.0.11"]},"ovn_uplink_interface":{"description":"Interface for the OVN uplink: up, with no IP (or a bridge). All systems or none. A name Linux allows: 1 to 15 bytes, not `.` or `..`, without `/`, `:` or whitespace; control, bidirectional-text and zero-width characters are refused too.","type":"string","format":"interface-name","x-safe-text":"line","x-hint":"a Linux interface name as `ip -br link` shows it, e.g. enp2s0","examples":["enp2s0"]},"ovn_underlay_ip":{"description":"Geneve encapsulation IP (MicroOVN `ovn-encap-ip`); must be an address of an interface of this system. All systems or none.","type":"string","format":"ip-address","examples":["10.0.2.11"]},"storage":{"description":"Disks of this system chosen explicitly.","type":"object","additionalProperties":false,"properties":{"local":{"description":"The one disk for the local ZFS pool `local`. All systems or none (filters may cover the rest).","$ref":"#/$defs/directStorage"},"ceph":{"description":"Disks to add as Ceph OSDs.","type":"array","items":{"$ref":"#/$defs/directStorage"}}}},"ssh":{"description":"microcloud-apply extension: how to reach this system over SSH. Overrides the top-level `ssh` defaults.","$ref":"#/$defs/sshSystem","x-extension":true}}};
const schema34 = {"type":"object","additionalProperties":false,"required":["path"],"properties":{"path":{"description":"The disk's device path, which MicroCloud passes on to LXD or MicroCeph as written: prefer /dev/disk/by-id/… which never changes. MicroCloud's reader takes any text here (its tests use `def`); the plan refuses, before any change, a path that is not one of the machine's disks (/dev/<name>, /dev/disk/by-id/…, /dev/disk/by-path/…). Whitespace, control, bidirectional-text and zero-width characters are refused.","type":"string","pattern":"^\\S+$","x-safe-text":"line","x-hint":"use a device path such as /dev/disk/by-id/wwn-0x5000c500a1b2c3d4","examples":["/dev/disk/by-id/nvme-SAMSUNG_MZ1L23T8_S2"]},"wipe":{"description":"Wipe the disk before use. Destroys its data.","type":"boolean","default":false},"encrypt":{"description":"Encrypt the OSD (Ceph only; needs dm-crypt). Ignored for local storage.","type":"boolean","default":false}}};
const formats10 = __import0.FORMATS["interface-name"];
const pattern4 = new RegExp("^\\S+$", "u");
const schema36 = {"type":"object","additionalProperties":false,"properties":{"host":{"description":"Host name or IP to connect to. Default: the system's `address`, else its `name`.","type":"string","pattern":"^[^\\s@]+$","x-safe-text":"line","x-hint":"a host name or IP address, without `user@` (use `user`)"},"port":{"$ref":"#/$defs/sshPort"},"user":{"$ref":"#/$defs/sshUser"},"identity_file":{"$ref":"#/$defs/sshIdentityFile"},"host_key":{"description":"Pinned host key fingerprint, as `ssh-keygen -lf` prints it. When set, only this key is accepted.","type":"string","pattern":"^SHA256:[A-Za-z0-9+/]{43}$","x-safe-text":"line","x-hint":"copy the SHA256:… field printed by `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine","examples":["SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"]},"known_hosts":{"$ref":"#/$defs/sshKnownHosts"},"jump":{"$ref":"#/$defs/sshJump"}}};
const schema37 = {"description":"SSH port.","type":"integer","minimum":1,"maximum":65535,"default":22};
const schema38 = {"description":"SSH user. A user other than root runs commands through `sudo -n`.","type":"string","pattern":"^[a-z_][a-z0-9_.-]{0,31}\\$?$","default":"root","x-hint":"a POSIX user name such as `root` or `ubuntu`"};
const schema39 = {"description":"Private key file, relative to this file's directory or absolute (`~/` allowed). Default: the SSH agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa.","type":"string","minLength":1};
const schema40 = {"description":"OpenSSH known_hosts file used to verify host keys when no `host_key` is pinned, relative to this file's directory or absolute.","type":"string","minLength":1,"default":"~/.ssh/known_hosts"};
const schema41 = {"description":"Jump host, OpenSSH `-J` style `[user@]host[:port]`. Its host key is verified against `known_hosts`.","type":"string","pattern":"^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$","x-safe-text":"line","x-hint":"write it like OpenSSH's -J: `bastion.example.com`, `admin@bastion:2222` or `[2001:db8::1]:22`","examples":["admin@bastion.example.com:22"]};
const pattern6 = new RegExp("^[^\\s@]+$", "u");
const pattern7 = new RegExp("^[a-z_][a-z0-9_.-]{0,31}\\$?$", "u");
const pattern8 = new RegExp("^SHA256:[A-Za-z0-9+/]{43}$", "u");
const pattern9 = new RegExp("^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$", "u");

function validate23(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate23.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(((((((key0 === "host") || (key0 === "port")) || (key0 === "user")) || (key0 === "identity_file")) || (key0 === "host_key")) || (key0 === "known_hosts")) || (key0 === "jump"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema36,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.host !== undefined){
let data0 = data.host;
if(typeof data0 === "string"){
if(!pattern6.test(data0)){
const err1 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/pattern",keyword:"pattern",params:{pattern: "^[^\\s@]+$"},message:"must match pattern \""+"^[^\\s@]+$"+"\"",schema:"^[^\\s@]+$",parentSchema:schema36.properties.host,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func3(data0, "line") !== null){
const err2 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema36.properties.host,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/host",schemaPath:"#/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema36.properties.host.type,parentSchema:schema36.properties.host,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.port !== undefined){
let data1 = data.port;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err4 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sshPort/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema37.type,parentSchema:schema37,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 65535 || isNaN(data1)){
const err5 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sshPort/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535",schema:65535,parentSchema:schema37,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sshPort/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema37,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
if(data.user !== undefined){
let data2 = data.user;
if(typeof data2 === "string"){
if(!pattern7.test(data2)){
const err7 = {instancePath:instancePath+"/user",schemaPath:"#/$defs/sshUser/pattern",keyword:"pattern",params:{pattern: "^[a-z_][a-z0-9_.-]{0,31}\\$?$"},message:"must match pattern \""+"^[a-z_][a-z0-9_.-]{0,31}\\$?$"+"\"",schema:"^[a-z_][a-z0-9_.-]{0,31}\\$?$",parentSchema:schema38,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/user",schemaPath:"#/$defs/sshUser/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema38.type,parentSchema:schema38,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.identity_file !== undefined){
let data3 = data.identity_file;
if(typeof data3 === "string"){
if(func2(data3) < 1){
const err9 = {instancePath:instancePath+"/identity_file",schemaPath:"#/$defs/sshIdentityFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema39,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/identity_file",schemaPath:"#/$defs/sshIdentityFile/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema39.type,parentSchema:schema39,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.host_key !== undefined){
let data4 = data.host_key;
if(typeof data4 === "string"){
if(!pattern8.test(data4)){
const err11 = {instancePath:instancePath+"/host_key",schemaPath:"#/properties/host_key/pattern",keyword:"pattern",params:{pattern: "^SHA256:[A-Za-z0-9+/]{43}$"},message:"must match pattern \""+"^SHA256:[A-Za-z0-9+/]{43}$"+"\"",schema:"^SHA256:[A-Za-z0-9+/]{43}$",parentSchema:schema36.properties.host_key,data:data4};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(func3(data4, "line") !== null){
const err12 = {instancePath:instancePath+"/host_key",schemaPath:"#/properties/host_key/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema36.properties.host_key,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/host_key",schemaPath:"#/properties/host_key/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema36.properties.host_key.type,parentSchema:schema36.properties.host_key,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.known_hosts !== undefined){
let data5 = data.known_hosts;
if(typeof data5 === "string"){
if(func2(data5) < 1){
const err14 = {instancePath:instancePath+"/known_hosts",schemaPath:"#/$defs/sshKnownHosts/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema40,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/known_hosts",schemaPath:"#/$defs/sshKnownHosts/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema40.type,parentSchema:schema40,data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.jump !== undefined){
let data6 = data.jump;
if(typeof data6 === "string"){
if(!pattern9.test(data6)){
const err16 = {instancePath:instancePath+"/jump",schemaPath:"#/$defs/sshJump/pattern",keyword:"pattern",params:{pattern: "^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$"},message:"must match pattern \""+"^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$"+"\"",schema:"^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$",parentSchema:schema41,data:data6};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(func3(data6, "line") !== null){
const err17 = {instancePath:instancePath+"/jump",schemaPath:"#/$defs/sshJump/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema41,data:data6};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/jump",schemaPath:"#/$defs/sshJump/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema41.type,parentSchema:schema41,data:data6};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema36.type,parentSchema:schema36,data};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
validate23.errors = vErrors;
return errors === 0;
}
validate23.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};


function validate22(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate22.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.name === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema33.required,parentSchema:schema33,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!((((((key0 === "name") || (key0 === "address")) || (key0 === "ovn_uplink_interface")) || (key0 === "ovn_underlay_ip")) || (key0 === "storage")) || (key0 === "ssh"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema33,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.name !== undefined){
let data0 = data.name;
if(typeof data0 === "string"){
if(!(formats2.test(data0))){
const err2 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/format",keyword:"format",params:{format: "hostname"},message:"must match format \""+"hostname"+"\"",schema:"hostname",parentSchema:schema33.properties.name,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema33.properties.name.type,parentSchema:schema33.properties.name,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.address !== undefined){
let data1 = data.address;
if(typeof data1 === "string"){
if(!(formats4.validate(data1))){
const err4 = {instancePath:instancePath+"/address",schemaPath:"#/properties/address/format",keyword:"format",params:{format: "ip-address"},message:"must match format \""+"ip-address"+"\"",schema:"ip-address",parentSchema:schema33.properties.address,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/address",schemaPath:"#/properties/address/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema33.properties.address.type,parentSchema:schema33.properties.address,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.ovn_uplink_interface !== undefined){
let data2 = data.ovn_uplink_interface;
if(typeof data2 === "string"){
if(!(formats10.validate(data2))){
const err6 = {instancePath:instancePath+"/ovn_uplink_interface",schemaPath:"#/properties/ovn_uplink_interface/format",keyword:"format",params:{format: "interface-name"},message:"must match format \""+"interface-name"+"\"",schema:"interface-name",parentSchema:schema33.properties.ovn_uplink_interface,data:data2};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(func3(data2, "line") !== null){
const err7 = {instancePath:instancePath+"/ovn_uplink_interface",schemaPath:"#/properties/ovn_uplink_interface/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema33.properties.ovn_uplink_interface,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/ovn_uplink_interface",schemaPath:"#/properties/ovn_uplink_interface/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema33.properties.ovn_uplink_interface.type,parentSchema:schema33.properties.ovn_uplink_interface,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.ovn_underlay_ip !== undefined){
let data3 = data.ovn_underlay_ip;
if(typeof data3 === "string"){
if(!(formats4.validate(data3))){
const err9 = {instancePath:instancePath+"/ovn_underlay_ip",schemaPath:"#/properties/ovn_underlay_ip/format",keyword:"format",params:{format: "ip-address"},message:"must match format \""+"ip-address"+"\"",schema:"ip-address",parentSchema:schema33.properties.ovn_underlay_ip,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/ovn_underlay_ip",schemaPath:"#/properties/ovn_underlay_ip/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema33.properties.ovn_underlay_ip.type,parentSchema:schema33.properties.ovn_underlay_ip,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.storage !== undefined){
let data4 = data.storage;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key1 in data4){
if(!((key1 === "local") || (key1 === "ceph"))){
const err11 = {instancePath:instancePath+"/storage",schemaPath:"#/properties/storage/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema33.properties.storage,data:data4};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data4.local !== undefined){
let data5 = data4.local;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.wipe === undefined){
data5.wipe = false;
}
if(data5.encrypt === undefined){
data5.encrypt = false;
}
if(data5.path === undefined){
const err12 = {instancePath:instancePath+"/storage/local",schemaPath:"#/$defs/directStorage/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'",schema:schema34.required,parentSchema:schema34,data:data5};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
for(const key2 in data5){
if(!(((key2 === "path") || (key2 === "wipe")) || (key2 === "encrypt"))){
const err13 = {instancePath:instancePath+"/storage/local",schemaPath:"#/$defs/directStorage/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema34,data:data5};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data5.path !== undefined){
let data6 = data5.path;
if(typeof data6 === "string"){
if(!pattern4.test(data6)){
const err14 = {instancePath:instancePath+"/storage/local/path",schemaPath:"#/$defs/directStorage/properties/path/pattern",keyword:"pattern",params:{pattern: "^\\S+$"},message:"must match pattern \""+"^\\S+$"+"\"",schema:"^\\S+$",parentSchema:schema34.properties.path,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(func3(data6, "line") !== null){
const err15 = {instancePath:instancePath+"/storage/local/path",schemaPath:"#/$defs/directStorage/properties/path/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema34.properties.path,data:data6};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/storage/local/path",schemaPath:"#/$defs/directStorage/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema34.properties.path.type,parentSchema:schema34.properties.path,data:data6};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data7 = data5.wipe;
if(typeof data7 !== "boolean"){
const err17 = {instancePath:instancePath+"/storage/local/wipe",schemaPath:"#/$defs/directStorage/properties/wipe/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema34.properties.wipe.type,parentSchema:schema34.properties.wipe,data:data7};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
let data8 = data5.encrypt;
if(typeof data8 !== "boolean"){
const err18 = {instancePath:instancePath+"/storage/local/encrypt",schemaPath:"#/$defs/directStorage/properties/encrypt/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema34.properties.encrypt.type,parentSchema:schema34.properties.encrypt,data:data8};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/storage/local",schemaPath:"#/$defs/directStorage/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema34.type,parentSchema:schema34,data:data5};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data4.ceph !== undefined){
let data9 = data4.ceph;
if(Array.isArray(data9)){
const len0 = data9.length;
for(let i0=0; i0<len0; i0++){
let data10 = data9[i0];
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
if(data10.wipe === undefined){
data10.wipe = false;
}
if(data10.encrypt === undefined){
data10.encrypt = false;
}
if(data10.path === undefined){
const err20 = {instancePath:instancePath+"/storage/ceph/" + i0,schemaPath:"#/$defs/directStorage/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'",schema:schema34.required,parentSchema:schema34,data:data10};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
for(const key3 in data10){
if(!(((key3 === "path") || (key3 === "wipe")) || (key3 === "encrypt"))){
const err21 = {instancePath:instancePath+"/storage/ceph/" + i0,schemaPath:"#/$defs/directStorage/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema34,data:data10};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data10.path !== undefined){
let data11 = data10.path;
if(typeof data11 === "string"){
if(!pattern4.test(data11)){
const err22 = {instancePath:instancePath+"/storage/ceph/" + i0+"/path",schemaPath:"#/$defs/directStorage/properties/path/pattern",keyword:"pattern",params:{pattern: "^\\S+$"},message:"must match pattern \""+"^\\S+$"+"\"",schema:"^\\S+$",parentSchema:schema34.properties.path,data:data11};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(func3(data11, "line") !== null){
const err23 = {instancePath:instancePath+"/storage/ceph/" + i0+"/path",schemaPath:"#/$defs/directStorage/properties/path/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema34.properties.path,data:data11};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/storage/ceph/" + i0+"/path",schemaPath:"#/$defs/directStorage/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema34.properties.path.type,parentSchema:schema34.properties.path,data:data11};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
let data12 = data10.wipe;
if(typeof data12 !== "boolean"){
const err25 = {instancePath:instancePath+"/storage/ceph/" + i0+"/wipe",schemaPath:"#/$defs/directStorage/properties/wipe/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema34.properties.wipe.type,parentSchema:schema34.properties.wipe,data:data12};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
let data13 = data10.encrypt;
if(typeof data13 !== "boolean"){
const err26 = {instancePath:instancePath+"/storage/ceph/" + i0+"/encrypt",schemaPath:"#/$defs/directStorage/properties/encrypt/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema34.properties.encrypt.type,parentSchema:schema34.properties.encrypt,data:data13};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/storage/ceph/" + i0,schemaPath:"#/$defs/directStorage/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema34.type,parentSchema:schema34,data:data10};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
}
else {
const err28 = {instancePath:instancePath+"/storage/ceph",schemaPath:"#/properties/storage/properties/ceph/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema33.properties.storage.properties.ceph.type,parentSchema:schema33.properties.storage.properties.ceph,data:data9};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
else {
const err29 = {instancePath:instancePath+"/storage",schemaPath:"#/properties/storage/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema33.properties.storage.type,parentSchema:schema33.properties.storage,data:data4};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.ssh !== undefined){
if(!(validate23(data.ssh, {instancePath:instancePath+"/ssh",parentData:data,parentDataProperty:"ssh",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate23.errors : vErrors.concat(validate23.errors);
errors = vErrors.length;
}
}
}
else {
const err30 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema33.type,parentSchema:schema33,data};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
validate22.errors = vErrors;
return errors === 0;
}
validate22.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const schema44 = {"type":"object","additionalProperties":false,"properties":{"port":{"$ref":"#/$defs/sshPort"},"user":{"$ref":"#/$defs/sshUser"},"identity_file":{"$ref":"#/$defs/sshIdentityFile"},"known_hosts":{"$ref":"#/$defs/sshKnownHosts"},"jump":{"$ref":"#/$defs/sshJump"}}};

function validate26(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
let vErrors = null;
let errors = 0;
const evaluated0 = validate26.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(((((key0 === "port") || (key0 === "user")) || (key0 === "identity_file")) || (key0 === "known_hosts")) || (key0 === "jump"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema44,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.port !== undefined){
let data0 = data.port;
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err1 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sshPort/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema37.type,parentSchema:schema37,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 > 65535 || isNaN(data0)){
const err2 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sshPort/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535",schema:65535,parentSchema:schema37,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data0 < 1 || isNaN(data0)){
const err3 = {instancePath:instancePath+"/port",schemaPath:"#/$defs/sshPort/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema37,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
if(data.user !== undefined){
let data1 = data.user;
if(typeof data1 === "string"){
if(!pattern7.test(data1)){
const err4 = {instancePath:instancePath+"/user",schemaPath:"#/$defs/sshUser/pattern",keyword:"pattern",params:{pattern: "^[a-z_][a-z0-9_.-]{0,31}\\$?$"},message:"must match pattern \""+"^[a-z_][a-z0-9_.-]{0,31}\\$?$"+"\"",schema:"^[a-z_][a-z0-9_.-]{0,31}\\$?$",parentSchema:schema38,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/user",schemaPath:"#/$defs/sshUser/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema38.type,parentSchema:schema38,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.identity_file !== undefined){
let data2 = data.identity_file;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err6 = {instancePath:instancePath+"/identity_file",schemaPath:"#/$defs/sshIdentityFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema39,data:data2};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/identity_file",schemaPath:"#/$defs/sshIdentityFile/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema39.type,parentSchema:schema39,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.known_hosts !== undefined){
let data3 = data.known_hosts;
if(typeof data3 === "string"){
if(func2(data3) < 1){
const err8 = {instancePath:instancePath+"/known_hosts",schemaPath:"#/$defs/sshKnownHosts/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema40,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/known_hosts",schemaPath:"#/$defs/sshKnownHosts/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema40.type,parentSchema:schema40,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.jump !== undefined){
let data4 = data.jump;
if(typeof data4 === "string"){
if(!pattern9.test(data4)){
const err10 = {instancePath:instancePath+"/jump",schemaPath:"#/$defs/sshJump/pattern",keyword:"pattern",params:{pattern: "^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$"},message:"must match pattern \""+"^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$"+"\"",schema:"^(?:[a-z_][a-z0-9_.-]{0,31}@)?(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s@:\\[\\]]+)(?::[0-9]{1,5})?$",parentSchema:schema41,data:data4};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(func3(data4, "line") !== null){
const err11 = {instancePath:instancePath+"/jump",schemaPath:"#/$defs/sshJump/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema41,data:data4};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/jump",schemaPath:"#/$defs/sshJump/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema41.type,parentSchema:schema41,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
else {
const err13 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema44.type,parentSchema:schema44,data};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
validate26.errors = vErrors;
return errors === 0;
}
validate26.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

const pattern12 = new RegExp("^[a-z0-9_-]+(\\.[a-z0-9_-]+)+$", "u");

function validate21(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="https://github.com/microcloud-apply/microcloud-apply/schemas/preseed.schema.json" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate21.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.lookup_timeout === undefined){
data.lookup_timeout = 60;
}
if(data.session_timeout === undefined){
data.session_timeout = 3600;
}
if(data.systems === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "systems"},message:"must have required property '"+"systems"+"'",schema:schema32.required,parentSchema:schema32,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func1.call(schema32.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema32,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.lookup_subnet !== undefined){
let data0 = data.lookup_subnet;
if(typeof data0 === "string"){
if(!(formats0.validate(data0))){
const err2 = {instancePath:instancePath+"/lookup_subnet",schemaPath:"#/properties/lookup_subnet/format",keyword:"format",params:{format: "cidr"},message:"must match format \""+"cidr"+"\"",schema:"cidr",parentSchema:schema32.properties.lookup_subnet,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/lookup_subnet",schemaPath:"#/properties/lookup_subnet/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.lookup_subnet.type,parentSchema:schema32.properties.lookup_subnet,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
let data1 = data.lookup_timeout;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err4 = {instancePath:instancePath+"/lookup_timeout",schemaPath:"#/properties/lookup_timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema32.properties.lookup_timeout.type,parentSchema:schema32.properties.lookup_timeout,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.session_passphrase !== undefined){
let data2 = data.session_passphrase;
if(typeof data2 === "string"){
if(func2(data2) < 1){
const err5 = {instancePath:instancePath+"/session_passphrase",schemaPath:"#/properties/session_passphrase/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema32.properties.session_passphrase,data:data2};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/session_passphrase",schemaPath:"#/properties/session_passphrase/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.session_passphrase.type,parentSchema:schema32.properties.session_passphrase,data:data2};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
let data3 = data.session_timeout;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err7 = {instancePath:instancePath+"/session_timeout",schemaPath:"#/properties/session_timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema32.properties.session_timeout.type,parentSchema:schema32.properties.session_timeout,data:data3};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 3600 || isNaN(data3)){
const err8 = {instancePath:instancePath+"/session_timeout",schemaPath:"#/properties/session_timeout/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600},message:"must be <= 3600",schema:3600,parentSchema:schema32.properties.session_timeout,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.initiator !== undefined){
let data4 = data.initiator;
if(typeof data4 === "string"){
if(!(formats2.test(data4))){
const err9 = {instancePath:instancePath+"/initiator",schemaPath:"#/properties/initiator/format",keyword:"format",params:{format: "hostname"},message:"must match format \""+"hostname"+"\"",schema:"hostname",parentSchema:schema32.properties.initiator,data:data4};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/initiator",schemaPath:"#/properties/initiator/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.initiator.type,parentSchema:schema32.properties.initiator,data:data4};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.initiator_address !== undefined){
let data5 = data.initiator_address;
if(typeof data5 === "string"){
if(!(formats4.validate(data5))){
const err11 = {instancePath:instancePath+"/initiator_address",schemaPath:"#/properties/initiator_address/format",keyword:"format",params:{format: "ip-address"},message:"must match format \""+"ip-address"+"\"",schema:"ip-address",parentSchema:schema32.properties.initiator_address,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/initiator_address",schemaPath:"#/properties/initiator_address/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.initiator_address.type,parentSchema:schema32.properties.initiator_address,data:data5};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.systems !== undefined){
let data6 = data.systems;
if(Array.isArray(data6)){
if(data6.length < 1){
const err13 = {instancePath:instancePath+"/systems",schemaPath:"#/properties/systems/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema32.properties.systems,data:data6};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
const len0 = data6.length;
for(let i0=0; i0<len0; i0++){
if(!(validate22(data6[i0], {instancePath:instancePath+"/systems/" + i0,parentData:data6,parentDataProperty:i0,rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate22.errors : vErrors.concat(validate22.errors);
errors = vErrors.length;
}
}
}
else {
const err14 = {instancePath:instancePath+"/systems",schemaPath:"#/properties/systems/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema32.properties.systems.type,parentSchema:schema32.properties.systems,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.ovn !== undefined){
let data8 = data.ovn;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
for(const key1 in data8){
if(!((((key1 === "ipv4_gateway") || (key1 === "ipv4_range")) || (key1 === "ipv6_gateway")) || (key1 === "dns_servers"))){
const err15 = {instancePath:instancePath+"/ovn",schemaPath:"#/properties/ovn/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema32.properties.ovn,data:data8};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data8.ipv4_gateway !== undefined){
let data9 = data8.ipv4_gateway;
if(typeof data9 === "string"){
if(!(formats14.validate(data9))){
const err16 = {instancePath:instancePath+"/ovn/ipv4_gateway",schemaPath:"#/properties/ovn/properties/ipv4_gateway/format",keyword:"format",params:{format: "ipv4-cidr"},message:"must match format \""+"ipv4-cidr"+"\"",schema:"ipv4-cidr",parentSchema:schema32.properties.ovn.properties.ipv4_gateway,data:data9};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/ovn/ipv4_gateway",schemaPath:"#/properties/ovn/properties/ipv4_gateway/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.ovn.properties.ipv4_gateway.type,parentSchema:schema32.properties.ovn.properties.ipv4_gateway,data:data9};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data8.ipv4_range !== undefined){
let data10 = data8.ipv4_range;
if(typeof data10 === "string"){
if(!(formats16.validate(data10))){
const err18 = {instancePath:instancePath+"/ovn/ipv4_range",schemaPath:"#/properties/ovn/properties/ipv4_range/format",keyword:"format",params:{format: "ipv4-range"},message:"must match format \""+"ipv4-range"+"\"",schema:"ipv4-range",parentSchema:schema32.properties.ovn.properties.ipv4_range,data:data10};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/ovn/ipv4_range",schemaPath:"#/properties/ovn/properties/ipv4_range/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.ovn.properties.ipv4_range.type,parentSchema:schema32.properties.ovn.properties.ipv4_range,data:data10};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data8.ipv6_gateway !== undefined){
let data11 = data8.ipv6_gateway;
if(typeof data11 === "string"){
if(!(formats18.validate(data11))){
const err20 = {instancePath:instancePath+"/ovn/ipv6_gateway",schemaPath:"#/properties/ovn/properties/ipv6_gateway/format",keyword:"format",params:{format: "ipv6-cidr"},message:"must match format \""+"ipv6-cidr"+"\"",schema:"ipv6-cidr",parentSchema:schema32.properties.ovn.properties.ipv6_gateway,data:data11};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/ovn/ipv6_gateway",schemaPath:"#/properties/ovn/properties/ipv6_gateway/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.ovn.properties.ipv6_gateway.type,parentSchema:schema32.properties.ovn.properties.ipv6_gateway,data:data11};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data8.dns_servers !== undefined){
let data12 = data8.dns_servers;
if(typeof data12 === "string"){
if(!(formats20.validate(data12))){
const err22 = {instancePath:instancePath+"/ovn/dns_servers",schemaPath:"#/properties/ovn/properties/dns_servers/format",keyword:"format",params:{format: "ip-list"},message:"must match format \""+"ip-list"+"\"",schema:"ip-list",parentSchema:schema32.properties.ovn.properties.dns_servers,data:data12};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/ovn/dns_servers",schemaPath:"#/properties/ovn/properties/dns_servers/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.ovn.properties.dns_servers.type,parentSchema:schema32.properties.ovn.properties.dns_servers,data:data12};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
else {
const err24 = {instancePath:instancePath+"/ovn",schemaPath:"#/properties/ovn/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema32.properties.ovn.type,parentSchema:schema32.properties.ovn,data:data8};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.ceph !== undefined){
let data13 = data.ceph;
if(data13 && typeof data13 == "object" && !Array.isArray(data13)){
if(data13.cephfs === undefined){
data13.cephfs = false;
}
for(const key2 in data13){
if(!(((key2 === "cephfs") || (key2 === "internal_network")) || (key2 === "public_network"))){
const err25 = {instancePath:instancePath+"/ceph",schemaPath:"#/properties/ceph/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema32.properties.ceph,data:data13};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
let data14 = data13.cephfs;
if(typeof data14 !== "boolean"){
const err26 = {instancePath:instancePath+"/ceph/cephfs",schemaPath:"#/properties/ceph/properties/cephfs/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema32.properties.ceph.properties.cephfs.type,parentSchema:schema32.properties.ceph.properties.cephfs,data:data14};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if(data13.internal_network !== undefined){
let data15 = data13.internal_network;
if(typeof data15 === "string"){
if(!(formats0.validate(data15))){
const err27 = {instancePath:instancePath+"/ceph/internal_network",schemaPath:"#/properties/ceph/properties/internal_network/format",keyword:"format",params:{format: "cidr"},message:"must match format \""+"cidr"+"\"",schema:"cidr",parentSchema:schema32.properties.ceph.properties.internal_network,data:data15};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
else {
const err28 = {instancePath:instancePath+"/ceph/internal_network",schemaPath:"#/properties/ceph/properties/internal_network/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.ceph.properties.internal_network.type,parentSchema:schema32.properties.ceph.properties.internal_network,data:data15};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data13.public_network !== undefined){
let data16 = data13.public_network;
if(typeof data16 === "string"){
if(!(formats0.validate(data16))){
const err29 = {instancePath:instancePath+"/ceph/public_network",schemaPath:"#/properties/ceph/properties/public_network/format",keyword:"format",params:{format: "cidr"},message:"must match format \""+"cidr"+"\"",schema:"cidr",parentSchema:schema32.properties.ceph.properties.public_network,data:data16};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
else {
const err30 = {instancePath:instancePath+"/ceph/public_network",schemaPath:"#/properties/ceph/properties/public_network/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.properties.ceph.properties.public_network.type,parentSchema:schema32.properties.ceph.properties.public_network,data:data16};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
else {
const err31 = {instancePath:instancePath+"/ceph",schemaPath:"#/properties/ceph/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema32.properties.ceph.type,parentSchema:schema32.properties.ceph,data:data13};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data.storage !== undefined){
let data17 = data.storage;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
for(const key3 in data17){
if(!((key3 === "local") || (key3 === "ceph"))){
const err32 = {instancePath:instancePath+"/storage",schemaPath:"#/properties/storage/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema32.properties.storage,data:data17};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data17.local !== undefined){
let data18 = data17.local;
if(Array.isArray(data18)){
const len1 = data18.length;
for(let i1=0; i1<len1; i1++){
let data19 = data18[i1];
if(data19 && typeof data19 == "object" && !Array.isArray(data19)){
if(data19.find_min === undefined){
data19.find_min = 0;
}
if(data19.find_max === undefined){
data19.find_max = 0;
}
if(data19.wipe === undefined){
data19.wipe = false;
}
if(data19.encrypt === undefined){
data19.encrypt = false;
}
for(const key4 in data19){
if(!(((((key4 === "find") || (key4 === "find_min")) || (key4 === "find_max")) || (key4 === "wipe")) || (key4 === "encrypt"))){
const err33 = {instancePath:instancePath+"/storage/local/" + i1,schemaPath:"#/$defs/diskFilter/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema42,data:data19};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data19.find !== undefined){
let data20 = data19.find;
if(typeof data20 !== "string"){
const err34 = {instancePath:instancePath+"/storage/local/" + i1+"/find",schemaPath:"#/$defs/diskFilter/properties/find/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema42.properties.find.type,parentSchema:schema42.properties.find,data:data20};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
let data21 = data19.find_min;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err35 = {instancePath:instancePath+"/storage/local/" + i1+"/find_min",schemaPath:"#/$defs/diskFilter/properties/find_min/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema42.properties.find_min.type,parentSchema:schema42.properties.find_min,data:data21};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 < 0 || isNaN(data21)){
const err36 = {instancePath:instancePath+"/storage/local/" + i1+"/find_min",schemaPath:"#/$defs/diskFilter/properties/find_min/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema42.properties.find_min,data:data21};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
let data22 = data19.find_max;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err37 = {instancePath:instancePath+"/storage/local/" + i1+"/find_max",schemaPath:"#/$defs/diskFilter/properties/find_max/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema42.properties.find_max.type,parentSchema:schema42.properties.find_max,data:data22};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 < 0 || isNaN(data22)){
const err38 = {instancePath:instancePath+"/storage/local/" + i1+"/find_max",schemaPath:"#/$defs/diskFilter/properties/find_max/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema42.properties.find_max,data:data22};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
let data23 = data19.wipe;
if(typeof data23 !== "boolean"){
const err39 = {instancePath:instancePath+"/storage/local/" + i1+"/wipe",schemaPath:"#/$defs/diskFilter/properties/wipe/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema42.properties.wipe.type,parentSchema:schema42.properties.wipe,data:data23};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
let data24 = data19.encrypt;
if(typeof data24 !== "boolean"){
const err40 = {instancePath:instancePath+"/storage/local/" + i1+"/encrypt",schemaPath:"#/$defs/diskFilter/properties/encrypt/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema42.properties.encrypt.type,parentSchema:schema42.properties.encrypt,data:data24};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
else {
const err41 = {instancePath:instancePath+"/storage/local/" + i1,schemaPath:"#/$defs/diskFilter/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema42.type,parentSchema:schema42,data:data19};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
}
else {
const err42 = {instancePath:instancePath+"/storage/local",schemaPath:"#/properties/storage/properties/local/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema32.properties.storage.properties.local.type,parentSchema:schema32.properties.storage.properties.local,data:data18};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
if(data17.ceph !== undefined){
let data25 = data17.ceph;
if(Array.isArray(data25)){
const len2 = data25.length;
for(let i2=0; i2<len2; i2++){
let data26 = data25[i2];
if(data26 && typeof data26 == "object" && !Array.isArray(data26)){
if(data26.find_min === undefined){
data26.find_min = 0;
}
if(data26.find_max === undefined){
data26.find_max = 0;
}
if(data26.wipe === undefined){
data26.wipe = false;
}
if(data26.encrypt === undefined){
data26.encrypt = false;
}
for(const key5 in data26){
if(!(((((key5 === "find") || (key5 === "find_min")) || (key5 === "find_max")) || (key5 === "wipe")) || (key5 === "encrypt"))){
const err43 = {instancePath:instancePath+"/storage/ceph/" + i2,schemaPath:"#/$defs/diskFilter/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema42,data:data26};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data26.find !== undefined){
let data27 = data26.find;
if(typeof data27 !== "string"){
const err44 = {instancePath:instancePath+"/storage/ceph/" + i2+"/find",schemaPath:"#/$defs/diskFilter/properties/find/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema42.properties.find.type,parentSchema:schema42.properties.find,data:data27};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
let data28 = data26.find_min;
if(!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))){
const err45 = {instancePath:instancePath+"/storage/ceph/" + i2+"/find_min",schemaPath:"#/$defs/diskFilter/properties/find_min/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema42.properties.find_min.type,parentSchema:schema42.properties.find_min,data:data28};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 < 0 || isNaN(data28)){
const err46 = {instancePath:instancePath+"/storage/ceph/" + i2+"/find_min",schemaPath:"#/$defs/diskFilter/properties/find_min/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema42.properties.find_min,data:data28};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
let data29 = data26.find_max;
if(!(((typeof data29 == "number") && (!(data29 % 1) && !isNaN(data29))) && (isFinite(data29)))){
const err47 = {instancePath:instancePath+"/storage/ceph/" + i2+"/find_max",schemaPath:"#/$defs/diskFilter/properties/find_max/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema42.properties.find_max.type,parentSchema:schema42.properties.find_max,data:data29};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 < 0 || isNaN(data29)){
const err48 = {instancePath:instancePath+"/storage/ceph/" + i2+"/find_max",schemaPath:"#/$defs/diskFilter/properties/find_max/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema42.properties.find_max,data:data29};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
let data30 = data26.wipe;
if(typeof data30 !== "boolean"){
const err49 = {instancePath:instancePath+"/storage/ceph/" + i2+"/wipe",schemaPath:"#/$defs/diskFilter/properties/wipe/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema42.properties.wipe.type,parentSchema:schema42.properties.wipe,data:data30};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
let data31 = data26.encrypt;
if(typeof data31 !== "boolean"){
const err50 = {instancePath:instancePath+"/storage/ceph/" + i2+"/encrypt",schemaPath:"#/$defs/diskFilter/properties/encrypt/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema42.properties.encrypt.type,parentSchema:schema42.properties.encrypt,data:data31};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
else {
const err51 = {instancePath:instancePath+"/storage/ceph/" + i2,schemaPath:"#/$defs/diskFilter/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema42.type,parentSchema:schema42,data:data26};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
}
else {
const err52 = {instancePath:instancePath+"/storage/ceph",schemaPath:"#/properties/storage/properties/ceph/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema32.properties.storage.properties.ceph.type,parentSchema:schema32.properties.storage.properties.ceph,data:data25};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
}
else {
const err53 = {instancePath:instancePath+"/storage",schemaPath:"#/properties/storage/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema32.properties.storage.type,parentSchema:schema32.properties.storage,data:data17};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
if(data.ssh !== undefined){
if(!(validate26(data.ssh, {instancePath:instancePath+"/ssh",parentData:data,parentDataProperty:"ssh",rootData,dynamicAnchors}))){
vErrors = vErrors === null ? validate26.errors : vErrors.concat(validate26.errors);
errors = vErrors.length;
}
}
if(data.lxd !== undefined){
let data33 = data.lxd;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
for(const key6 in data33){
if(!(key6 === "config")){
const err54 = {instancePath:instancePath+"/lxd",schemaPath:"#/properties/lxd/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties",schema:false,parentSchema:schema32.properties.lxd,data:data33};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
if(data33.config !== undefined){
let data34 = data33.config;
if(data34 && typeof data34 == "object" && !Array.isArray(data34)){
for(const key7 in data34){
const _errs84 = errors;
if(typeof key7 === "string"){
if(!pattern12.test(key7)){
const err55 = {instancePath:instancePath+"/lxd/config",schemaPath:"#/properties/lxd/properties/config/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9_-]+(\\.[a-z0-9_-]+)+$"},message:"must match pattern \""+"^[a-z0-9_-]+(\\.[a-z0-9_-]+)+$"+"\"",schema:"^[a-z0-9_-]+(\\.[a-z0-9_-]+)+$",parentSchema:schema32.properties.lxd.properties.config.propertyNames,data:key7,propertyName:key7};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
var valid15 = _errs84 === errors;
if(!valid15){
const err56 = {instancePath:instancePath+"/lxd/config",schemaPath:"#/properties/lxd/properties/config/propertyNames",keyword:"propertyNames",params:{propertyName: key7},message:"property name must be valid",schema:schema32.properties.lxd.properties.config.propertyNames,parentSchema:schema32.properties.lxd.properties.config,data:data34};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
for(const key8 in data34){
let data35 = data34[key8];
if(((typeof data35 !== "string") && (typeof data35 !== "boolean")) && (!(((typeof data35 == "number") && (!(data35 % 1) && !isNaN(data35))) && (isFinite(data35))))){
const err57 = {instancePath:instancePath+"/lxd/config/" + key8.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/lxdConfigValue/type",keyword:"type",params:{type: schema50.type},message:"must be string,boolean,integer",schema:schema50.type,parentSchema:schema50,data:data35};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(typeof data35 === "string"){
if(func3(data35, "text") !== null){
const err58 = {instancePath:instancePath+"/lxd/config/" + key8.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/$defs/lxdConfigValue/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"text",parentSchema:schema50,data:data35};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
}
}
else {
const err59 = {instancePath:instancePath+"/lxd/config",schemaPath:"#/properties/lxd/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema32.properties.lxd.properties.config.type,parentSchema:schema32.properties.lxd.properties.config,data:data34};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
}
else {
const err60 = {instancePath:instancePath+"/lxd",schemaPath:"#/properties/lxd/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema32.properties.lxd.type,parentSchema:schema32.properties.lxd,data:data33};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data.remove !== undefined){
let data36 = data.remove;
if(Array.isArray(data36)){
const len3 = data36.length;
for(let i3=0; i3<len3; i3++){
let data37 = data36[i3];
if((typeof data37 !== "string") && (!(data37 && typeof data37 == "object" && !Array.isArray(data37)))){
const err61 = {instancePath:instancePath+"/remove/" + i3,schemaPath:"#/$defs/removal/type",keyword:"type",params:{type: schema51.type},message:"must be string,object",schema:schema51.type,parentSchema:schema51,data:data37};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(typeof data37 === "string"){
if(!(formats2.test(data37))){
const err62 = {instancePath:instancePath+"/remove/" + i3,schemaPath:"#/$defs/removal/format",keyword:"format",params:{format: "hostname"},message:"must match format \""+"hostname"+"\"",schema:"hostname",parentSchema:schema51,data:data37};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data37 && typeof data37 == "object" && !Array.isArray(data37)){
if(data37.force === undefined){
data37.force = false;
}
if(data37.evacuate === undefined){
data37.evacuate = false;
}
if(data37.name === undefined){
const err63 = {instancePath:instancePath+"/remove/" + i3,schemaPath:"#/$defs/removal/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema51.required,parentSchema:schema51,data:data37};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
for(const key9 in data37){
if(!(((key9 === "name") || (key9 === "force")) || (key9 === "evacuate"))){
const err64 = {instancePath:instancePath+"/remove/" + i3,schemaPath:"#/$defs/removal/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties",schema:false,parentSchema:schema51,data:data37};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
if(data37.name !== undefined){
let data38 = data37.name;
if(typeof data38 === "string"){
if(!(formats2.test(data38))){
const err65 = {instancePath:instancePath+"/remove/" + i3+"/name",schemaPath:"#/$defs/removal/properties/name/format",keyword:"format",params:{format: "hostname"},message:"must match format \""+"hostname"+"\"",schema:"hostname",parentSchema:schema51.properties.name,data:data38};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
else {
const err66 = {instancePath:instancePath+"/remove/" + i3+"/name",schemaPath:"#/$defs/removal/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema51.properties.name.type,parentSchema:schema51.properties.name,data:data38};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
let data39 = data37.force;
if(typeof data39 !== "boolean"){
const err67 = {instancePath:instancePath+"/remove/" + i3+"/force",schemaPath:"#/$defs/removal/properties/force/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema51.properties.force.type,parentSchema:schema51.properties.force,data:data39};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
let data40 = data37.evacuate;
if(typeof data40 !== "boolean"){
const err68 = {instancePath:instancePath+"/remove/" + i3+"/evacuate",schemaPath:"#/$defs/removal/properties/evacuate/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema51.properties.evacuate.type,parentSchema:schema51.properties.evacuate,data:data40};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
}
}
else {
const err69 = {instancePath:instancePath+"/remove",schemaPath:"#/properties/remove/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema32.properties.remove.type,parentSchema:schema32.properties.remove,data:data36};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
if(data.snaps !== undefined){
let data41 = data.snaps;
if(data41 && typeof data41 == "object" && !Array.isArray(data41)){
for(const key10 in data41){
if(!((((key10 === "lxd") || (key10 === "microceph")) || (key10 === "microovn")) || (key10 === "microcloud"))){
const err70 = {instancePath:instancePath+"/snaps",schemaPath:"#/properties/snaps/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties",schema:false,parentSchema:schema32.properties.snaps,data:data41};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data41.lxd !== undefined){
let data42 = data41.lxd;
if(data42 && typeof data42 == "object" && !Array.isArray(data42)){
if(data42.cohort === undefined){
data42.cohort = true;
}
if(data42.allow_downgrade === undefined){
data42.allow_downgrade = false;
}
if(data42.hold === undefined){
data42.hold = true;
}
if(data42.channel === undefined){
const err71 = {instancePath:instancePath+"/snaps/lxd",schemaPath:"#/$defs/snap/required",keyword:"required",params:{missingProperty: "channel"},message:"must have required property '"+"channel"+"'",schema:schema52.required,parentSchema:schema52,data:data42};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
for(const key11 in data42){
if(!(((((key11 === "channel") || (key11 === "revision")) || (key11 === "cohort")) || (key11 === "allow_downgrade")) || (key11 === "hold"))){
const err72 = {instancePath:instancePath+"/snaps/lxd",schemaPath:"#/$defs/snap/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key11},message:"must NOT have additional properties",schema:false,parentSchema:schema52,data:data42};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data42.channel !== undefined){
let data43 = data42.channel;
if(typeof data43 === "string"){
if(!(formats30.validate(data43))){
const err73 = {instancePath:instancePath+"/snaps/lxd/channel",schemaPath:"#/$defs/snap/properties/channel/format",keyword:"format",params:{format: "snap-channel"},message:"must match format \""+"snap-channel"+"\"",schema:"snap-channel",parentSchema:schema52.properties.channel,data:data43};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
if(func3(data43, "line") !== null){
const err74 = {instancePath:instancePath+"/snaps/lxd/channel",schemaPath:"#/$defs/snap/properties/channel/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema52.properties.channel,data:data43};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/snaps/lxd/channel",schemaPath:"#/$defs/snap/properties/channel/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema52.properties.channel.type,parentSchema:schema52.properties.channel,data:data43};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
if(data42.revision !== undefined){
let data44 = data42.revision;
if(!(((typeof data44 == "number") && (!(data44 % 1) && !isNaN(data44))) && (isFinite(data44)))){
const err76 = {instancePath:instancePath+"/snaps/lxd/revision",schemaPath:"#/$defs/snap/properties/revision/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema52.properties.revision.type,parentSchema:schema52.properties.revision,data:data44};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
if((typeof data44 == "number") && (isFinite(data44))){
if(data44 < 1 || isNaN(data44)){
const err77 = {instancePath:instancePath+"/snaps/lxd/revision",schemaPath:"#/$defs/snap/properties/revision/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema52.properties.revision,data:data44};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
}
let data45 = data42.cohort;
if(typeof data45 !== "boolean"){
const err78 = {instancePath:instancePath+"/snaps/lxd/cohort",schemaPath:"#/$defs/snap/properties/cohort/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.cohort.type,parentSchema:schema52.properties.cohort,data:data45};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
let data46 = data42.allow_downgrade;
if(typeof data46 !== "boolean"){
const err79 = {instancePath:instancePath+"/snaps/lxd/allow_downgrade",schemaPath:"#/$defs/snap/properties/allow_downgrade/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.allow_downgrade.type,parentSchema:schema52.properties.allow_downgrade,data:data46};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
let data47 = data42.hold;
if(typeof data47 !== "boolean"){
const err80 = {instancePath:instancePath+"/snaps/lxd/hold",schemaPath:"#/$defs/snap/properties/hold/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.hold.type,parentSchema:schema52.properties.hold,data:data47};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
else {
const err81 = {instancePath:instancePath+"/snaps/lxd",schemaPath:"#/$defs/snap/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema52.type,parentSchema:schema52,data:data42};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
if(data41.microceph !== undefined){
let data48 = data41.microceph;
if(data48 && typeof data48 == "object" && !Array.isArray(data48)){
if(data48.cohort === undefined){
data48.cohort = true;
}
if(data48.allow_downgrade === undefined){
data48.allow_downgrade = false;
}
if(data48.hold === undefined){
data48.hold = true;
}
if(data48.channel === undefined){
const err82 = {instancePath:instancePath+"/snaps/microceph",schemaPath:"#/$defs/snap/required",keyword:"required",params:{missingProperty: "channel"},message:"must have required property '"+"channel"+"'",schema:schema52.required,parentSchema:schema52,data:data48};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
for(const key12 in data48){
if(!(((((key12 === "channel") || (key12 === "revision")) || (key12 === "cohort")) || (key12 === "allow_downgrade")) || (key12 === "hold"))){
const err83 = {instancePath:instancePath+"/snaps/microceph",schemaPath:"#/$defs/snap/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key12},message:"must NOT have additional properties",schema:false,parentSchema:schema52,data:data48};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
if(data48.channel !== undefined){
let data49 = data48.channel;
if(typeof data49 === "string"){
if(!(formats30.validate(data49))){
const err84 = {instancePath:instancePath+"/snaps/microceph/channel",schemaPath:"#/$defs/snap/properties/channel/format",keyword:"format",params:{format: "snap-channel"},message:"must match format \""+"snap-channel"+"\"",schema:"snap-channel",parentSchema:schema52.properties.channel,data:data49};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
if(func3(data49, "line") !== null){
const err85 = {instancePath:instancePath+"/snaps/microceph/channel",schemaPath:"#/$defs/snap/properties/channel/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema52.properties.channel,data:data49};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
else {
const err86 = {instancePath:instancePath+"/snaps/microceph/channel",schemaPath:"#/$defs/snap/properties/channel/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema52.properties.channel.type,parentSchema:schema52.properties.channel,data:data49};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
if(data48.revision !== undefined){
let data50 = data48.revision;
if(!(((typeof data50 == "number") && (!(data50 % 1) && !isNaN(data50))) && (isFinite(data50)))){
const err87 = {instancePath:instancePath+"/snaps/microceph/revision",schemaPath:"#/$defs/snap/properties/revision/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema52.properties.revision.type,parentSchema:schema52.properties.revision,data:data50};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
if((typeof data50 == "number") && (isFinite(data50))){
if(data50 < 1 || isNaN(data50)){
const err88 = {instancePath:instancePath+"/snaps/microceph/revision",schemaPath:"#/$defs/snap/properties/revision/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema52.properties.revision,data:data50};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
}
let data51 = data48.cohort;
if(typeof data51 !== "boolean"){
const err89 = {instancePath:instancePath+"/snaps/microceph/cohort",schemaPath:"#/$defs/snap/properties/cohort/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.cohort.type,parentSchema:schema52.properties.cohort,data:data51};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
let data52 = data48.allow_downgrade;
if(typeof data52 !== "boolean"){
const err90 = {instancePath:instancePath+"/snaps/microceph/allow_downgrade",schemaPath:"#/$defs/snap/properties/allow_downgrade/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.allow_downgrade.type,parentSchema:schema52.properties.allow_downgrade,data:data52};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
let data53 = data48.hold;
if(typeof data53 !== "boolean"){
const err91 = {instancePath:instancePath+"/snaps/microceph/hold",schemaPath:"#/$defs/snap/properties/hold/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.hold.type,parentSchema:schema52.properties.hold,data:data53};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
else {
const err92 = {instancePath:instancePath+"/snaps/microceph",schemaPath:"#/$defs/snap/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema52.type,parentSchema:schema52,data:data48};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
if(data41.microovn !== undefined){
let data54 = data41.microovn;
if(data54 && typeof data54 == "object" && !Array.isArray(data54)){
if(data54.cohort === undefined){
data54.cohort = true;
}
if(data54.allow_downgrade === undefined){
data54.allow_downgrade = false;
}
if(data54.hold === undefined){
data54.hold = true;
}
if(data54.channel === undefined){
const err93 = {instancePath:instancePath+"/snaps/microovn",schemaPath:"#/$defs/snap/required",keyword:"required",params:{missingProperty: "channel"},message:"must have required property '"+"channel"+"'",schema:schema52.required,parentSchema:schema52,data:data54};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
for(const key13 in data54){
if(!(((((key13 === "channel") || (key13 === "revision")) || (key13 === "cohort")) || (key13 === "allow_downgrade")) || (key13 === "hold"))){
const err94 = {instancePath:instancePath+"/snaps/microovn",schemaPath:"#/$defs/snap/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key13},message:"must NOT have additional properties",schema:false,parentSchema:schema52,data:data54};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
}
if(data54.channel !== undefined){
let data55 = data54.channel;
if(typeof data55 === "string"){
if(!(formats30.validate(data55))){
const err95 = {instancePath:instancePath+"/snaps/microovn/channel",schemaPath:"#/$defs/snap/properties/channel/format",keyword:"format",params:{format: "snap-channel"},message:"must match format \""+"snap-channel"+"\"",schema:"snap-channel",parentSchema:schema52.properties.channel,data:data55};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
if(func3(data55, "line") !== null){
const err96 = {instancePath:instancePath+"/snaps/microovn/channel",schemaPath:"#/$defs/snap/properties/channel/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema52.properties.channel,data:data55};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
else {
const err97 = {instancePath:instancePath+"/snaps/microovn/channel",schemaPath:"#/$defs/snap/properties/channel/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema52.properties.channel.type,parentSchema:schema52.properties.channel,data:data55};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
if(data54.revision !== undefined){
let data56 = data54.revision;
if(!(((typeof data56 == "number") && (!(data56 % 1) && !isNaN(data56))) && (isFinite(data56)))){
const err98 = {instancePath:instancePath+"/snaps/microovn/revision",schemaPath:"#/$defs/snap/properties/revision/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema52.properties.revision.type,parentSchema:schema52.properties.revision,data:data56};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
if((typeof data56 == "number") && (isFinite(data56))){
if(data56 < 1 || isNaN(data56)){
const err99 = {instancePath:instancePath+"/snaps/microovn/revision",schemaPath:"#/$defs/snap/properties/revision/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema52.properties.revision,data:data56};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
}
let data57 = data54.cohort;
if(typeof data57 !== "boolean"){
const err100 = {instancePath:instancePath+"/snaps/microovn/cohort",schemaPath:"#/$defs/snap/properties/cohort/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.cohort.type,parentSchema:schema52.properties.cohort,data:data57};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
let data58 = data54.allow_downgrade;
if(typeof data58 !== "boolean"){
const err101 = {instancePath:instancePath+"/snaps/microovn/allow_downgrade",schemaPath:"#/$defs/snap/properties/allow_downgrade/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.allow_downgrade.type,parentSchema:schema52.properties.allow_downgrade,data:data58};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
let data59 = data54.hold;
if(typeof data59 !== "boolean"){
const err102 = {instancePath:instancePath+"/snaps/microovn/hold",schemaPath:"#/$defs/snap/properties/hold/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.hold.type,parentSchema:schema52.properties.hold,data:data59};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
}
else {
const err103 = {instancePath:instancePath+"/snaps/microovn",schemaPath:"#/$defs/snap/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema52.type,parentSchema:schema52,data:data54};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
}
if(data41.microcloud !== undefined){
let data60 = data41.microcloud;
if(data60 && typeof data60 == "object" && !Array.isArray(data60)){
if(data60.cohort === undefined){
data60.cohort = true;
}
if(data60.allow_downgrade === undefined){
data60.allow_downgrade = false;
}
if(data60.hold === undefined){
data60.hold = true;
}
if(data60.channel === undefined){
const err104 = {instancePath:instancePath+"/snaps/microcloud",schemaPath:"#/$defs/snap/required",keyword:"required",params:{missingProperty: "channel"},message:"must have required property '"+"channel"+"'",schema:schema52.required,parentSchema:schema52,data:data60};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
for(const key14 in data60){
if(!(((((key14 === "channel") || (key14 === "revision")) || (key14 === "cohort")) || (key14 === "allow_downgrade")) || (key14 === "hold"))){
const err105 = {instancePath:instancePath+"/snaps/microcloud",schemaPath:"#/$defs/snap/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key14},message:"must NOT have additional properties",schema:false,parentSchema:schema52,data:data60};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
if(data60.channel !== undefined){
let data61 = data60.channel;
if(typeof data61 === "string"){
if(!(formats30.validate(data61))){
const err106 = {instancePath:instancePath+"/snaps/microcloud/channel",schemaPath:"#/$defs/snap/properties/channel/format",keyword:"format",params:{format: "snap-channel"},message:"must match format \""+"snap-channel"+"\"",schema:"snap-channel",parentSchema:schema52.properties.channel,data:data61};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
if(func3(data61, "line") !== null){
const err107 = {instancePath:instancePath+"/snaps/microcloud/channel",schemaPath:"#/$defs/snap/properties/channel/x-safe-text",keyword:"x-safe-text",params:{},message:"must pass \"x-safe-text\" keyword validation",schema:"line",parentSchema:schema52.properties.channel,data:data61};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
else {
const err108 = {instancePath:instancePath+"/snaps/microcloud/channel",schemaPath:"#/$defs/snap/properties/channel/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema52.properties.channel.type,parentSchema:schema52.properties.channel,data:data61};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
if(data60.revision !== undefined){
let data62 = data60.revision;
if(!(((typeof data62 == "number") && (!(data62 % 1) && !isNaN(data62))) && (isFinite(data62)))){
const err109 = {instancePath:instancePath+"/snaps/microcloud/revision",schemaPath:"#/$defs/snap/properties/revision/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema52.properties.revision.type,parentSchema:schema52.properties.revision,data:data62};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
if((typeof data62 == "number") && (isFinite(data62))){
if(data62 < 1 || isNaN(data62)){
const err110 = {instancePath:instancePath+"/snaps/microcloud/revision",schemaPath:"#/$defs/snap/properties/revision/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema52.properties.revision,data:data62};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
}
}
let data63 = data60.cohort;
if(typeof data63 !== "boolean"){
const err111 = {instancePath:instancePath+"/snaps/microcloud/cohort",schemaPath:"#/$defs/snap/properties/cohort/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.cohort.type,parentSchema:schema52.properties.cohort,data:data63};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
let data64 = data60.allow_downgrade;
if(typeof data64 !== "boolean"){
const err112 = {instancePath:instancePath+"/snaps/microcloud/allow_downgrade",schemaPath:"#/$defs/snap/properties/allow_downgrade/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.allow_downgrade.type,parentSchema:schema52.properties.allow_downgrade,data:data64};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
let data65 = data60.hold;
if(typeof data65 !== "boolean"){
const err113 = {instancePath:instancePath+"/snaps/microcloud/hold",schemaPath:"#/$defs/snap/properties/hold/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema52.properties.hold.type,parentSchema:schema52.properties.hold,data:data65};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
}
else {
const err114 = {instancePath:instancePath+"/snaps/microcloud",schemaPath:"#/$defs/snap/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema52.type,parentSchema:schema52,data:data60};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
}
}
else {
const err115 = {instancePath:instancePath+"/snaps",schemaPath:"#/properties/snaps/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema32.properties.snaps.type,parentSchema:schema32.properties.snaps,data:data41};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
}
else {
const err116 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema32.type,parentSchema:schema32,data};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
validate21.errors = vErrors;
return errors === 0;
}
validate21.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};

