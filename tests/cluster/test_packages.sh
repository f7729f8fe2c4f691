#!/usr/bin/env bash
# The packages of the live cluster tests (ctest fixture "cluster_packages"): finds Debian's
# slurm-wlm, munge, openssh-server and rsync, or installs the missing ones with apt-get
# (as root; `apt-get update` first when the package lists do not know one). While it
# installs, a policy-rc.d forbids the packages' service scripts to start anything (no
# system munged, slurmctld or sshd on port 22 is left running); the tests start their own
# daemons. Fails with the reason when a package cannot be installed: never a silent skip.
# Usage: test_packages.sh [TILESIM SOURCE_DIR]  (the arguments are ignored)
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
packages=(slurm-wlm munge openssh-server rsync)
commands=(munged munge unmunge slurmctld slurmd sbatch squeue scontrol sinfo sshd ssh ssh-keygen rsync unshare nsenter timeout mount)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  [[ $(id -u) == 0 ]] || fail "missing packages ${missing[*]}, and not root: run apt-get install --no-install-recommends ${missing[*]} as root"
  export DEBIAN_FRONTEND=noninteractive
  apt=(timeout 600 apt-get -o DPkg::Lock::Timeout=300 -y -qq)
  # No package list knows one of them yet (a fresh machine): update once.
  for p in "${missing[@]}"; do
    if ! apt-cache show "$p" >/dev/null 2>&1; then
      echo "-- apt-get update (no package list knows $p)"
      "${apt[@]}" update >/tmp/tilesim-cluster-apt-update.log 2>&1 ||
        fail "apt-get update failed: $(tail -n 5 /tmp/tilesim-cluster-apt-update.log)"
      break
    fi
  done
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# tilesim tests/cluster/test_packages.sh: no service starts while it installs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  echo "-- installing ${missing[*]}"
  log=$(mktemp /tmp/tilesim-cluster-apt.XXXXXX)
  if ! "${apt[@]}" install --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    # (package lists older than the mirror: a version no longer there) update once, retry
    echo "-- apt-get install failed; apt-get update and one more try"
    "${apt[@]}" update >>"$log" 2>&1 || fail "apt-get update failed: $(tail -n 5 "$log")"
    "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
      fail "apt-get install ${missing[*]} failed: $(tail -n 8 "$log")"
  fi
  rm -f "$log"
  echo "ok: installed ${missing[*]}"
else
  echo "ok: found ${packages[*]}"
fi

absent=()
for c in "${commands[@]}"; do command -v "$c" >/dev/null || absent+=("$c"); done
((${#absent[@]} == 0)) || fail "after the install, not found in PATH: ${absent[*]}"
echo "ok: $(slurmctld -V), $(munged -V 2>&1 | head -n 1), $(ssh -V 2>&1), $(rsync --version | head -n 1)"
