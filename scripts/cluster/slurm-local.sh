#!/bin/sh
# A single-node Slurm on this machine, for checking `floe run --executor slurm` for real.
#
#   scripts/cluster/slurm-local.sh start DIR   # starts munged, slurmctld, slurmd; state under DIR
#   . DIR/env.sh                                # SLURM_CONF for sbatch/squeue/scontrol/scancel
#   scripts/cluster/slurm-local.sh stop DIR    # stops the three daemons by the pids in DIR
#
# SLURM_MAX_ARRAY_SIZE sets the cluster's MaxArraySize (default 1001, Slurm's own default).
#
# Needs root and Debian's slurm-wlm and munge (installed with apt-get when missing: a
# development and CI convenience; floe itself never needs Slurm). Nothing is written
# outside DIR: the munge key, munge socket, slurm.conf, state, spool, pid and log files all
# live there (the Slurm commands find the configuration through SLURM_CONF). Details:
# /work/shared/FIELD-NOTES.md, "A real Slurm on one machine", and docs/cluster.md.
set -eu

usage() { echo "usage: $0 start|stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

stop_pid_file() {
    # Stops the process named in a pid file, waiting up to 10 s, then SIGKILL.
    f=$1
    [ -s "$f" ] || return 0
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$f"
}

case "$action" in
stop)
    stop_pid_file "$dir/slurmd.pid"
    stop_pid_file "$dir/slurmctld.pid"
    stop_pid_file "$dir/munge/munged.pid"
    echo "slurm-local: stopped (state left in $dir)"
    exit 0
    ;;
start) ;;
*) usage ;;
esac

if [ "$(id -u)" != 0 ]; then echo "slurm-local: run as root (slurmd starts jobs as their user)" >&2; exit 1; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    echo "slurm-local: installing slurm-wlm and munge (apt-get)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge >&2
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# munged checks that no directory on the way to its key is writable by others, and runs
# as the munge user, which must be able to reach its folder.
chmod 755 "$dir"
mkdir -p "$dir/munge" "$dir/ctld" "$dir/spool"
chown munge:munge "$dir/munge"
chmod 700 "$dir/munge"
if [ ! -s "$dir/munge/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
    chown munge:munge "$dir/munge/munge.key"
    chmod 400 "$dir/munge/munge.key"
fi
socket="$dir/munge/munge.socket"
su -s /bin/sh munge -c "/usr/sbin/munged --force --key-file='$dir/munge/munge.key' --socket='$socket' \
    --pid-file='$dir/munge/munged.pid' --log-file='$dir/munge/munged.log' --seed-file='$dir/munge/munged.seed'"

host=$(hostname)
cpus=$(nproc)
# Memory the node offers to jobs (--mem): 80 % of the machine's, in megabytes.
mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
cat > "$dir/slurm.conf" <<CONF
ClusterName=floe-local
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmUser=root
SlurmdUser=root
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
MinJobAge=300
MaxArraySize=${SLURM_MAX_ARRAY_SIZE:-1001}
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
echo "export SLURM_CONF='$dir/slurm.conf'" > "$dir/env.sh"
export SLURM_CONF="$dir/slurm.conf"

/usr/sbin/slurmctld -c -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
i=0
until sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; do
    i=$((i + 1))
    if [ $i -gt 300 ]; then
        echo "slurm-local: the node did not become idle within 30 s; logs: $dir/slurmctld.log $dir/slurmd.log" >&2
        sinfo -N >&2 || true
        "$0" stop "$dir" >&2
        exit 1
    fi
    sleep 0.1
done
echo "slurm-local: node $host idle ($cpus CPUs, $mem MB); . $dir/env.sh to use it" >&2
