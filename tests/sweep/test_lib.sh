# shellcheck shell=bash
# Helpers of the script tests in tests/sweep/ (sourced): setup_test, fail, pass,
# expect_refusal, no_pwned. The others need $tmp (set by setup_test) and run commands
# from $tmp/cwd.

# setup_test NAME "$@": checks the test's two arguments (TILESIM SOURCE_DIR) and sets
# src and tilesim (absolute) and tmp (a scratch folder removed when the test exits).
setup_test() {
  local name=$1
  shift
  if (($# != 2)); then echo "usage: $name.sh TILESIM SOURCE_DIR" >&2; exit 2; fi
  src=$(cd "$2" && pwd) tilesim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/tilesim-$name.XXXXXX")
  # shellcheck disable=SC2064  # $tmp is fixed now
  trap "rm -rf -- '$tmp'" EXIT
}

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# tree_state DIR...: a listing (names, sizes, times) of everything under the folders.
tree_state() { find "$@" -printf '%p\t%s\t%T@\n' 2>/dev/null | sort; }

# expect_refusal WHAT EXPECTED_LINE COMMAND...: COMMAND exits 2 with exactly one line,
# EXPECTED_LINE, on stderr, nothing on stdout, and writes nothing under $tmp/cwd or
# $tmp/data (the folders the tests give as --out, --collect or inputs).
expect_refusal() {
  local what=$1 want=$2 rc=0 before after err
  local -a lines
  shift 2
  before=$(tree_state "$tmp/cwd" "$tmp/data")
  (cd "$tmp/cwd" && "$@") >"$tmp/refusal.out" 2>"$tmp/refusal.err" </dev/null || rc=$?
  after=$(tree_state "$tmp/cwd" "$tmp/data")
  err=$(<"$tmp/refusal.err")
  mapfile -t lines <"$tmp/refusal.err"
  ((rc == 2)) || fail "$what: exit status $rc, expected 2 (stderr: $err)"
  [[ ! -s $tmp/refusal.out ]] || fail "$what: stdout is not empty: $(<"$tmp/refusal.out")"
  ((${#lines[@]} == 1)) || fail "$what: ${#lines[@]} lines on stderr, expected 1: $err"
  [[ $err == "$want" ]] || fail "$what: stderr
  got:      $err
  expected: $want"
  [[ $before == "$after" ]] || fail "$what: files were written or changed:
$(diff <(echo "$before") <(echo "$after"))"
  pass "$what"
}

# no_pwned DIR...: no file named PWNED exists under the folders (a hostile name was run).
no_pwned() {
  local found
  found=$(find "$@" -name PWNED 2>/dev/null | head -n 3)
  [[ -z $found ]] || fail "a hostile name was run as code: $found"
}
