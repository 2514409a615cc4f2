#!/usr/bin/env bash
# Removes the system users and sudoers entries that the sudo tests create (tests/helpers/sudo-user.ts),
# whatever killed the run that made them. A test user is known by its comment field,
# "microcloud-apply test user pid=N"; with --dead-only, only those whose test process is gone.
# Nothing else on the machine is touched. Run as root; safe to run twice.
set -u
dead_only=0; [ "${1:-}" = --dead-only ] && dead_only=1
[ "$(id -u)" = 0 ] || { echo "sudo-user-sweep.sh: must run as root" >&2; exit 1; }
while IFS=: read -r name _ _ _ gecos _; do
  case "$gecos" in "microcloud-apply test user pid="*) ;; *) continue ;; esac
  pid=${gecos##*pid=}
  if [ $dead_only = 1 ] && kill -0 "$pid" 2>/dev/null; then continue; fi
  pkill -9 -u "$name" 2>/dev/null
  userdel -f "$name" 2>/dev/null
  rm -f "/etc/sudoers.d/$name"
  echo "sudo-user-sweep: removed test user $name"
done < /etc/passwd
exit 0
