#!/usr/bin/env bash
# A live single-machine Slurm: munged, slurmctld and slurmd started here as plain processes
# (their config, key, sockets, state, spool and logs in a temporary folder; one node,
# 127.0.0.1 only). Runs the sweep exactly as docs/sweeps.md tells users to (a job array of
# scripts/sweep-slurm.sbatch, then a collect job with afterany) and checks:
#   1. results.csv equals a local scripts/sweep.sh run of the same points, byte for byte
#      (with a failing point: its array task fails with tilesim's exit status 2);
#   2. the node dies mid-sweep (slurmd and every process of its jobs killed with SIGKILL
#      while a point runs): the collect job reports that point missing, by name; a second
#      array submission of its index completes it, the points that had finished are not
#      run again (their files untouched), and results.csv equals the local run.
# Every daemon is stopped by the EXIT trap (and bounded by `timeout`).
# Usage: test_slurm.sh TILESIM SOURCE_DIR
set -euo pipefail
# shellcheck source=tests/cluster/cluster_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
setup_cluster_test slurm 280 "$@"
need_commands munged munge unmunge slurmctld slurmd sbatch squeue scontrol sinfo parallel jq

node='tilesim-node'
conf=$tmp/etc/slurm.conf
mkdir -p "$tmp/etc" "$tmp/munge" "$tmp/state" "$tmp/spool"

# slurm CMD...: a Slurm command of this cluster (and jobs it submits carry the mark).
slurm() { TILESIM_CLUSTER_TEST=$tmp SLURM_CONF=$conf timeout 30 "$@"; }

# ---------------------------------------------------------------- munge
head -c 1024 /dev/urandom >"$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
sock=$tmp/munge/munge.socket
start_daemon munged "$tmp/log/munged.log" munged --foreground --force \
  --key-file="$tmp/munge/munge.key" --socket="$sock" --pid-file="$tmp/munge/munged.pid" \
  --seed-file="$tmp/munge/munged.seed"
munge_ok() { munge -S "$sock" -n 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1; }
munged_pid=$REPLY
wait_for "munged answering on $sock" 20 munge_ok
pass "munged started (own key and socket)"

# ---------------------------------------------------------------- slurm.conf
free_port; ctld_port=$REPLY
free_port; slurmd_port=$REPLY
host=$(hostname -s)
# The node as slurmd sees it (CPUs, sockets, cores, memory), renamed and put on 127.0.0.1.
hwline=$(slurmd -C | head -n 1)
[[ $hwline == NodeName=* ]] || fail "slurmd -C printed '$hwline', expected NodeName=..."
hwline="NodeName=$node NodeAddr=127.0.0.1 ${hwline#NodeName=* }"
cat >"$conf" <<EOF
# One node on 127.0.0.1, every file in $tmp (tests/cluster/test_slurm.sh)
ClusterName=tilesimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/state/slurmctld.pid
SlurmdPidFile=$tmp/spool/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/pgid
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobRequeue=0
BatchStartTimeout=2
MessageTimeout=5
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
$hwline State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

# ---------------------------------------------------------------- slurmctld, slurmd
start_daemon slurmctld "$tmp/log/slurmctld.out" env SLURM_CONF="$conf" slurmctld -D -f "$conf"
ctld_pid=$REPLY
start_slurmd() {
  start_daemon slurmd "$tmp/log/slurmd.out" env SLURM_CONF="$conf" slurmd -D -N "$node" -f "$conf"
  slurmd_pid=$REPLY
}
start_slurmd
node_idle() { [[ $(slurm sinfo -h -n "$node" -o %T 2>/dev/null) == idle ]]; }
wait_for "node $node idle in sinfo" 40 node_idle
listening=$(awk -v a="0100007F:$(printf %04X "$ctld_port")" -v b="0100007F:$(printf %04X "$slurmd_port")" \
  'NR > 1 && $4 == "0A" && ($2 == a || $2 == b) { n++ } END { print n + 0 }' /proc/net/tcp)
((listening == 2)) || fail "slurmctld and slurmd should listen on 127.0.0.1:$ctld_port and :$slurmd_port only"
pass "slurmctld (port $ctld_port) and slurmd (port $slurmd_port) on 127.0.0.1; node idle"

# ---------------------------------------------------------------- the documented recipe
# A repository as users have it: scripts/ and configs/ (links to the source tree), the
# sweep's folder and the jobs' logs inside it, sbatch called from its root.
repo=$tmp/repo
mkdir -p "$repo"
ln -s "$src/scripts" "$repo/scripts"
ln -s "$src/configs" "$repo/configs"

