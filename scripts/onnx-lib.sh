# shellcheck shell=bash
# Reading an ONNX model's op types and graph input/output names from bash, shared by
# scripts/onnx-conformance.sh and scripts/check-torch-models.sh. Sourced, not run.
#
# Contract: the model is decoded by protoc (Debian's protobuf-compiler) with the
# onnx.proto of libonnx-dev; names are data, never evaluated: a name holding quotes,
# $(...), a newline or bytes that are not UTF-8 comes back as exactly those bytes.
# The caller checks that protoc and /usr/include/onnx/onnx.proto exist.

# decode DIR: DIR/model.onnx as protobuf text (empty if it does not parse).
decode() { protoc --decode=onnx.ModelProto -I /usr/include onnx/onnx.proto <"$1/model.onnx" 2>/dev/null; }
# ops_of DIR: the model's op types, sorted, one per line.
ops_of() { decode "$1" | sed -n 's/^ *op_type: "\(.*\)"$/\1/p' | sort -u; }

# unescape TEXT: REPLY = a protobuf text-format string body (C escapes: \n \t \" \\ \ooo
# \xHH ...) as the bytes it stands for.
unescape() {
  local LC_ALL=C s=$1 out='' c
  while [[ -n $s ]]; do
    if [[ $s =~ ^\\([0-7]{1,3}) || $s =~ ^\\x([0-9A-Fa-f]{1,2}) ]]; then
      # shellcheck disable=SC2059  # (the format is \ooo or \xHH: digits checked above)
      if [[ ${s:1:1} == x ]]; then printf -v c "\\x${BASH_REMATCH[1]}"; else printf -v c "\\${BASH_REMATCH[1]}"; fi
      out+=$c s=${s:${#BASH_REMATCH[0]}}
    elif [[ ${s:0:1} == \\ ]]; then
      case ${s:1:1} in
        n) out+=$'\n' ;; t) out+=$'\t' ;; r) out+=$'\r' ;; a) out+=$'\a' ;; b) out+=$'\b' ;;
        f) out+=$'\f' ;; v) out+=$'\v' ;; *) out+=${s:1:1} ;;
      esac
      s=${s:2}
    else
      out+=${s:0:1} s=${s:1}
    fi
  done
  REPLY=$out
}

# names_of DIR input|output|initializer [TEXT]: NAMES = the names of that top-level graph
# field, from TEXT (decode's output) when given, else from decoding DIR's model.
# (Top-level fields are indented by two spaces: "  input {", "    name: ...". protoc
# escapes every string, so each name is one line here.)
names_of() {
  local line
  NAMES=()
  while IFS= read -r line; do
    unescape "$line"
    NAMES+=("$REPLY")
  done < <(if (($# > 2)); then printf '%s\n' "$3"; else decode "$1"; fi | awk -v field="$2" '
    $0 == "  " field " {" { want = 1; next }
    want && /^    name: "/ { sub(/^    name: "/, ""); sub(/"$/, ""); print; want = 0 }')
}

# graph_io DIR: INPUTS = the graph inputs that are not initializers, OUTPUTS = the graph
# outputs, each in the model's order.
# shellcheck disable=SC2034  # (INPUTS and OUTPUTS are for the caller)
graph_io() {
  local name text
  local -A init=()
  text=$(decode "$1")
  names_of "$1" initializer "$text"
  for name in "${NAMES[@]}"; do init[x$name]=1; done
  names_of "$1" input "$text"
  INPUTS=()
  for name in "${NAMES[@]}"; do [[ -n ${init[x$name]:-} ]] || INPUTS+=("$name"); done
  names_of "$1" output "$text"
  OUTPUTS=("${NAMES[@]}")
}
