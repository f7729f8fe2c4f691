#!/usr/bin/env bash
# Regenerates the .onnx files of this corpus from their .textproto sources
# with protoc (package protobuf-compiler) and onnx.proto (package libonnx-dev).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for src in *.textproto; do
  protoc --encode=onnx.ModelProto -I /usr/include onnx/onnx.proto <"$src" >"${src%.textproto}.onnx"
done
# Text format cannot state a field onnx.proto lacks: append field 99 (varint 1).
printf '\x98\x06\x01' >>unknown-field.onnx
printf '\x08\x07\x12\xff\xff\xff\xff\x0f garbage' >not-protobuf.onnx
: >empty.onnx
