#!/usr/bin/env bash
# Renders a VCD trace in GTKWave under Xvfb to a PNG, for docs and for
# machines without a display. See --help.
set -uo pipefail

prog=wave-snapshot.sh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tcl="$here/wave-snapshot.tcl"

usage() {
  cat <<'EOF'
usage: scripts/wave-snapshot.sh TRACE.vcd [OUT.png] [--from NS] [--to NS]
                                [--width PX] [--height PX] [--gtkw SAVE.gtkw] [--timeout S]

Renders TRACE.vcd (or an FST made by vcd2fst) in GTKWave under Xvfb (no display
needed) and writes a PNG of the GTKWave window.

  OUT.png          where to write (default: TRACE.png beside the VCD); written
                   to a temporary name in the same directory, then renamed
  --from NS        start of the window shown, in ns of simulated time
  --to NS          end of the window shown, in ns (either alone: from the start
                   of the trace / to its end; neither: the whole run)
  --width PX       size of the PNG (default 1400 x 640; at least 400 x 200)
  --height PX
  --gtkw FILE      GTKWave save file that picks and groups the signals (default:
                   TRACE.gtkw beside the VCD, as `tilesim run --vcd` writes it;
                   without one, tilesim's standard signals are added)
  --timeout S      give up after S seconds (default 60)
  -h, --help       this text

With tilesim's 1 GHz default clock, 1 ns is 1 cycle.
Exit status: 0 written; 2 bad input (missing file, not a VCD or one GTKWave
cannot parse, bad option, --from/--to outside the trace, OUT a folder); 1 GTKWave
or Xvfb failed or timed out. Paths and signal names are data: the Tcl script gets
them from the environment and never evaluates them.
Errors are one line on stderr: "wave-snapshot.sh: error: ...".
EOF
}

die() {  # die STATUS MESSAGE (on one line: control characters escaped)
  local msg=$2
  msg=${msg//$'\n'/\\n} msg=${msg//$'\t'/\\t} msg=${msg//[[:cntrl:]]/?}
  echo "$prog: error: $msg" >&2
  exit "$1"
}

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }
is_int() { [[ $1 =~ ^[0-9]+$ ]]; }

vcd="" out="" from="" to="" width=1400 height=640 gtkw="" timeout_s=60
positional=()
while (($#)); do
  arg=$1
  case $arg in
    -h|--help) usage; exit 0 ;;
    --from|--to|--width|--height|--gtkw|--timeout)
      (($# >= 2)) || die 2 "$arg needs a value (see --help)"
      val=$2; shift 2 ;;
    --from=*|--to=*|--width=*|--height=*|--gtkw=*|--timeout=*)
      val=${arg#*=}; arg=${arg%%=*}; shift ;;
    --) shift; positional+=("$@"); break ;;
    -*) die 2 "unknown option '$arg' (see --help)" ;;
    *) positional+=("$arg"); shift; continue ;;
  esac
  case $arg in
    --from) from=$val ;;
    --to) to=$val ;;
    --width) width=$val ;;
    --height) height=$val ;;
    --gtkw) gtkw=$val ;;
    --timeout) timeout_s=$val ;;
  esac
done

