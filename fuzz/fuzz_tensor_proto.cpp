// libFuzzer target: the ONNX TensorProto (.pb) reader, tilesim::read_tensor_proto.
//
// Input: the bytes of a .pb file, written to a scratch file (read_tensor_proto reads a
// path). Oracles: only InputError may escape; a tensor that loads is
// consistent (data size = product of dims) and survives write_tensor_proto -> read_tensor_proto
// bit for bit, name included.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <typeinfo>

#include "compiler/support/input_error.h"
#include "fuzz/fuzz_common.h"
#include "fuzz/tensor_oracle.h"
#include "sim/io/tensor_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tilesim::fuzz::ScratchFile file(data, size, ".pb");
  TILESIM_FUZZ_GUARD({
    std::string name, name_again;
    const tilesim::HostTensor tensor = tilesim::read_tensor_proto(file.path(), &name);
    if (static_cast<std::int64_t>(tensor.data.size()) != tensor.element_count()) {
      tilesim::fuzz::finding("read_tensor_proto: " + std::to_string(tensor.data.size()) + " values for shape " +
                             tensor.shape_text());
    }
    const tilesim::fuzz::ScratchFile copy(".copy.pb");
    tilesim::write_tensor_proto(copy.path(), tensor, name);
    const tilesim::HostTensor again = tilesim::read_tensor_proto(copy.path(), &name_again);
    if (!tilesim::fuzz::same_bits(tensor, again) || name != name_again) {
      tilesim::fuzz::finding("write_tensor_proto -> read_tensor_proto changes the tensor or its name");
    }
  });
  return 0;
}
