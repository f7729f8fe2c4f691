# shellcheck shell=bash
# Helpers of the live cluster tests in tests/cluster/ (sourced): the test's scratch folder,
# daemons started and always stopped, bounded waits, the reference sweep, file comparisons.
#
# Every daemon runs under `timeout` (so it dies even if the test is killed with SIGKILL) and
# carries TILESIM_CLUSTER_TEST=$tmp in its environment, as does every Slurm job the test
# submits (slurmstepd: SLURM_CONF=$tmp/etc/slurm.conf); the EXIT trap stops the daemons, their descendants and every process carrying
# that mark (slurmstepd and job processes are not descendants of slurmd), then removes $tmp.

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
note() { echo "-- $*"; }

# setup_cluster_test NAME BUDGET_SECONDS "$@": checks the two arguments (TILESIM SOURCE_DIR),
# sets src, tilesim, tmp (a plain path: it goes to ssh and rsync), daemon_max, the traps.
setup_cluster_test() {
  local name=$1
  daemon_max=$2
  shift 2
  if (($# != 2)); then echo "usage: $name.sh TILESIM SOURCE_DIR" >&2; exit 2; fi
  src=$(cd "$2" && pwd) tilesim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  [[ -x $tilesim && -f $tilesim ]] || fail "tilesim not found or not executable: $tilesim"
  [[ $(id -u) == 0 ]] || fail "the cluster tests run their daemons as root (slurmd, sshd with its own host keys, a private mount namespace); run them as root, as CI does"
  unset "${!SLURM_@}" # (a test run inside a real Slurm job must not talk to that cluster)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/tilesim-$name.XXXXXX")
  [[ $tmp =~ ^[A-Za-z0-9._+/-]+$ ]] || fail "the scratch folder $tmp is not a plain path (set TMPDIR to one)"
  [[ $tmp != "$src"/* ]] || fail "the scratch folder $tmp is inside the source tree (set TMPDIR elsewhere)"
  chmod 755 "$tmp"
  mkdir "$tmp/log"
  daemon_pids=() daemon_names=() cleanup_extra=()
  trap cleanup EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  trap 'exit 129' HUP
}

# need_commands CMD...: each is installed, else fail naming the packages test.
need_commands() {
  local c missing=()
  for c in "$@"; do command -v "$c" >/dev/null || missing+=("$c"); done
  ((${#missing[@]} == 0)) ||
    fail "not installed: ${missing[*]} (tests/cluster/test_packages.sh installs slurm-wlm, munge, openssh-server and rsync)"
}

# free_port: REPLY = a TCP port no socket listens on (from /proc/net/tcp{,6}), 20000-59999.
free_port() {
  local used p i
  used=" $(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null | tr '\n' ' ') ${ports_taken[*]:-} "
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if [[ $used != *" $(printf %04X "$p") "* ]]; then
      ports_taken+=("$(printf %04X "$p")")
      REPLY=$p
      return 0
    fi
  done
  fail "no free TCP port found"
}
ports_taken=()

# start_daemon NAME LOG CMD...: CMD in the background under `timeout $daemon_max`, marked,
# stdout and stderr to LOG; REPLY = the pid of its `timeout`.
start_daemon() {
  local name=$1 log=$2
  shift 2
  TILESIM_CLUSTER_TEST=$tmp timeout -k 5 "$daemon_max" "$@" >>"$log" 2>&1 </dev/null &
  daemon_pids+=("$!") daemon_names+=("$name")
  REPLY=$!
}

# bounded SECONDS CMD...: CMD marked and under `timeout SECONDS`, in the background while
# this shell waits for it (a wait that a signal interrupts: the traps run at once, and
# cleanup stops CMD with the daemons); returns CMD's exit status.
bounded() {
  local secs=$1
  shift
  TILESIM_CLUSTER_TEST=$tmp timeout -k 5 "$secs" "$@" &
  wait "$!"
}

# marked_pids: the processes (other than this shell) whose environment holds our mark, or
# names our slurm.conf (slurmd gives slurmstepd a fresh environment, but with SLURM_CONF).
marked_pids() {
  local f p
  for f in /proc/[0-9]*/environ; do
    p=${f#/proc/} p=${p%/environ}
    [[ $p != "$$" && $p != "$BASHPID" ]] || continue
    grep -qzxF -e "TILESIM_CLUSTER_TEST=$tmp" -e "SLURM_CONF=$tmp/etc/slurm.conf" "$f" 2>/dev/null && echo "$p"
  done
  return 0
}

# descendants PID...: the pids of the processes below PID (not PID itself), from /proc
# (procps's ps is not on every machine).
descendants() {
  local f line rest
  for f in /proc/[0-9]*/stat; do
    { read -r line <"$f"; } 2>/dev/null || continue
    rest=${line##*) } # (after the command name, which may hold spaces and parentheses)
    rest=${rest#* }   # (the state)
    echo "${f//[!0-9]/} ${rest%% *}"
  done | awk -v roots="$*" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
    { parent[$1] = $2; pids[++m] = $1 }
    END { do { added = 0
                for (i = 1; i <= m; i++) { p = pids[i]
                  if (!(p in want) && (parent[p] in want)) { want[p] = 1; out[p] = 1; added = 1 } } } while (added)
          for (p in out) print p }'
}

# kill_pids SIGNAL PID...: signal the ones still alive; wait up to 10 s for them to go,
# then SIGKILL what is left. Returns once none is alive.
kill_pids() {
  local sig=$1 p i alive
  shift
  (($# > 0)) || return 0
  kill "-$sig" -- "$@" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive=()
    for p in "$@"; do [[ -d /proc/$p && $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) != Z ]] && alive+=("$p"); done
    ((${#alive[@]} > 0)) || return 0
    sleep 0.1
  done
  kill -KILL -- "${alive[@]}" 2>/dev/null || true
}

cleanup() {
  local rc=$? p
  trap - EXIT TERM INT HUP
  set +e
  local -a pids=()
  if ((${#daemon_pids[@]} > 0)); then
    mapfile -t pids < <(descendants "${daemon_pids[@]}"; marked_pids)
    kill_pids TERM "${daemon_pids[@]}" "${pids[@]}"
    for p in "${daemon_pids[@]}"; do wait "$p" 2>/dev/null; done
    mapfile -t pids < <(marked_pids)
    kill_pids KILL "${pids[@]}"
  fi
  for p in "${cleanup_extra[@]}"; do eval "$p"; done
  if ((rc != 0)) && [[ -d $tmp/log ]]; then
    echo "---- daemon logs (last lines) of the failed test:" >&2
    for p in "$tmp"/log/*; do [[ -s $p ]] && { echo "== ${p##*/}"; tail -n 15 "$p"; } >&2; done
  fi
  if [[ ${TILESIM_CLUSTER_KEEP:-} == 1 ]]; then echo "-- kept $tmp (TILESIM_CLUSTER_KEEP=1)" >&2; else rm -rf -- "$tmp"; fi
  exit "$rc"
}

# wait_for WHAT SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds; fail after
# SECONDS naming WHAT.
wait_for() {
  local what=$1 secs=$2 end
  shift 2
  end=$((SECONDS + secs))
  until "$@"; do
    ((SECONDS < end)) || fail "$what: not within ${secs}s"
    sleep 0.2
  done
}

# same_file WHAT GOT EXPECTED: the two files are byte for byte equal, else fail with a diff.
same_file() {
  cmp -s -- "$2" "$3" || fail "$1: $2 differs from $3:
$(diff -- "$3" "$2" | head -n 20)"
}

# file_ids DIR NAME...: "NAME inode mtime" of each DIR/NAME.json (to see a point was not redone).
file_ids() {
  local d=$1 n
  shift
  for n in "$@"; do stat -c "$n %i %Y.%y" -- "$d/$n.json"; done
}

# make_wrapper PATH MARK: a tilesim that logs each point it runs to $tmp/runs.log ("POINT
# WHERE VIEW": WHERE is the sshd port it came through, or "local"; VIEW "shared" when the
# file MARK exists where it runs, "private" when not), and hangs (at most 120 s, until killed) on the
# point matched by the pattern in $tmp/hang when it runs through the port in $tmp/hang-port, if that file
# exists (else anywhere). Other calls (tilesim --version) pass through.
make_wrapper() {
  cat >"$1" <<EOF
#!/bin/bash
point='' prev=''
for a; do
  [[ \$prev == --set && \$a == *=* ]] && point+="\${point:+,}\$a"
  prev=\$a
done
if [[ -n \$point ]]; then
  where=local view=private
  [[ -n \${SSH_CONNECTION:-} ]] && where=\${SSH_CONNECTION##* }
  [[ -e '$2' ]] && view=shared
  echo "\$point \$where \$view" >>'$tmp/runs.log'
  if [[ -f '$tmp/hang' && \$point == \$(<'$tmp/hang') ]] &&
     { [[ ! -f '$tmp/hang-port' ]] || [[ \$where == "\$(<'$tmp/hang-port')" ]]; }; then
    echo \$\$ >'$tmp/hung.pid'
    sleep 120
    exit 99
  fi
fi
exec '$tilesim' "\$@"
EOF
  chmod 755 "$1"
}

# runs_of POINT: how many times the wrapper ran POINT.
runs_of() { awk -v p="$1" '$1 == p { n++ } END { print n + 0 }' "$tmp/runs.log"; }

# check_reference CSV NPOINTS NOK: the reference results.csv has a header and NPOINTS rows,
# NOK of them successful with positive cycles (so two tables are never compared empty).
check_reference() {
  local got
  got=$(awk -F, 'NR > 1 { rows++ } NR > 1 && $(NF - 1) == "0" && $NF == "" && $2 ~ /^[1-9][0-9]*$/ { ok++ }
    END { print rows + 0, ok + 0 }' "$1")
  [[ $got == "$2 $3" ]] || fail "reference $1: (rows, ok rows with cycles) = ($got), expected ($2 $3)"
}
