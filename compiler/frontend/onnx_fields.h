// Fields of an ONNX protobuf message that the onnx.proto tilesim is built
// with (Debian 12's libonnx-dev: ONNX 1.12, IR version 8) does not define. protobuf keeps them
// as "unknown fields" and every reader would silently skip them; tilesim
// refuses them instead, except the few later additions known to be only
// annotations (metadata_props of ModelProto's graph, nodes, value infos and
// tensors, IR version 10), so that a model or tensor never means more than
// what was read. An enum value that onnx.proto does not define (a
// data_location of 5) is an unknown field too.
#pragma once

#include <optional>
#include <string>

#include "compiler/frontend/size_limits.h"

namespace google::protobuf {
class Message;
}

namespace tilesim::frontend {

struct UnknownField {
  std::string path;  // where, e.g. "graph.node[2]"; "" for the message itself
  int number = 0;    // the field number
  std::string name;  // the field's name when the number is known but not its value (an enum), else ""
};

// The first unknown field of `message` or of a message inside it, depth
// first, skipping the model's functions and training_info (which tilesim
// does not use; docs/onnx.md says why that is harmless).
std::optional<UnknownField> first_unknown_field(const google::protobuf::Message& message);

// For an InputError: "field number 8 is not defined in ONNX IR version 8",
// or "data_location has a value that ONNX IR version 8 does not define".
Refusal refusal_for(const UnknownField& field);

}  // namespace tilesim::frontend
