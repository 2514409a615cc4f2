#!/usr/bin/env bash
# The real-host lab: N Debian hosts on this machine, each a network namespace with its own
# hostname, OpenSSH sshd (key-only, its own host key), Debian's LXD 5.0.2, Open vSwitch and an OVN
# chassis (userspace datapath), an unused second interface (eth1) for the OVN uplink, and a
# private /var/snap where the lab's simulated MicroCeph and MicroOVN put their control sockets.
# OVN central and a small Ceph (1 mon, 1 mgr, 3 OSDs on sparse files) run in the root namespace.
# Recipe and measurements: ../shared/reference/environment.md. Run as root; lab-down.sh undoes it.
#
#   LAB=/tmp/microcloud-real-lab tests/real/lab-up.sh [N]
#
# Writes $LAB/lab.env (addresses and paths for the tests), $LAB/id_ed25519 (the client key) and
# $LAB/known_hosts (every node's host key, for verification without trust on first use).
set -euo pipefail
N=${1:-3}
L=${LAB:-/tmp/microcloud-real-lab}
HERE=$(cd "$(dirname "$0")" && pwd)
GW=10.99.0.1          # labbr0: management network, SSH, LXD cluster, Ceph, OVN central
UPGW=10.98.0.1        # labup0: the OVN uplink network, reached through each node's eth1
t() { echo "[lab-up $(date +%T.%N | cut -c1-12)] $*"; }

[ "$(id -u)" = 0 ] || { echo "lab-up.sh: must run as root" >&2; exit 1; }
[ "$N" -ge 1 ] && [ "$N" -le 9 ] || { echo "lab-up.sh: 1 to 9 nodes" >&2; exit 1; }
if [ -e "$L/lab.env" ] || ip link show labbr0 >/dev/null 2>&1; then
  echo "lab-up.sh: a lab is already up (run tests/real/lab-down.sh first)" >&2; exit 1
fi
for c in sshd lxd ovn-nbctl ovs-vsctl ceph-mon ceph-osd nft iptables; do
  command -v $c >/dev/null || [ -x /usr/sbin/$c ] || { echo "lab-up.sh: $c is missing (apt-get install: see .ci/run)" >&2; exit 1; }
done

# Anything that fails from here on leaves nothing behind.
trap 'echo "lab-up.sh: failed at line $LINENO; tearing down" >&2; LAB=$L "$HERE/lab-down.sh" >/dev/null 2>&1 || true' ERR

mkdir -p "$L" /run/sshd
ssh-keygen -q -t ed25519 -N '' -C microcloud-real-lab -f "$L/id_ed25519"
: > "$L/known_hosts"

t "networks"
ip link add labbr0 type bridge; ip addr add $GW/24 dev labbr0; ip link set labbr0 up
ip link add labup0 type bridge; ip addr add $UPGW/24 dev labup0; ip link set labup0 up

t "ovn central"
/usr/share/ovn/scripts/ovn-ctl start_northd >/dev/null
ovn-nbctl set-connection ptcp:6641:$GW; ovn-sbctl set-connection ptcp:6642:$GW

t "nodes"
for i in $(seq 1 "$N"); do
  R=$L/node$i; A=10.99.0.1$i
  mkdir -p $R/{lxd,lxdlog,lxdcache,ovs-etc,ovs-log,ovn-lib,ovn-log,ssh,snap,bin}; chmod 711 $R/lxd
  # The snap's `microceph.ceph` is the ceph client pointed at MicroCeph's cluster; here that is the
  # lab's real Ceph (it backs LXD's remote pool). Per node, on the node's PATH.
  printf '#!/bin/sh\nexec /usr/bin/ceph "$@"\n' > $R/bin/microceph.ceph; chmod +x $R/bin/microceph.ceph
  # Likewise `microovn.ovs-vsctl` (export reads the chassis' ovn-encap-ip with it): the node's own OVS.
  printf '#!/bin/sh\nexec /usr/bin/ovs-vsctl "$@"\n' > $R/bin/microovn.ovs-vsctl; chmod +x $R/bin/microovn.ovs-vsctl
  ssh-keygen -q -t ed25519 -N '' -C node$i -f $R/ssh/host_key
  echo "$A $(cut -d' ' -f1,2 $R/ssh/host_key.pub)" >> "$L/known_hosts"
  cp "$L/id_ed25519.pub" $R/ssh/authorized_keys
  # -f must be absolute: sshd re-execs itself from /.
  cat > $R/ssh/sshd_config <<EOF
ListenAddress $A
HostKey $R/ssh/host_key
PidFile $R/ssh/sshd.pid
AuthorizedKeysFile $R/ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowStreamLocalForwarding yes
UsePAM no
StrictModes no
MaxSessions 32
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  ip netns add lab$i
  ip link add vlab$i type veth peer name eth0 netns lab$i
  ip link add vup$i type veth peer name eth1 netns lab$i
  ip link set vlab$i master labbr0 up
  ip link set vup$i master labup0 up
  ip -n lab$i link set lo up; ip -n lab$i link set eth0 up; ip -n lab$i link set eth1 up
  # The node's own /etc/hosts, as on a real machine: its hostname resolves (without it every `sudo`
  # on the node waits ~20 s for DNS, "unable to resolve host node$i").
  printf '127.0.0.1 localhost\n127.0.1.1 node%s\n' $i > $R/hosts
  cat > $R/boot.sh <<EOF
