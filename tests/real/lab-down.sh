#!/usr/bin/env bash
# Tears the real-host lab down completely, whatever state lab-up.sh or a test left it in:
# LXD daemons and their dnsmasq, OVS and OVN chassis, sshd, the simulated Micro* daemons, the
# namespaces, the bridges, Ceph and OVN central, and the lab directory. Safe to run twice.
L=${LAB:-/tmp/microcloud-real-lab}
t() { echo "[lab-down $(date +%T.%N | cut -c1-12)] $*"; }
[ "$(id -u)" = 0 ] || { echo "lab-down.sh: must run as root" >&2; exit 1; }

[ -f $L/micro.pid ] && kill $(cat $L/micro.pid) 2>/dev/null

nodes=$(ls -d $L/node* 2>/dev/null)
for R in $nodes; do
  [ -S $R/lxd/unix.socket ] && LXD_DIR=$R/lxd timeout 60 lxd shutdown >/dev/null 2>&1 &
done; wait
for R in $nodes; do
  i=${R##*node}; H=$(cat $R/holder.pid 2>/dev/null)
  if [ -n "$H" ] && kill -0 $H 2>/dev/null; then
    nsenter -t $H -m -n -u -- sh -c '/usr/share/ovn/scripts/ovn-ctl stop_controller; /usr/share/openvswitch/scripts/ovs-ctl stop' >/dev/null 2>&1
  fi
  # Whatever still runs in the node (dnsmasq left by LXD, a killed lxd's forks, sshd sessions).
  for p in $(ip netns pids lab$i 2>/dev/null); do kill -9 $p 2>/dev/null; done
  [ -f $R/ssh/sshd.pid ] && kill $(cat $R/ssh/sshd.pid) 2>/dev/null
  [ -n "$H" ] && kill -9 $H 2>/dev/null
  ip netns del lab$i 2>/dev/null
  ip link del vlab$i 2>/dev/null; ip link del vup$i 2>/dev/null
done
for f in $L/ceph/run/*.pid; do [ -f $f ] && kill $(cat $f) 2>/dev/null; done
/usr/share/ovn/scripts/ovn-ctl stop_northd >/dev/null 2>&1
ip link del labbr0 2>/dev/null; ip link del labup0 2>/dev/null
# OSDs and the mon take a moment to exit; their files must not be removed under them.
for k in $(seq 50); do pgrep -f "ceph-(osd|mon|mgr) -i" >/dev/null || break; sleep 0.2; done
pkill -9 -f "ceph-(osd|mon|mgr) -i" 2>/dev/null
rm -rf $L /etc/ceph/ceph.conf /var/lib/ovn/ovnnb_db.db /var/lib/ovn/ovnsb_db.db /var/lib/ovn/.ovn*~lock~
t "down"
exit 0