# job_state JOBID: STATE EXITCODE of a finished (or running) job, from scontrol.
job_state() {
  slurm scontrol -o show job "$1" | tr ' ' '\n' | awk -F= '$1 == "JobState" { s = $2 } $1 == "ExitCode" { e = $2 } END { print s, e }'
}
# jobs_done JOBID...: none of the jobs is pending or running any more.
jobs_done() {
  local q
  q=$(slurm squeue -h -j "$(IFS=,; echo "$*")" -o %i 2>/dev/null) || return 1 # (no answer: not done)
  [[ -z $q ]]
}

# submit NAME VALUES TILESIM [ARRAY]: the recipe of docs/sweeps.md, from $repo; sets jid
# (the array) and cid (the collect job).
submit() {
  local name=$1 values=$2 ts=$3 array=${4:-}
  args=(--hw configs/hw/default.yaml --model configs/models/mlp.yaml
        --key sram.size_kib --values "$values"
        --out "sweeps/$name" --tilesim "$ts")
  n=$(cd "$repo" && scripts/sweep.sh "${args[@]}" --count)
  jid=$(cd "$repo" && slurm sbatch --parsable --array="${array:-1-$n}" scripts/sweep-slurm.sbatch "${args[@]}")
  cid=$(cd "$repo" && slurm sbatch --parsable --dependency=afterany:"$jid" --job-name=sweep-collect \
    --output=slurm-%j-collect.out scripts/sweep-slurm.sbatch --collect "sweeps/$name")
  [[ $jid =~ ^[0-9]+$ && $cid =~ ^[0-9]+$ ]] || fail "sbatch gave job ids '$jid' and '$cid'"
}

# 1. A sweep with a failing point (8 KiB is below mlp.yaml's minimum: tilesim exits 2).
values=8,16,64,256
t0=$SECONDS
submit sram "$values" "$tilesim"
wait_for "array job $jid and collect job $cid finished" 120 jobs_done "$jid" "$cid"
note "array job $jid (4 tasks) and collect job $cid ran in $((SECONDS - t0)) s"
(cd "$repo" && bounded 60 "$src/scripts/sweep.sh" "${args[@]/sweeps\/sram/sweeps/local}" --jobs 2 >/dev/null 2>"$tmp/log/local.err") || true
check_reference "$repo/sweeps/local/results.csv" 4 3
same_file "Slurm results.csv" "$repo/sweeps/sram/results.csv" "$repo/sweeps/local/results.csv"
pass "results.csv of the array + collect jobs equals the local sweep.sh run, figure for figure"

for i in 1 2 3 4; do
  read -r state code <<<"$(job_state "${jid}_$i")"
  want="COMPLETED 0:0"
  ((i == 1)) && want="FAILED 2:0"
  [[ "$state $code" == "$want" ]] || fail "array task ${jid}_$i: $state $code, expected $want"
  log=$repo/slurm-${jid}_$i.out
  p=$(cut -d, -f"$i" <<<"$values")
  want="sweep.sh: point $i/4 sram.size_kib=$p: exit status $((i == 1 ? 2 : 0))"
  [[ $(<"$log") == "$want" ]] || fail "$log holds '$(<"$log")', expected '$want'"
done
read -r state code <<<"$(job_state "$cid")"
[[ "$state $code" == "FAILED 1:0" ]] || fail "collect job $cid: $state $code, expected FAILED 1:0 (a point failed)"
want="sweep.sh: 4 points: 3 ok, 1 failed, 0 missing -> $repo/sweeps/sram/results.csv"
[[ $(<"$repo/slurm-$cid-collect.out") == "$want" ]] || fail "collect log: '$(<"$repo/slurm-$cid-collect.out")', expected '$want'"
pass "task logs name their points; task 1 FAILED 2:0 (tilesim's status), the others COMPLETED; collect FAILED 1:0 with its summary line"

# ---------------------------------------------------------------- 2. the node dies
values=16,32,64,256
names=(sram.size_kib=16 sram.size_kib=32 sram.size_kib=64 sram.size_kib=256)
wrapper=$tmp/bin/tilesim
mkdir -p "$tmp/bin"
make_wrapper "$wrapper" "$repo/scripts"
echo sram.size_kib=64 >"$tmp/hang"
submit fault "$values" "$wrapper"
pdir=$repo/sweeps/fault/points
others_done() {
  [[ -f $tmp/hung.pid && -f $pdir/sram.size_kib=16.status && -f $pdir/sram.size_kib=32.status &&
     -f $pdir/sram.size_kib=256.status ]]
}
wait_for "three points done and the fourth running" 90 others_done
[[ ! -e $pdir/sram.size_kib=64.status ]] || fail "the hung point has a status file"

