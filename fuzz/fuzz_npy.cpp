// libFuzzer target: the .npy reader, tilesim::read_npy.
//
// Input: the bytes of a .npy file, written to a scratch file (read_npy reads a
// path). Oracles: only InputError may escape; a tensor that loads is
// consistent (data size = product of dims) and survives write_npy -> read_npy
// bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <typeinfo>

#include "compiler/support/input_error.h"
#include "fuzz/fuzz_common.h"
#include "fuzz/tensor_oracle.h"
#include "sim/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tilesim::fuzz::ScratchFile file(data, size, ".npy");
  TILESIM_FUZZ_GUARD({
    const tilesim::HostTensor tensor = tilesim::read_npy(file.path());
    if (static_cast<std::int64_t>(tensor.data.size()) != tensor.element_count()) {
      tilesim::fuzz::finding("read_npy: " + std::to_string(tensor.data.size()) + " values for shape " +
                             tensor.shape_text());
    }
    const tilesim::fuzz::ScratchFile copy(".copy.npy");
    tilesim::write_npy(copy.path(), tensor);
    const tilesim::HostTensor again = tilesim::read_npy(copy.path());
    if (!tilesim::fuzz::same_bits(tensor, again)) tilesim::fuzz::finding("write_npy -> read_npy changes the tensor");
  });
  return 0;
}
