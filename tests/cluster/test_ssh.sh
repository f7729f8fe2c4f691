#!/usr/bin/env bash
# Real SSH hosts for scripts/sweep.sh --sshloginfile: sshd instances started here on
# 127.0.0.1 (own host keys, own authorized_keys, own config, in a temporary folder), reached
# with a key made for the test through an ssh config file of the test's own (the user's
# ~/.ssh is never read or written). Two kinds of host:
#   node1, node2  share this machine's filesystem (the "shared filesystem" case), but for
#                 the home folder: both see $tmp/home there (a shared home that is not
#                 the user's, whose ~/.bashrc, ~/.parallel and ~/.ssh stay out of it);
#   node3, node4  each run in a private mount namespace where the source tree, the
#                 sweeps' folder and the home folder are empty tmpfs mounts: no shared
#                 filesystem, only tilesim (copied to $tmp/bin, "installed at the same
#                 path") is there.
# Checks, each against a local sweep.sh run of the same points (results.csv byte for byte):
#   1. --sshloginfile over node1 and node2: both run points, same results.csv;
#   2. --sshloginfile --transfer over node3 and node4: same results.csv, the points ran
#      where the out folder is invisible, and nothing is left on the hosts;
#   3. node3 and node4 without --transfer: every point missing (the hosts see no files);
#   4. node2 dies mid-sweep (its sshd and sessions killed): the point it ran is reported
#      missing, the others are intact; --resume runs only that point (and the failing one)
#      and results.csv equals the local run.
# Every sshd is stopped by the EXIT trap (and bounded by `timeout`).
# Usage: test_ssh.sh TILESIM SOURCE_DIR
set -euo pipefail
# shellcheck source=tests/cluster/cluster_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
setup_cluster_test ssh 200 "$@"
need_commands sshd ssh ssh-keygen rsync unshare nsenter parallel jq

err=$(unshare --mount --propagation private sh -c "mount -t tmpfs tilesim-probe '$tmp/log'" 2>&1) ||
  fail "cannot make a private mount namespace with a tmpfs (unshare --mount: $err): node1..node4 need one (a container without CAP_SYS_ADMIN cannot run this test)"

home_ssh() { if [[ -e ~/.ssh ]]; then find ~/.ssh -printf '%p %s %T@ %m\n' | sort; else echo absent; fi; }
home_before=$(home_ssh)

# sshd's privilege separation folder (made by the package's service, which is not running).
if [[ ! -d /run/sshd ]]; then
  mkdir -m 755 /run/sshd
  cleanup_extra+=("rmdir /run/sshd 2>/dev/null")
fi

sdir=$tmp/ssh work=$tmp/work bin=$tmp/bin
mkdir -p "$sdir" "$work" "$bin" "$tmp/home"
ssh-keygen -q -t ed25519 -N '' -C tilesim-cluster-test -f "$sdir/id_ed25519"
cp "$sdir/id_ed25519.pub" "$sdir/authorized_keys"
cfg=$sdir/config
: >"$cfg"
: >"$sdir/known_hosts"
declare -A port=() sshd_dir=()

