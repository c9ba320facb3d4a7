#!/usr/bin/env bash
# Start a real two-node Slurm cluster on this one host (nodes n1 and n2, partition `debug`), for
# the Slurm launch tests (docs/launch.md). Idempotent: a cluster already up is left alone. Needs
# root and Debian's `slurm-wlm` + `munge` (.ci/run installs them). The configuration is the one
# measured in ../shared/notes/launch.md: both slurmd share the hostname, NodeAddr makes the node
# names resolve, and JobRequeue lets the preemption test requeue a job.
# Prints one line and exits 1 when it cannot bring the cluster up.
set -euo pipefail

CONF=${SLURM_CONF:-/etc/slurm/slurm.conf}
fail() { echo "slurm-up: $*" >&2; exit 1; }

both_idle() {
  local states
  states=$(sinfo --Node --noheader --nodes=n1,n2 --format='%N %t' 2>/dev/null | sort -u) || return 1
  [ "$(grep -cE '^n[12] (idle|mix|alloc)$' <<< "$states")" = 2 ]
}

if both_idle; then exit 0; fi
[ "$(id -u)" = 0 ] || fail "needs root to start munged, slurmctld and slurmd (run it with sudo)"
for bin in munged slurmctld slurmd sinfo scontrol; do
  command -v "$bin" >/dev/null || fail "\`$bin\` not found: apt-get install --no-install-recommends slurm-wlm munge"
done

host=$(hostname -s)
mkdir -p "$(dirname "$CONF")" /var/lib/slurm/slurmctld /var/log/slurm /run/munge
conf=$(cat <<EOF
# Written by align's scripts/slurm-up.sh: a two-node test cluster on one host.
ClusterName=aligntest
SlurmctldHost=$host
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmUser=root
SlurmdUser=root
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd-%n.pid
SlurmdSpoolDir=/var/lib/slurm/slurmd-%n
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd-%n.log
JobRequeue=1
MpiDefault=none
NodeName=n[1-2] NodeHostname=$host NodeAddr=127.0.0.1 CPUs=1 RealMemory=1000 State=UNKNOWN Port=17001-17002
PartitionName=debug Nodes=n[1-2] Default=YES MaxTime=INFINITE State=UP
EOF
)
[ "$(cat "$CONF" 2>/dev/null)" = "$conf" ] || printf '%s\n' "$conf" > "$CONF"

# munge: a key (Debian's package makes one; a bare image may not), then the daemon as user munge.
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
fi
chown munge:munge /etc/munge/munge.key /run/munge 2>/dev/null || fail "no \`munge\` user: is the munge package installed?"
chmod 400 /etc/munge/munge.key
mkdir -p /var/lib/munge /var/log/munge && chown munge:munge /var/lib/munge /var/log/munge
if ! pgrep -x munged >/dev/null; then
  su -s /bin/sh munge -c munged || fail "munged did not start (see /var/log/munge/munged.log)"
fi

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
running /run/slurmctld.pid || slurmctld || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
for node in n1 n2; do
  running "/run/slurmd-$node.pid" || slurmd -N "$node" || fail "slurmd -N $node did not start (see /var/log/slurm/slurmd-$node.log)"
done

for _ in $(seq 60); do
  if both_idle; then exit 0; fi
  # A node left DOWN by an earlier crash returns only when told to.
  scontrol update nodename=n1,n2 state=resume >/dev/null 2>&1 || true
  sleep 1
done
fail "nodes n1,n2 not idle after 60 s: $(sinfo --Node --noheader --format='%N %t' 2>&1 | tr '\n' ' ')(see /var/log/slurm/)"
