// The file a graph output is written to inside --out-dir.
//
// Contract: output_file_name maps tensor names to file names one to one, and
// every result is a plain file name inside the folder: no '/', never "." or
// "..", never hidden (no leading '.'). Bytes in [A-Za-z0-9_.-] are kept (but a
// leading '.'), every other byte, '%' included, becomes %XX (two uppercase hex
// digits), so a PyTorch name such as "/fc2/Gemm_output_0" is written as
// "%2Ffc2%2FGemm_output_0.npy", "../../x" as "%2E.%2F..%2Fx.npy", and two
// different names never share a file. docs/cli.md states the rule.
#pragma once

#include <string>

namespace tilesim {

// `extension` without the dot ("npy", "pb"). Throws InputError for an empty name.
std::string output_file_name(const std::string& tensor_name, const std::string& extension);

}  // namespace tilesim
