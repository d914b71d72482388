#!/usr/bin/env bash
# The project's copy of ../shared/scripts/slurm-local.sh (used by tests/e2e/slurm_test.cc and bench/slurm_bench.sh).
# slurm-local.sh - throw-away single-node Slurm cluster on localhost for CI.
# Debian 12, run as root, no systemd needed. Verified with slurm-wlm 22.05.8 / munge 0.5.15.
#
#   slurm-local.sh start [DIR]   install if missing, write config, start daemons, wait for node idle,
#                                then print "export SLURM_CONF=..." (use: eval "$(slurm-local.sh start)")
#   slurm-local.sh stop  [DIR]   cancel jobs, kill the daemons via the pid files in DIR (logs are kept)
#
# DIR defaults to $SLURM_LOCAL_DIR or ${TMPDIR:-/tmp}/slurm-local; its parent directories must be
# world-executable (munged refuses a socket below e.g. /root). Options (environment):
#   SLURM_LOCAL_DBD=1        also run MariaDB + slurmdbd so that sacct works (needs mariadb-server)
#   SLURM_LOCAL_FAKE_RAPL=1  if /dev/cpu/0/msr is missing, create a regular file there with a fake RAPL
#                            energy counter (~50 W) so acct_gather_energy/rapl reports joules
#   SLURM_LOCAL_PORT=6817    slurmctld port; slurmd, slurmdbd and MariaDB use +1, +2, +3
#   SLURM_LOCAL_CPUS=N       advertise N CPUs (default: the real count) to run N 1-CPU jobs at once
set -euo pipefail

cmd=${1:-}; D=$(realpath -m -- "${2:-${SLURM_LOCAL_DIR:-${TMPDIR:-/tmp}/slurm-local}}")  # absolute
DBD=${SLURM_LOCAL_DBD:-0}; FAKE=${SLURM_LOCAL_FAKE_RAPL:-0}; P=${SLURM_LOCAL_PORT:-6817}
export SLURM_CONF=$D/etc/slurm.conf
MSR=/dev/cpu/0/msr
log() { echo "slurm-local: $*" >&2; }

# alive PIDFILE: process in PIDFILE exists and is not a zombie
alive() { local s; s=$(ps -o stat= -p "$(cat "$1" 2>/dev/null)" 2>/dev/null) && [[ $s != Z* ]]; }
# wait_for SECONDS CMD...: retry CMD every 0.2 s
wait_for() { local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do ((SECONDS < end)) || return 1; sleep 0.2; done; }
# stop_pid PIDFILE: SIGTERM, wait up to 20 s, then SIGKILL
stop_pid() { alive "$1" || { rm -f "$1"; return 0; }; local pid; pid=$(cat "$1")
  kill "$pid"; wait_for 20 bash -c "! ps -o stat= -p $pid | grep -qv '^Z'" || kill -9 "$pid"
  rm -f "$1"; log "stopped $(basename "$1" .pid) ($pid)"; }

install_pkgs() {
  local want="slurmctld slurmd slurm-client munge" missing="" p created="" rc=0
  [[ $DBD == 1 ]] && want+=" slurmdbd mariadb-server"
  for p in $want; do dpkg -s "$p" >/dev/null 2>&1 || missing+=" $p"; done
  [[ -z $missing ]] && return 0
  # Without systemd, package postinsts would run the init.d scripts (and can fail without a
  # config); a policy-rc.d returning 101 makes them skip starting services.
  [[ -e /usr/sbin/policy-rc.d ]] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d; created=1; }
  log "installing:$missing"
  # shellcheck disable=SC2086  # $missing is a word list
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $missing; } >/dev/null || rc=$?
  [[ -z $created ]] || rm -f /usr/sbin/policy-rc.d
  return $rc
}

fake_rapl() {  # regular file read by the rapl plugin like the msr device: units, power info, counter
  [[ -e $MSR && ! -e $D/run/fake-msr.created ]] && return 0   # real MSR device (or not ours): keep
  mkdir -p "$(dirname "$MSR")"; touch "$D/run/fake-msr.created"
  alive "$D/run/fake-rapl.pid" && return 0
  setsid bash -c 'echo $$ >"$1"; M=$2
    w() { local i s=""; for i in 0 1 2 3 4 5 6 7; do s+=$(printf "\\\\x%02x" $((($2 >> 8*i) & 255))); done
          printf "$s" | dd of="$M" bs=1 seek=$(($1)) conv=notrunc status=none; }
    truncate -s 2048 "$M"; w 0x606 $(((14 << 8) | 3)); w 0x614 $(((800 << 32) | 800)); e=0
    while :; do w 0x611 $e; e=$(((e + 50 * 16384) & 0xffffffff)); sleep 1; done' \
    _ "$D/run/fake-rapl.pid" "$MSR" </dev/null >/dev/null 2>&1 &
  wait_for 5 test -s "$D/run/fake-rapl.pid"
}