#!/bin/sh
# PID 1 of node$i's mount and UTS namespaces: private /run, LXD, OVS, OVN and snap state.
set -e
hostname node$i
mount -t tmpfs -o mode=755 tmpfs /run; mkdir -p /run/sshd /run/lock
for p in lxd:/var/lib/lxd lxdlog:/var/log/lxd lxdcache:/var/cache/lxd ovs-etc:/etc/openvswitch \
         ovs-log:/var/log/openvswitch ovn-lib:/var/lib/ovn ovn-log:/var/log/ovn snap:/var/snap bin:/usr/local/bin; do
  mkdir -p \${p#*:}; mount --bind $R/\${p%%:*} \${p#*:}; done
mount --bind $R/hosts /etc/hosts
/usr/share/openvswitch/scripts/ovs-ctl start --system-id=node$i --no-mlockall >/dev/null 2>&1
# No openvswitch kernel module here: the node's address lives on a userspace (netdev) bridge so
# that Geneve tunnels between chassis work.
ovs-vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev fail-mode=standalone \
  other_config:hwaddr=\$(cat /sys/class/net/eth0/address) -- add-port br-phy eth0
ip addr add $A/24 dev br-phy; ip link set br-phy up; ip route add default via $GW
ovs-vsctl set open_vswitch . external_ids:ovn-remote=tcp:$GW:6642 external_ids:ovn-encap-type=geneve \
  external_ids:ovn-encap-ip=$A external_ids:ovn-bridge-datapath-type=netdev
/usr/share/ovn/scripts/ovn-ctl start_controller >/dev/null
/usr/sbin/sshd -f $R/ssh/sshd_config -E $R/ssh/sshd.log
echo booted > $R/booted
exec sleep infinity
EOF
  chmod +x $R/boot.sh
  ip netns exec lab$i unshare --uts --mount --propagation private $R/boot.sh > $R/boot.log 2>&1 &
  echo $! > $R/holder.pid
done
for i in $(seq 1 "$N"); do
  for k in $(seq 150); do [ -f $L/node$i/booted ] && break; sleep 0.1; done
  [ -f $L/node$i/booted ] || { echo "node$i did not boot:" >&2; cat $L/node$i/boot.log >&2; false; }
done

t "ceph"
C=$L/ceph; mkdir -p $C/{mon/a,mgr/x,run,log}; fsid=$(cat /proc/sys/kernel/random/uuid)
mkdir -p /etc/ceph
cat > $C/ceph.conf <<EOF
[global]
fsid = $fsid
mon_host = [v2:$GW:3300,v1:$GW:6789]
public_network = 10.99.0.0/24
keyring = $C/\$cluster.\$name.keyring
run_dir = $C/run
admin_socket = $C/run/\$name.asok
log_file = $C/log/\$name.log
pid_file = $C/run/\$name.pid
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false
auth_allow_insecure_global_id_reclaim = false
# Health warnings that depend on the machine running the lab, not on the site the tests build:
# the machine's free disk (MON_DISK_LOW below 30 % by default, MON_DISK_CRIT stops the mon below
# 5 %), and a slow or busy CI machine (SLOW_OPS after 30 s, OSD_SLOW_PING_TIME_* after 1 s of
# heartbeat latency). One mon here, so no clock skew. The site's own faults (an OSD down, PGs not
# clean, a member offline) still show.
mon_data_avail_warn = 1
mon_data_avail_crit = 0
osd_op_complaint_time = 600
mon_warn_on_slow_ping_time = 30000
[mon]
mon_data = $C/mon/\$id
keyring = $C/mon/\$id/keyring
[mgr]
mgr_data = $C/mgr/\$id
keyring = $C/mgr/\$id/keyring
[osd]
osd_data = $C/osd/\$id
keyring = $C/osd/\$id/keyring
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = 4294967296
osd_memory_target = 939524096
EOF
cp $C/ceph.conf /etc/ceph/ceph.conf
ceph-authtool --create-keyring $C/mon.keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool --create-keyring $C/ceph.client.admin.keyring --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool $C/mon.keyring --import-keyring $C/ceph.client.admin.keyring >/dev/null
monmaptool --create --addv a "[v2:$GW:3300,v1:$GW:6789]" --fsid $fsid $C/monmap >/dev/null
ceph-mon --mkfs -i a --monmap $C/monmap --keyring $C/mon.keyring 2>/dev/null
ceph-mon -i a
ceph auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' -o $C/mgr/x/keyring
ceph-mgr -i x
OP=""; for n in 0 1 2; do (
  u=$(cat /proc/sys/kernel/random/uuid); id=$(ceph osd new $u); mkdir -p $C/osd/$id
  ceph auth get-or-create osd.$id mon 'allow profile osd' mgr 'allow profile osd' osd 'allow *' -o $C/osd/$id/keyring
  ceph-osd -i $id --mkfs --osd-uuid $u > $C/log/mkfs.$id.log 2>&1
  ceph-osd -i $id ) & OP="$OP $!"; done; wait $OP
for k in $(seq 120); do ceph osd stat -f json | grep -Eq '"num_up_osds": *3' && break; sleep 0.5; done
t "ceph: $(ceph osd stat)"

t "lxd daemons"
for i in $(seq 1 "$N"); do
  nsenter -t $(cat $L/node$i/holder.pid) -m -n -u -- sh -c \
    "setsid lxd --group root --logfile=/var/log/lxd/lxd.log </dev/null >/dev/null 2>&1 & echo \$! > $L/node$i/lxd.pid"
done
for i in $(seq 1 "$N"); do LXD_DIR=$L/node$i/lxd lxd waitready --timeout=60; done

{
  echo "LAB=$L"; echo "NODES=$N"; echo "GATEWAY=$GW"; echo "UPLINK_GATEWAY=$UPGW"
  echo "IDENTITY=$L/id_ed25519"; echo "KNOWN_HOSTS=$L/known_hosts"
} > "$L/lab.env"
t "up: $N nodes"
