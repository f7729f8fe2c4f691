// ONNX TensorProto files (.pb): the format of the ONNX backend test data
// (test_data_set_*/input_*.pb, output_*.pb), read and written with the
// protobuf classes of libonnx-dev. docs/formats.md lists what is accepted.
#pragma once

#include <string>

#include "sim/io/host_tensor.h"
#include "sim/io/staged_file.h"

namespace tilesim {

// Reads one serialized onnx.TensorProto: data_type FLOAT (float_data, or
// raw_data little-endian) or DOUBLE (double_data or raw_data, rounded to the
// nearest float32), rank 0 to 4, values stored in the file (not external, not
// a segment). Returns the tensor with `dims` set; stores the TensorProto's
// `name` in *name when name is not null. Every problem is an InputError
// "FILE: what is wrong (expected ...)", e.g.
//   "x.pb: data type INT32 is not supported (expected FLOAT or DOUBLE)";
// the element count the dims imply is checked against the stored values
// before anything is allocated for them.
HostTensor read_tensor_proto(const std::string& path, std::string* name = nullptr);

// Writes `tensor` as a TensorProto named `name`: data_type FLOAT, dims =
// tensor.shape(), the values as little-endian raw_data. Whole or not at all
// (staged as sim/io/staged_file.h says). Throws InputError when the folder
// cannot take the file, std::runtime_error when writing fails midway or the
// tensor is over protobuf's 2 GiB message limit, std::invalid_argument when
// the tensor is inconsistent.
StagedFile stage_tensor_proto(const std::string& path, const HostTensor& tensor, const std::string& name);
// stage_tensor_proto + commit.
void write_tensor_proto(const std::string& path, const HostTensor& tensor, const std::string& name);

}  // namespace tilesim