# The node dies: slurmd and every process of its jobs (slurmstepd, the task) at once.
# (everything marked but munged, slurmctld and their `timeout`s: the controller survives)
keep=" $munged_pid $ctld_pid $slurmd_pid $(descendants "$munged_pid" "$ctld_pid" | tr '\n' ' ') "
node_pids=()
for p in $(marked_pids); do [[ $keep == *" $p "* ]] || node_pids+=("$p"); done
kill -KILL -- "${node_pids[@]}" 2>/dev/null || true
wait "$slurmd_pid" 2>/dev/null || true
note "node killed: ${#node_pids[@]} processes (slurmd, slurmstepd, the task's)"
rm -f "$tmp/hang"
compgen -G "$pdir/.point.*" >/dev/null || fail "the killed task left no private folder (test premise: it was killed mid-point)"

# It comes back (a reboot takes longer than BatchStartTimeout + MessageTimeout, 7 s here:
# else slurmctld takes the task for one still starting, and would only find it gone at a
# later registration of the node):
# slurmctld finds the task gone (NODE_FAIL, not requeued: JobRequeue=0), the
# collect job runs and reports the point missing.
while (($(date +%s) < $(stat -c %Y "$tmp/hung.pid") + 9)); do sleep 0.2; done
start_slurmd
wait_for "task ${jid}_3 ended and collect job $cid finished after the node came back" 120 jobs_done "$jid" "$cid"
read -r state code <<<"$(job_state "${jid}_3")"
[[ $state == NODE_FAIL ]] || fail "task ${jid}_3: $state $code, expected NODE_FAIL"
read -r state code <<<"$(job_state "$cid")"
[[ "$state $code" == "FAILED 1:0" ]] || fail "collect job $cid: $state $code, expected FAILED 1:0 (a point missing)"
want="sweep.sh: 4 points: 3 ok, 0 failed, 1 missing -> $repo/sweeps/fault/results.csv"
[[ $(<"$repo/slurm-$cid-collect.out") == "$want" ]] || fail "collect log after the crash: '$(<"$repo/slurm-$cid-collect.out")', expected '$want'"
csv=$repo/sweeps/fault/results.csv
want='64,,,,,,,,,,,,,,,,,,,,"no result: the point has not run (or its stats file is missing)"'
[[ $(sed -n 4p "$csv") == "$want" ]] || fail "the lost point's row: '$(sed -n 4p "$csv")', expected '$want'"
in_manifest=$(jq -c '[.points.missing, [.failed_points[] | .point, .exit_status]]' "$repo/sweeps/fault/manifest.json")
[[ $in_manifest == '[1,["sram.size_kib=64",null]]' ]] || fail "manifest after the crash: $in_manifest"
[[ -z $(find "$pdir" -name '.point.*') ]] || fail "the collect job left the dead task's private folder in $pdir: $(ls -A "$pdir")"
pass "node crash: task 3 NODE_FAIL; the collect job names sram.size_kib=64 missing (row, manifest, log); the dead task's private folder removed"

# A second array submission of the missing index only, and collect again.
before=$(file_ids "$pdir" sram.size_kib=16 sram.size_kib=32 sram.size_kib=256)
submit fault "$values" "$wrapper" 3
wait_for "resubmitted task ${jid}_3 and collect job $cid finished" 90 jobs_done "$jid" "$cid"
read -r state code <<<"$(job_state "$cid")"
[[ "$state $code" == "COMPLETED 0:0" ]] || fail "collect job after the resubmission: $state $code, expected COMPLETED 0:0"
after=$(file_ids "$pdir" sram.size_kib=16 sram.size_kib=32 sram.size_kib=256)
[[ $before == "$after" ]] || fail "the points that had finished were rewritten:
$(diff <(echo "$before") <(echo "$after"))"
for p in "${names[@]}"; do
  want=1
  [[ $p == sram.size_kib=64 ]] && want=2
  [[ $(runs_of "$p") == "$want" ]] || fail "$p ran $(runs_of "$p") times, expected $want"
done
# The reference of these points: a local run.
(cd "$repo" && bounded 60 "$src/scripts/sweep.sh" "${args[@]/sweeps\/fault/sweeps/local-fault}" --tilesim "$tilesim" --jobs 2 >/dev/null 2>&1)
check_reference "$repo/sweeps/local-fault/results.csv" 4 4
same_file "results.csv after the resubmission" "$csv" "$repo/sweeps/local-fault/results.csv"
leftovers=$(find "$repo/sweeps/fault" -name '.*' ! -name .sweep.lock)
[[ -z $leftovers ]] || fail "temporary files left in the out folder: $leftovers"
pass "resubmitting index 3 ran only sram.size_kib=64 (the others untouched: same inode and mtime); results.csv equals the local run"