# start_sshd NAME shared|private: an sshd for NAME on 127.0.0.1 (its port kept across
# restarts); adds NAME to the ssh config and known_hosts the first time; waits until
# `ssh NAME true` works.
start_sshd() {
  local name=$1 kind=$2 d=$sdir/$1
  if [[ -z ${port[$name]:-} ]]; then
    mkdir -p "$d"
    free_port; port[$name]=$REPLY
    ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$d/host_key"
    cat >"$d/sshd_config" <<EOF
Port ${port[$name]}
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $sdir/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
UseDNS no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PrintMotd no
PrintLastLog no
MaxStartups 100:30:200
MaxSessions 100
LogLevel VERBOSE
EOF
    cat >>"$cfg" <<EOF
Host $name
  HostName 127.0.0.1
  Port ${port[$name]}
  User $(id -un)
  IdentityFile $sdir/id_ed25519
  IdentitiesOnly yes
  HostKeyAlias $name
  UserKnownHostsFile $sdir/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 10
  ControlMaster no
  ControlPath none
  LogLevel ERROR
EOF
    echo "$name $(cut -d' ' -f1,2 "$d/host_key.pub")" >>"$sdir/known_hosts"
    sshd -t -f "$d/sshd_config" 2>"$tmp/log/sshd-t.err" || fail "sshd -t rejects $d/sshd_config: $(<"$tmp/log/sshd-t.err")"
  fi
  rm -f "$d/sshd.pid"
  # shellcheck disable=SC2016  # ($1... are sh's)
  if [[ $kind == shared ]]; then
    start_daemon "sshd-$name" "$tmp/log/sshd-$name.log" unshare --mount --propagation private \
      sh -c 'mount --bind "$1" "$2" && exec /usr/sbin/sshd -D -e -f "$3"' sh "$tmp/home" "$HOME" "$d/sshd_config"
  else
    start_daemon "sshd-$name" "$tmp/log/sshd-$name.log" unshare --mount --propagation private \
      sh -c 'for d in "$1" "$2" "$3"; do mount -t tmpfs tilesim-private "$d" || exit 1; done; exec /usr/sbin/sshd -D -e -f "$4"' \
      sh "$src" "$work" "$HOME" "$d/sshd_config"
  fi
  sshd_dir[$name]=$d
  wait_for "ssh $name (port ${port[$name]})" 20 ssh -F "$cfg" "$name" true
}

