# shellcheck shell=bash
# Shared functions of scripts/sweep.sh, sweep-point.sh and sweep-sram.sh. Sourced, not run;
# needs $prog (the name errors are reported under).
#
# Contract: no function here turns a value (a path, a name, a key, a value) into code for
# another interpreter. Errors are one line `PROG: error: ...` on stderr and exit 2, with
# control characters escaped so a hostile name cannot add lines. Temporary files are made
# by mktemp (O_EXCL: never through a planted symlink) in the folder of the file they
# become, registered, and removed by the EXIT trap on every exit path; outputs are renamed
# into place (`mv -T`: never into a directory of that name). Functions that produce a path
# set REPLY instead of printing it, so a name ending in a newline survives.
prog=${prog:-sweep.sh}
shopt -s inherit_errexit # (a failure inside $(...) fails the assignment, as at top level)

# A key is a hardware key of `tilesim run --set`; a value is one --set value. Both make
# point names and so file names: DIR/points/KEY=VALUE[,KEY=VALUE]....json
key_re='[A-Za-z_][A-Za-z0-9_.]*'
value_re='[A-Za-z0-9._+-]+'
# shellcheck disable=SC2034  # (used by sweep-point.sh)
point_re="^$key_re=$value_re(,$key_re=$value_re)*\$"
name_max=255 # bytes in one file name (NAME_MAX on Linux filesystems)

one_line() { # one_line TEXT: REPLY = TEXT with control characters as \n, \t, \xHH
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      $'\n') out+='\n' ;;
      $'\t') out+='\t' ;;
      [[:cntrl:]]) printf -v c '\\x%02x' "'$c"; out+=$c ;;
      *) out+=$c ;;
    esac
  done
  REPLY=$out
}
die() { one_line "$*"; printf '%s: error: %s\n' "$prog" "$REPLY" >&2; exit 2; }
warn() { one_line "$*"; printf '%s: warning: %s\n' "$prog" "$REPLY" >&2; }

