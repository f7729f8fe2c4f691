// A tensor file of either format, chosen by the file's extension: ".npy"
// (NumPy, sim/io/npy.h) or ".pb" (ONNX TensorProto, sim/io/tensor_proto.h).
#pragma once

#include <string>

#include "sim/io/host_tensor.h"
#include "sim/io/staged_file.h"

namespace tilesim {

// read_npy or read_tensor_proto by extension; any other extension is an
// InputError "FILE: ... (expected a .npy (NumPy) or .pb (ONNX TensorProto) file)".
HostTensor read_tensor_file(const std::string& path);

// stage_npy (which ignores `name`) or stage_tensor_proto by extension; any
// other extension is the InputError above.
StagedFile stage_tensor_file(const std::string& path, const HostTensor& tensor, const std::string& name);
// stage_tensor_file + commit.
void write_tensor_file(const std::string& path, const HostTensor& tensor, const std::string& name);

// True when `path` ends in ".npy" or ".pb".
bool is_tensor_file_name(const std::string& path);

}  // namespace tilesim
