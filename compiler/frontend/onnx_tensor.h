// The values an onnx.TensorProto stores, read strictly: the one rule for ONNX
// initializers (onnx_loader) and for TensorProto files (sim/io/tensor_proto).
//
// Accepted: data_type FLOAT or DOUBLE (DOUBLE rounded to the nearest float32),
// the values inside the message, in exactly one place - raw_data (little-
// endian) or the typed field of the data type (float_data, double_data) - and
// exactly as many as the dims imply. Refused, never guessed: any other data
// type, external data, a segment, values in both raw_data and the typed
// field, values in a field of another type (int32_data in a FLOAT tensor,
// double_data in FLOAT, ...), too few or too many values. Each refusal is a
// Refusal the caller puts into an InputError with its own location.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/frontend/size_limits.h"

namespace onnx {
class TensorProto;
}

namespace tilesim::frontend {

// Data type, storage and segment: what can be checked before the dims.
// `file_kind` names the file for "the values in the .pb file itself".
std::optional<Refusal> tensor_storage_refusal(const onnx::TensorProto& proto, const std::string& file_kind);

// Where the values are and how many, against `elements` (the product of the
// dims, already checked to be at most kMaxTensorElements). Reads no value.
std::optional<Refusal> tensor_values_refusal(const onnx::TensorProto& proto, std::int64_t elements);

// The values as float32; only after both checks above found nothing.
std::vector<float> tensor_values(const onnx::TensorProto& proto, std::int64_t elements);

}  // namespace tilesim::frontend