[[ $tmp != "$HOME"/* ]] || fail "the scratch folder $tmp is inside the home folder, which node3 and node4 hide (set TMPDIR elsewhere)"
cp "$tilesim" "$bin/tilesim-real"
cp "$(dirname "$tilesim")/libtilesim_onnx.so" "$bin/"  # its ONNX module, as docs/sweeps.md says
tilesim=$bin/tilesim-real
make_wrapper "$bin/tilesim" "$work/hosts-shared"

start_sshd node1 shared
start_sshd node2 shared
start_sshd node3 private
start_sshd node4 private
# (the private hosts really see nothing of the source tree and the sweeps' folder, and do
# see tilesim)
for n in node3 node4; do
  view=$(ssh -F "$cfg" "$n" "find '$src' '$work' '$HOME' -mindepth 1 | head -n 3; test -x '$bin/tilesim-real' && echo tilesim" </dev/null 2>&1)
  [[ $view == tilesim ]] || fail "$n should see an empty $src, $work and $HOME, and $bin/tilesim-real; it sees: $view"
done
pass "4 sshd on 127.0.0.1, ports ${port[node1]} ${port[node2]} ${port[node3]} ${port[node4]}; node3 and node4 see an empty source tree and sweeps folder"

# ---------------------------------------------------------------- the sweeps
printf '1/ssh -F %s node1\n1/ssh -F %s node2\n' "$cfg" "$cfg" >"$work/hosts-shared"
printf '1/ssh -F %s node3\n1/ssh -F %s node4\n' "$cfg" "$cfg" >"$work/hosts-private"
values=8,16,32,64,128,256
points=(sram.size_kib=8 sram.size_kib=16 sram.size_kib=32 sram.size_kib=64 sram.size_kib=128 sram.size_kib=256)
sweep() { # sweep OUT ARGS...: sweep.sh of the six points into $work/OUT, bounded; sets rc
  local out=$1
  shift
  rc=0
  bounded 120 "$src/scripts/sweep.sh" --hw "$src/configs/hw/default.yaml" --model "$src/configs/models/mlp.yaml" \
    --key sram.size_kib --values "$values" --out "$work/$out" "$@" >"$tmp/log/sweep-$out.out" 2>"$tmp/log/sweep-$out.err" </dev/null || rc=$?
}
# summary OUT: sweep.sh's last line on stderr
summary() { tail -n 1 "$tmp/log/sweep-$1.err"; }

sweep local --tilesim "$bin/tilesim-real" --jobs 2
((rc == 1)) || fail "local sweep: exit status $rc, expected 1 (8 KiB fails)"
ref=$work/local/results.csv
check_reference "$ref" 6 5

# 1. shared filesystem
sweep shared --tilesim "$bin/tilesim" --sshloginfile "$work/hosts-shared"
((rc == 1)) || fail "sweep over node1 and node2: exit status $rc, expected 1: $(cat "$tmp/log/sweep-shared.err")"
same_file "results.csv over node1 and node2" "$work/shared/results.csv" "$ref"
for n in node1 node2; do
  grep -q " ${port[$n]} shared\$" "$tmp/runs.log" || fail "no point ran on $n (port ${port[$n]}): $(cat "$tmp/runs.log")"
done
for p in "${points[@]}"; do [[ $(runs_of "$p") == 1 ]] || fail "$p ran $(runs_of "$p") times over node1 and node2"; done
hosts=$(awk -F'\t' 'NR > 1 { print $2 }' "$work/shared/joblog" | sort -u | tr '\n' ';')
[[ $hosts == "ssh -F $cfg node1;ssh -F $cfg node2;" ]] || fail "joblog Host column: $hosts"
pass "--sshloginfile node1, node2 (shared filesystem): results.csv equals the local run; each point ran once, both hosts used (joblog Host column)"
: >"$tmp/runs.log"

# 2. no shared filesystem: --transfer
sweep transfer --tilesim "$bin/tilesim" --sshloginfile "$work/hosts-private" --transfer
((rc == 1)) || fail "sweep --transfer over node3 and node4: exit status $rc, expected 1: $(cat "$tmp/log/sweep-transfer.err")"
same_file "results.csv with --transfer over node3 and node4" "$work/transfer/results.csv" "$ref"
for n in node3 node4; do
  grep -q " ${port[$n]} private\$" "$tmp/runs.log" || fail "no point ran on $n (port ${port[$n]}) without the out folder: $(cat "$tmp/runs.log")"
  left=$(nsenter -t "$(cat "${sshd_dir[$n]}/sshd.pid")" -m find "$src" "$work" "$HOME" ! -type d ! -path "$HOME/.parallel/tmp/sshlogin/*")
  [[ -z $left ]] || fail "--transfer left files on $n: $left"
done
pass "--sshloginfile --transfer node3, node4 (no shared filesystem): results.csv equals the local run; the points ran where the out folder is invisible; --cleanup left no file on the hosts"
: >"$tmp/runs.log"
# --resume --transfer after losing one point's stats: only that point (and the failing one)
# runs again, and the others' files stay as they are.
rm "$work/transfer/points/sram.size_kib=64.json"
keep=(sram.size_kib=16 sram.size_kib=32 sram.size_kib=128 sram.size_kib=256)
before=$(file_ids "$work/transfer/points" "${keep[@]}")
sweep transfer --tilesim "$bin/tilesim" --sshloginfile "$work/hosts-private" --transfer --resume
((rc == 1)) || fail "--resume --transfer: exit status $rc, expected 1: $(cat "$tmp/log/sweep-transfer.err")"
ran=$(awk '{ print $1 }' "$tmp/runs.log" | sort | tr '\n' ' ')
[[ $ran == "sram.size_kib=64 sram.size_kib=8 " ]] || fail "--resume --transfer ran: $ran"
[[ $before == "$(file_ids "$work/transfer/points" "${keep[@]}")" ]] || fail "--resume --transfer rewrote points that had finished"
same_file "results.csv after --resume --transfer" "$work/transfer/results.csv" "$ref"
pass "--resume --transfer reran only the point whose stats were lost (and the failing one); results.csv equals the local run"
: >"$tmp/runs.log"

# 2b. --transfer to hosts that do share the filesystem (and the home folder) must not touch
# the user's files: the sweep runs from a copy of scripts/ and configs/ in $work, whose
# every file must still be there, unchanged, afterwards.
cp -r "$src/scripts" "$src/configs" "$work/"
before=$(cd "$work" && find scripts configs -type f -exec sha256sum {} +)
rc=0
bounded 120 "$work/scripts/sweep.sh" --hw "$work/configs/hw/default.yaml" --model "$work/configs/models/mlp.yaml" \
  --key sram.size_kib --values "$values" --out "$work/transfer-shared" --tilesim "$bin/tilesim" \
  --sshloginfile "$work/hosts-shared" --transfer >/dev/null 2>"$tmp/log/sweep-transfer-shared.err" </dev/null || rc=$?
((rc == 1)) || fail "sweep --transfer over node1 and node2: exit status $rc, expected 1: $(cat "$tmp/log/sweep-transfer-shared.err")"
after=$(cd "$work" && find scripts configs -type f -exec sha256sum {} +)
[[ $before == "$after" ]] || fail "--transfer to hosts sharing the filesystem changed the user's files:
$(diff <(echo "$before") <(echo "$after") | head)"
same_file "results.csv with --transfer over node1 and node2" "$work/transfer-shared/results.csv" "$ref"
left=$(find "$tmp/home" ! -type d ! -path "$tmp/home/.parallel/tmp/sshlogin/*")
[[ -z $left ]] || fail "--transfer left files in the hosts' home folder: $left"
pass "--transfer to hosts sharing the filesystem and home: the user's scripts and configs untouched, results.csv equals the local run, no job folder left"
: >"$tmp/runs.log"

# 3. no shared filesystem and no --transfer: the hosts find no files, every point missing.
sweep private-no-transfer --tilesim "$bin/tilesim" --sshloginfile "$work/hosts-private"
((rc == 1)) || fail "sweep over node3 and node4 without --transfer: exit status $rc, expected 1"
[[ $(summary private-no-transfer) == "sweep.sh: 6 points: 0 ok, 0 failed, 6 missing -> $work/private-no-transfer/results.csv" ]] ||
  fail "without --transfer: $(summary private-no-transfer)"
codes=$(awk -F'\t' 'NR > 1 { print $7 }' "$work/private-no-transfer/joblog" | sort -u)
[[ $codes == 127 ]] || fail "without --transfer the joblog's Exitval should be 127 (no sweep-point.sh on the host), not: $codes"
[[ ! -s $tmp/runs.log ]] || fail "tilesim ran without --transfer on hosts that cannot see the files"
pass "node3, node4 without --transfer: 6 points missing, joblog Exitval 127 (the helper is not on the hosts)"

# ':' (this machine) in the hosts file cannot take --transfer: exit 2, one line, nothing written.
printf '1/ssh -F %s node1\n 2/: # this machine\n' "$cfg" >"$work/hosts-local"
rc=0
"$src/scripts/sweep.sh" --hw "$src/configs/hw/default.yaml" --model "$src/configs/models/mlp.yaml" --key sram.size_kib \
  --values 16 --out "$work/refused" --tilesim "$bin/tilesim" --sshloginfile "$work/hosts-local" --transfer \
  >"$tmp/refused.out" 2>"$tmp/refused.err" </dev/null || rc=$?
want="sweep.sh: error: --transfer: $work/hosts-local line 2 is ':' (this machine), which gets no transferred files; list it by its ssh name, or drop --transfer"
if ((rc != 2)) || [[ $(<"$tmp/refused.err") != "$want" || -s $tmp/refused.out || -e $work/refused ]]; then
  fail "':' with --transfer: exit $rc, stderr '$(<"$tmp/refused.err")', expected exit 2 and '$want'"
fi
pass "':' in the hosts file with --transfer: refused with exit 2 and one line"

# ---------------------------------------------------------------- 4. node2 dies mid-sweep
echo '*' >"$tmp/hang" # (node2's first point, whichever it is)
echo "${port[node2]}" >"$tmp/hang-port"
rc=0
TILESIM_CLUSTER_TEST=$tmp timeout 120 "$src/scripts/sweep.sh" --hw "$src/configs/hw/default.yaml" --model "$src/configs/models/mlp.yaml" \
  --key sram.size_kib --values "$values" --out "$work/fault" --tilesim "$bin/tilesim" \
  --sshloginfile "$work/hosts-shared" >"$tmp/log/sweep-fault.out" 2>"$tmp/log/sweep-fault.err" </dev/null &
sweep_pid=$!
pdir=$work/fault/points
others_done() { [[ -f $tmp/hung.pid && $(find "$pdir" -name '*.status' | wc -l) == 5 ]]; }
wait_for "five points done on node1 and one hanging on node2" 60 others_done
lost=$(awk -v p="${port[node2]}" '$2 == p { print $1 }' "$tmp/runs.log")
[[ $lost == sram.size_kib=* && ! -e $pdir/$lost.status ]] || fail "the point on node2 should be running: '$lost'"
# node2 dies: its sshd and everything below it (the session, the helper, tilesim), all
# stopped first: killed one by one, the session's sshd could still report the helper's
# death (exit 137) before its own, as a loaded machine showed once.
sshd2=$(cat "${sshd_dir[node2]}/sshd.pid")
mapfile -t victims < <(descendants "$sshd2")
kill -STOP -- "$sshd2" "${victims[@]}"
kill -KILL -- "$sshd2" "${victims[@]}"
rc=0
wait "$sweep_pid" || rc=$?
((rc == 1)) || fail "the sweep with a dead host: exit status $rc, expected 1"
failed=1
[[ $lost != sram.size_kib=8 ]] || failed=0 # (the failing point was the lost one)
want="sweep.sh: 6 points: $((5 - failed)) ok, $failed failed, 1 missing -> $work/fault/results.csv"
[[ $(tail -n 1 "$tmp/log/sweep-fault.err") == "$want" ]] || fail "summary with a dead host: '$(tail -n 1 "$tmp/log/sweep-fault.err")', expected '$want'"
size=${lost#sram.size_kib=}
row=$(grep "^$size," "$work/fault/results.csv")
[[ $row == "$size,,,,,,,,,,,,,,,,,,,,\"no result: the point has not run (or its stats file is missing)\"" ]] ||
  fail "the lost point's row: $row"
diff <(grep -v "^$size," "$work/fault/results.csv") <(grep -v "^$size," "$ref") >/dev/null ||
  fail "the other rows differ from the local run after the host died"
for i in "${!points[@]}"; do [[ ${points[i]} != "$lost" ]] || seq=$((i + 1)); done
exitval=$(awk -F'\t' -v s="$seq" 'NR > 1 && $1 == s { print $7 }' "$work/fault/joblog")
[[ $exitval == 255 ]] || fail "joblog Exitval of the lost point: '$exitval', expected 255 (ssh lost its host)"
[[ -z $(find "$work/fault" -name '.*' ! -name .sweep.lock) ]] || fail "temporary files left in the out folder: $(find "$work/fault" -name '.*')"
pass "node2 killed mid-point: $lost reported missing (row, summary; joblog Exitval 255), the other rows equal the local run, no temporary left"

# node2 comes back; --resume runs only the lost point (and the failing one, as --resume does).
rm -f "$tmp/hang" "$tmp/hang-port"
victims=()
start_sshd node2 shared
ok_points=()
for p in "${points[@]}"; do [[ $p == "$lost" || $p == sram.size_kib=8 ]] || ok_points+=("$p"); done
before=$(file_ids "$pdir" "${ok_points[@]}")
: >"$tmp/runs.log"
sweep fault --tilesim "$bin/tilesim" --sshloginfile "$work/hosts-shared" --resume
((rc == 1)) || fail "--resume after the host died: exit status $rc, expected 1 (8 KiB still fails)"
after=$(file_ids "$pdir" "${ok_points[@]}")
[[ $before == "$after" ]] || fail "--resume rewrote points that had finished:
$(diff <(echo "$before") <(echo "$after"))"
ran=$(awk '{ print $1 }' "$tmp/runs.log" | sort | tr '\n' ' ')
want=$(printf '%s\n' "$lost" sram.size_kib=8 | sort -u | tr '\n' ' ')
[[ $ran == "$want" ]] || fail "--resume ran: $ran, expected: $want"
same_file "results.csv after --resume" "$work/fault/results.csv" "$ref"
pass "--resume ran only $lost and the failing 8 KiB point (the others untouched: same inode and mtime); results.csv equals the local run"

home_after=$(home_ssh)
[[ $home_before == "$home_after" ]] || fail "$HOME/.ssh changed during the test"
pass "$HOME/.ssh untouched"
