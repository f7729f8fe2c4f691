// NumPy .npy files, read and written by hand (no NumPy, no Python): the
// format of --input values and of the simulator's outputs. docs/formats.md
// lists exactly what is accepted.
#pragma once

#include <string>

#include "sim/io/host_tensor.h"
#include "sim/io/staged_file.h"

namespace tilesim {

// Reads a .npy file of format version 1.0, 2.0 or 3.0 holding a C-order
// little-endian float32 ('<f4') or float64 ('<f8', converted to float32 with
// round-to-nearest) array of rank 0 () to rank 4, returned with `dims` set
// (HostTensor::from_dims). NaN and infinities are data and kept. Every problem with the file is an InputError
// "FILE: what is wrong (expected ...)"; the size the shape implies is checked
// against the file before anything is allocated.
HostTensor read_npy(const std::string& path);

// Writes `tensor` as a version 1.0 '<f4' C-order file whose header is padded
// to a multiple of 64 bytes, of shape HostTensor::shape(): () for a scalar,
// (n,) for rank 1, (a, b, c) and so on, staged as sim/io/staged_file.h says
// (commit() puts it in place; errors as there). Throws std::invalid_argument
// when the tensor is inconsistent (data size, rank, dims against rows/cols).
StagedFile stage_npy(const std::string& path, const HostTensor& tensor);
// stage_npy + commit.
void write_npy(const std::string& path, const HostTensor& tensor);

// The bytes write_npy writes before the data (magic through padded header).
std::string npy_header_bytes(const HostTensor& tensor);

}  // namespace tilesim
