#include "compiler/frontend/onnx_fields.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>

#include <vector>

#include <onnx/onnx_pb.h>

namespace tilesim::frontend {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Fields added after ONNX 1.12 that only annotate: (message, field number).
bool harmless(const std::string& message, int number) {
  return (message == "NodeProto" && number == 9) || (message == "GraphProto" && number == 16) ||
         (message == "TensorProto" && number == 16) || (message == "ValueInfoProto" && number == 4);
}

bool skipped(const Message& message, const FieldDescriptor& field) {
  return message.GetDescriptor()->name() == "ModelProto" &&
         (field.name() == "functions" || field.name() == "training_info");
}

std::string child_path(const std::string& path, const FieldDescriptor& field, int index) {
  std::string child = path.empty() ? field.name() : path + "." + field.name();
  if (index >= 0) child += "[" + std::to_string(index) + "]";
  return child;
}

std::optional<UnknownField> walk(const Message& message, const std::string& path) {
  const auto& reflection = *message.GetReflection();
  const auto& unknown = reflection.GetUnknownFields(message);
  const std::string& type = message.GetDescriptor()->name();
  for (int i = 0; i < unknown.field_count(); ++i) {
    const int number = unknown.field(i).number();
    if (harmless(type, number)) continue;
    const FieldDescriptor* known = message.GetDescriptor()->FindFieldByNumber(number);
    return UnknownField{path, number, known ? known->name() : std::string()};
  }
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || skipped(message, *field)) continue;
    if (!field->is_repeated()) {
      if (auto found = walk(reflection.GetMessage(message, field), child_path(path, *field, -1))) return found;
      continue;
    }
    for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
      const Message& item = reflection.GetRepeatedMessage(message, field, i);
      if (auto found = walk(item, child_path(path, *field, i))) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<UnknownField> first_unknown_field(const Message& message) { return walk(message, ""); }

Refusal refusal_for(const UnknownField& field) {
  const std::string ir = "ONNX IR version " + std::to_string(onnx::IR_VERSION);
  const std::string expected = "the fields of " + ir + ", the onnx.proto tilesim reads";
  if (!field.name.empty()) return Refusal{field.name + " has a value that " + ir + " does not define", expected};
  return Refusal{"field number " + std::to_string(field.number) + " is not defined in " + ir, expected};
}

}  // namespace tilesim::frontend