((${#positional[@]} >= 1)) || die 2 "no trace given (usage: $prog TRACE.vcd [OUT.png] [--from NS --to NS])"
((${#positional[@]} <= 2)) || die 2 "too many arguments: '${positional[2]}' (see --help)"
vcd=${positional[0]}
out=${positional[1]:-}

# --- the inputs -------------------------------------------------------------
[[ -e $vcd ]] || die 2 "$vcd: no such file"
[[ -f $vcd && -r $vcd ]] || die 2 "$vcd: not a readable file"
is_fst=0
if [[ $vcd == *.fst ]]; then
  # An FST (from vcd2fst): GTKWave reads it directly; its end time is not parsed here.
  is_fst=1
else
  # (grep without -q reads all its input: no SIGPIPE for head under pipefail)
  head -c 1048576 -- "$vcd" | grep -a '^[[:space:]]*\$var[[:space:]]' >/dev/null \
    || die 2 "$vcd: not a VCD file (no \$var declarations in its header)"
fi

for opt in width height; do
  v=${!opt}
  is_int "$v" || die 2 "--$opt '$v' is not a whole number of pixels"
done
((width >= 400 && width <= 8000)) || die 2 "--width $width is out of range (400..8000)"
((height >= 200 && height <= 8000)) || die 2 "--height $height is out of range (200..8000)"
is_int "$timeout_s" && ((timeout_s > 0)) || die 2 "--timeout '$timeout_s' is not a positive number of seconds"

if ((is_fst)); then
  start_ns=0 end_ns=""
else
  # The trace's time span in ns: $timescale (e.g. "1 ns", "10ps") times the
  # first and last timestamps.
  read -r ts_ns first_t < <(head -c 1048576 -- "$vcd" | awk '
    /\$timescale/ { on = 1 }
    on { text = text " " $0 }
    on && /\$end/ { on = 0; done = 1 }
    done && /^#[0-9]/ { first = substr($0, 2); exit }
    END {
      gsub(/\$timescale|\$end/, "", text); gsub(/[ \t]/, "", text)
      n = text + 0; if (n == 0) n = 1
      u = text; sub(/^[0-9.]+/, "", u)
      f["s"] = 1e9; f["ms"] = 1e6; f["us"] = 1e3; f["ns"] = 1; f["ps"] = 1e-3; f["fs"] = 1e-6
      printf "%.12g %s\n", n * ((u in f) ? f[u] : 1), (first == "" ? 0 : first)
    }')
  last_t=$(tail -c 1048576 -- "$vcd" | grep -a '^#[0-9]' | tail -n 1)
  last_t=${last_t#\#}
  start_ns=$(awk -v t="${first_t:-0}" -v s="$ts_ns" 'BEGIN { printf "%.12g", t * s }')
  end_ns=$(awk -v t="${last_t:-0}" -v s="$ts_ns" 'BEGIN { printf "%.12g", t * s }')
fi

if [[ -n $from || -n $to ]]; then
  [[ -z $from ]] || is_number "$from" || die 2 "--from '$from' is not a time in ns (e.g. 20000)"
  [[ -z $to ]] || is_number "$to" || die 2 "--to '$to' is not a time in ns (e.g. 60000)"
  from=${from:-$start_ns}
  to=${to:-$end_ns}
  [[ -n $to ]] || die 2 "--from needs --to on an FST trace (its end time is not read here)"
  [[ -z $end_ns ]] || awk -v a="$from" -v e="$end_ns" 'BEGIN { exit !(a < e) }' \
    || die 2 "--from $from is at or past the end of the trace ($end_ns ns)"
  awk -v a="$from" -v b="$to" 'BEGIN { exit !(a < b) }' \
    || die 2 "--from $from must be before --to $to"
  awk -v b="$to" -v s="$start_ns" 'BEGIN { exit !(b > s) }' \
    || die 2 "--to $to is at or before the start of the trace ($start_ns ns)"
fi

if [[ -z $gtkw ]]; then
  stem=$vcd
  [[ $vcd == *.vcd || $vcd == *.fst ]] && ((${#vcd} > 4)) && stem=${vcd%.*}
  candidate=$stem.gtkw
  [[ -f $candidate ]] && gtkw=$candidate
else
  [[ -f $gtkw && -r $gtkw ]] || die 2 "$gtkw: no such save file"
fi

if [[ -z $out ]]; then
  stem=$vcd
  [[ $vcd == *.vcd || $vcd == *.fst ]] && ((${#vcd} > 4)) && stem=${vcd%.*}
  out=$stem.png
fi
out_dir=.
[[ $out != */* ]] || out_dir=${out%/*}
out_dir=${out_dir:-/}
[[ -d $out_dir ]] || die 2 "$out: directory $out_dir does not exist"
[[ -w $out_dir ]] || die 2 "$out: directory $out_dir is not writable"
[[ ! -d $out ]] || die 2 "$out: is a directory (expected the PNG file to write)"

# --- the tools --------------------------------------------------------------
command -v gtkwave >/dev/null || die 1 "gtkwave is not installed (Debian: apt-get install gtkwave)"
command -v xvfb-run >/dev/null || die 1 "xvfb-run is not installed (Debian: apt-get install xvfb xauth)"
[[ -r $tcl ]] || die 1 "$tcl is missing"

# Temporary files: $work (logs, the save file copy) and $grab_dir, a private folder made by
# mktemp beside OUT that GTKWave writes the PNG into, so the final rename stays on one
# filesystem and no name GTKWave opens can be planted. Both go on every exit path. Their
# paths are absolute.
work='' grab_dir=''
cleanup() { rm -rf -- ${work:+"$work"} ${grab_dir:+"$grab_dir"}; }
trap cleanup EXIT
trap 'exit 1' INT TERM
work=$(mktemp -d "${TMPDIR:-/tmp}/wave-snapshot.XXXXXX") || die 1 "cannot create a temporary directory"
[[ $work == /* ]] || work=$PWD/$work

# GTKWave's [size] is the client area; the grab also has the window frame
# (GTK's header bar): ask for that much less so the PNG comes out WIDTH x HEIGHT.
frame_w=10 frame_h=56
args=()
if [[ -n $gtkw ]]; then
  # A copy of the save file with our window size (the original stays untouched).
  { echo "[size] $((width - frame_w)) $((height - frame_h))"; grep -v '^\[size\]' -- "$gtkw"; } >"$work/view.gtkw"
  args+=("$work/view.gtkw")
  add=0
else
  printf '[size] %d %d\n[sst_expanded] 0\n' $((width - frame_w)) $((height - frame_h)) >"$work/view.gtkw"
  args+=("$work/view.gtkw")
  add=1
fi

grab_dir=$(mktemp -d "$out_dir/.wave-snapshot.XXXXXX") || die 1 "cannot create a temporary folder in $out_dir"
[[ $grab_dir == /* ]] || grab_dir=$PWD/$grab_dir
tmp_png=$grab_dir/grab.png  # GTKWave creates it; no file there means it failed

screen_w=$((width + 200 > 1600 ? width + 200 : 1600))
screen_h=$((height + 200 > 900 ? height + 200 : 900))
# timeout signals its whole process group: xvfb-run, Xvfb and GTKWave.
WAVE_SNAPSHOT_OUT=$tmp_png WAVE_SNAPSHOT_FROM=$from WAVE_SNAPSHOT_TO=$to WAVE_SNAPSHOT_ADD=$add \
  timeout --kill-after=5 "$timeout_s" \
  xvfb-run -a -s "-screen 0 ${screen_w}x${screen_h}x24" \
  gtkwave --rcvar 'splash_disable on' --rcvar 'hide_sst on' -S "$tcl" -- "$vcd" "${args[@]}" \
  </dev/null >"$work/gtkwave.log" 2>&1
status=$?

if ((status == 124 || status == 137)); then
  die 1 "GTKWave did not finish within ${timeout_s} s (a big trace may need a larger --timeout)"
fi
if [[ ! -s $tmp_png ]] && grep -aq 'VCD parse errors' "$work/gtkwave.log"; then
  die 2 "$vcd: GTKWave cannot read this VCD ($(grep -am1 'VCD parse errors' "$work/gtkwave.log" | sed 's/^ *//'))"
fi
if [[ ! -s $tmp_png ]]; then
  reason=$(grep -av '^\s*$' "$work/gtkwave.log" | grep -aiE 'error|cannot|could not|malformed|exiting!' | tail -n 1)
  [[ -n $reason ]] || reason=$(grep -av '^\s*$' "$work/gtkwave.log" | tail -n 1)
  die 1 "GTKWave wrote no image (exit status $status): ${reason:-no output}"
fi

# Make the size exact if the window frame differed from what we assumed.
if command -v identify >/dev/null && command -v convert >/dev/null; then
  # (through stdin and stdout: ImageMagick reads globs, "[frame]" and "coder:" in names)
  size=$(identify -format '%w %h' png:- <"$tmp_png" 2>/dev/null)
  if [[ $size != "$width $height" ]]; then
    convert png:- -background '#d6d6d6' -gravity northwest -extent "${width}x${height}" png:- \
      <"$tmp_png" >"$grab_dir/sized.png" && mv -fT -- "$grab_dir/sized.png" "$tmp_png" \
      || die 1 "could not resize the grab to ${width}x${height}"
  fi
fi

chmod 644 -- "$tmp_png"
mv -fT -- "$tmp_png" "$out" || die 1 "cannot write $out"
echo "$out"