write_conf() {
  local H; H=$(hostname -s)
  local energy=none; [[ -e $MSR ]] && energy=rapl
  local node over="#"; node=$(slurmd -C | sed -n 1p)   # real CPU layout and RealMemory
  if [[ -n ${SLURM_LOCAL_CPUS:-} ]]; then              # advertise more CPUs than exist
    node="NodeName=$H CPUs=$SLURM_LOCAL_CPUS ${node##* }"; over=SlurmdParameters=config_overrides; fi
  cat >"$SLURM_CONF" <<EOF
ClusterName=local
SlurmctldHost=$H(127.0.0.1)
SlurmctldPort=$P
SlurmdPort=$((P + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# private munged socket (default is /run/munge/munge.socket.2)
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1,energy=1
AcctGatherEnergyType=acct_gather_energy/$energy
AcctGatherNodeFreq=5
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
# default 3 s delay before batch jobs are scheduled; 0 speeds up short CI jobs
SchedulerParameters=batch_sched_delay=0
# keep finished jobs visible to "scontrol show job" for 2 h (default 300 s)
MinJobAge=7200
KillWait=5
MailProg=/bin/true
ReturnToService=2
$over
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  if [[ $DBD == 1 ]]; then
    # slurmctld/sacct reach slurmdbd with the munge socket named in AccountingStoragePass, not AuthInfo
    printf '%s\n' AccountingStorageType=accounting_storage/slurmdbd AccountingStorageHost=127.0.0.1 \
      "AccountingStoragePort=$((P + 2))" "AccountingStoragePass=$D/munge/munge.socket" >>"$SLURM_CONF"
    # slurmdbd reads slurmdbd.conf from the directory of SLURM_CONF; it must be mode 600
    cat >"$D/etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$((P + 2))
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$((P + 3))
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
PidFile=$D/run/slurmdbd.pid
LogFile=$D/log/slurmdbd.log
EOF
    chmod 600 "$D/etc/slurmdbd.conf"
  else
    echo AccountingStorageType=accounting_storage/none >>"$SLURM_CONF"
  fi
}

start_dbd() {
  local sock=$D/run/mysqld.sock
  if ! alive "$D/run/mysqld.pid"; then
    [[ -d $D/mysql/mysql ]] || mariadb-install-db --user=root --datadir="$D/mysql" \
      --auth-root-authentication-method=socket --skip-test-db >"$D/log/mariadb-install.log" 2>&1
    setsid mariadbd --user=root --datadir="$D/mysql" --socket="$sock" --port=$((P + 3)) \
      --bind-address=127.0.0.1 --pid-file="$D/run/mysqld.pid" --log-error="$D/log/mysqld.log" \
      --innodb-buffer-pool-size=64M </dev/null >/dev/null 2>&1 &
    wait_for 60 mariadb -S "$sock" -e 'select 1' || { log "MariaDB did not start"; return 1; }
    local h; for h in 127.0.0.1 localhost; do mariadb -S "$sock" -e "CREATE USER IF NOT EXISTS
      'slurm'@'$h' IDENTIFIED BY 'slurm'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'$h';"; done
  fi
  alive "$D/run/slurmdbd.pid" || slurmdbd
  wait_for 60 timeout 5 sacctmgr -n show cluster || { log "slurmdbd did not answer"; return 1; }
  [[ -n $(sacctmgr -n -P show cluster local format=cluster) ]] || sacctmgr -i add cluster local >/dev/null
}

start() {
  [[ $(id -u) == 0 ]] || { log "must run as root"; return 1; }
  install_pkgs
  # munged wants the socket dir (and its parents) world-executable and the key dir private
  mkdir -p "$D"/{etc,key,munge,state,spool,log,run}; chmod 755 "$D" "$D/munge" "$D/etc"; chmod 700 "$D/key"
  [[ -s $D/key/munge.key ]] || { dd if=/dev/urandom of="$D/key/munge.key" bs=1024 count=1 status=none
    chmod 400 "$D/key/munge.key"; }
  [[ $FAKE == 1 ]] && fake_rapl
  alive "$D/run/slurmctld.pid" || write_conf
  alive "$D/munge/munged.pid" || munged --key-file="$D/key/munge.key" --socket="$D/munge/munge.socket" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/log/munged.log" --seed-file="$D/munge/munged.seed"
  [[ $DBD == 1 ]] && start_dbd
  alive "$D/run/slurmctld.pid" || slurmctld
  alive "$D/run/slurmd.pid" || slurmd
  wait_for 60 bash -c '[[ $(timeout 5 sinfo -h -n "$(hostname -s)" -o %T) == idle ]]' ||
    { log "node not idle; see $D/log"; sinfo -R >&2 || true; return 1; }
  log "cluster up (logs in $D/log)"
}

case $cmd in
start)  # stdout carries only the export line (no extra fds: daemons would inherit them)
  start >&2
  echo "export SLURM_CONF=$SLURM_CONF"
  ;;
stop)
  if alive "$D/run/slurmctld.pid"; then   # let running job steps (slurmstepd) end cleanly
    squeue -h -o %i | xargs -r scancel --full 2>/dev/null || true
    wait_for 20 bash -c '[[ -z $(squeue -h -o %i) ]]' || log "jobs still listed; stopping anyway"
  fi
  for f in run/slurmd run/slurmctld run/slurmdbd run/mysqld run/fake-rapl munge/munged; do
    stop_pid "$D/$f.pid"; done
  [[ -e $D/run/fake-msr.created ]] && rm -f "$MSR" "$D/run/fake-msr.created"
  log "stopped (state and logs kept in $D)"
  ;;
*) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