# ---------------------------------------------------------------- temporary files
tmp_paths=()
cleanup_tmp() { ((${#tmp_paths[@]} == 0)) || rm -rf -- "${tmp_paths[@]}"; }
trap cleanup_tmp EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

make_temp() { # make_temp DIR NAME [-d]: REPLY = a new file (or folder) DIR/.NAME.XXXXXX
  REPLY=$(mktemp ${3:+"$3"} -- "$1/.$2.XXXXXX") || die "cannot create a temporary file in $1"
  tmp_paths+=("$REPLY")
}
publish() { # publish TMP DEST: readable by all, renamed over DEST (never into a folder)
  chmod 644 -- "$1"
  mv -fT -- "$1" "$2" || die "cannot rename $1 to $2"
}
# write_atomic FILE TEXT: TEXT into FILE via a temporary file in FILE's folder. In this shell,
# never in a pipeline's subshell (whose temporary the EXIT trap would not know): a failed
# write exits with the old FILE untouched and the temporary removed.
write_atomic() {
  make_temp "${1%/*}" "${1##*/}"
  printf '%s' "$2" >"$REPLY"
  publish "$REPLY" "$1"
}

# ---------------------------------------------------------------- paths
abs_dir() { # abs_dir DIR: REPLY = the absolute path of the existing folder DIR
  local d
  d=$(cd -- "$1" && pwd && echo .) || return 1
  REPLY=${d%$'\n.'}
}
abs_path() { # abs_path PATH: REPLY = PATH made absolute (its folder resolved, its name kept)
  local dir=. base=$1
  if [[ $1 == */* ]]; then dir=${1%/*} base=${1##*/}; fi
  abs_dir "${dir:-/}" || return 1
  REPLY=${REPLY%/}/$base
}
json_array() { # the arguments as a JSON array of strings (any characters, any first "-")
  jq -nc '$ARGS.positional' --args -- "$@"
}

# ---------------------------------------------------------------- keys and values
# value_id VALUE: REPLY = what names VALUE's point. Decimal numbers by their exact value
# (64, 064, +64, 64.0 and 6.4e1 are one point: tilesim reads them alike), other text
# ignoring case (point files differing only in case collide on some filesystems).
value_id() {
  local v=$1
  REPLY=${v,,}
  [[ $v =~ ^([+-]?)([0-9]*)(\.([0-9]*))?([eE]([+-]?)([0-9]{1,9}))?$ ]] || return 0
  local sign=${BASH_REMATCH[1]} digits=${BASH_REMATCH[2]}${BASH_REMATCH[4]}
  local exp=$((10#${BASH_REMATCH[7]:-0}))
  [[ -n $digits ]] || return 0
  [[ ${BASH_REMATCH[6]} != - ]] || exp=$((-exp))
  exp=$((exp - ${#BASH_REMATCH[4]}))
  [[ $digits =~ ^0*([0-9]*[1-9])?(0*)$ ]]
  digits=${BASH_REMATCH[1]} exp=$((exp + ${#BASH_REMATCH[2]}))
  if [[ -z $digits ]]; then REPLY=0; return 0; fi
  [[ $sign == - ]] || sign=''
  REPLY=${sign}${digits}e$exp
}

# check_values WHERE VALUES: VALUES is a comma-separated list of --set values, each naming
# a different point; else die naming WHERE (e.g. "--values 64,,128 for sram.size_kib").
check_values() {
  local where=$1 list=$2 v i=0
  local -A seen=()
  local -a vs
  [[ -n $list ]] || die "$where: no value"
  IFS=, read -r -d '' -a vs < <(printf '%s,\0' "$list") || true
  for v in "${vs[@]}"; do
    i=$((i + 1))
    [[ -n $v ]] || die "$where: value $i is empty"
    [[ $v =~ ^$value_re$ ]] || die "$where: '$v' is not a --set value (letters, digits and . _ + - only)"
    value_id "$v"
    [[ -z ${seen[$REPLY]:-} ]] || die "$where: $v is the same point as ${seen[$REPLY]} (give each value once)"
    seen[$REPLY]=$v
  done
}

# point_names KEY_COUNT KEYS... VALUE_LISTS...: REPLY_NAMES = the points, first key
# outermost, each KEY=VALUE[,KEY=VALUE]...; dies when a name is too long for a file.
point_names() {
  local n=$1 i name v
  shift
  local -a keys=("${@:1:n}") lists=("${@:n+1:n}") next vs
  REPLY_NAMES=('')
  for ((i = 0; i < n; i++)); do
    IFS=, read -r -a vs <<<"${lists[i]}"
    next=()
    for name in "${REPLY_NAMES[@]}"; do
      for v in "${vs[@]}"; do next+=("${name:+$name,}${keys[i]}=$v"); done
    done
    REPLY_NAMES=("${next[@]}")
  done
  local LC_ALL=C
  for name in "${REPLY_NAMES[@]}"; do
    ((${#name} + 7 <= name_max)) ||
      die "the point $name makes a file name of $((${#name} + 7)) bytes, more than $name_max (fewer keys or shorter values)"
  done
}

# ---------------------------------------------------------------- the --out lock
# lock_out DIR exclusive|shared OPTION: hold DIR/.sweep.lock until this process and its children
# end. A sweep, --resume and --collect take it exclusively; --point tasks share it, so
# array tasks run together while a sweep or a collect refuses them, and they it. Never
# waits: a held lock is exit 2. The file is created by a hard link (never through a
# planted symlink) and must be the very file that was opened.
lock_out() {
  local dir=$1 lock=$1/.sweep.lock flag=-x rc=0 opened option=$3
  [[ $2 == exclusive ]] || flag=-s
  if [[ -L $lock || (-e $lock && ! -f $lock) ]]; then
    die "$lock: not a regular file (something was put there; remove it)"
  fi
  if [[ ! -e $lock ]]; then
    make_temp "$dir" sweep.lock
    ln -T -- "$REPLY" "$lock" 2>/dev/null || true
    rm -f -- "$REPLY"
  fi
  { exec {lock_fd}<>"$lock"; } 2>/dev/null || die "$lock: cannot open the lock file"
  opened=$(stat -L -c %d:%i "/dev/fd/$lock_fd")
  [[ $opened == "$(stat -c %d:%i -- "$lock")" && ! -L $lock ]] ||
    die "$lock: replaced while it was being opened (something is tampering with $dir)"
  flock -n -E 75 "$flag" "$lock_fd" || rc=$?
  ((rc == 0)) && return 0
  ((rc == 75)) || die "$lock: cannot lock (flock exit status $rc; does the filesystem support locks?)"
  die "$option $dir: another sweep holds this folder ($lock); wait for it to finish or use another folder"
}

# remove_stale_temps DIR: with DIR's lock held alone (no point can be running into it),
# remove DIR/points/.point.XXXXXX, the private folders of point runs that were killed
# before their EXIT trap could (a node that died mid-point, SIGKILL), and the
# DIR/.transfer.XXXXXX of a sweep killed so.
remove_stale_temps() {
  local d
  for d in "$1"/points/.point.?????? "$1"/.transfer.??????; do
    [[ -d $d && ! -L $d && ${d##*/} =~ ^\.(point|transfer)\.[A-Za-z0-9]{6}$ ]] || continue
    rm -rf -- "$d"
  done
}
