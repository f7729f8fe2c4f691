// Shared by the libFuzzer targets: temp files for the path-based readers, the
// "report a finding" helper, and the compile oracle (passes, scheduler,
// validator) that the model and ONNX targets run on every graph that loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/ir/graph.h"

namespace tilesim::fuzz {

// A file holding one input for the path-based readers: this process's
// scratch path with the given extension (on /dev/shm when it exists, else
// $TMPDIR or /tmp), removed again when the object goes.
class ScratchFile {
 public:
  ScratchFile(const std::uint8_t* data, std::size_t size, const std::string& extension);
  explicit ScratchFile(const std::string& extension);  // a path only, nothing written
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A finding: prints it on stderr and aborts, which libFuzzer reports as a crash.
[[noreturn]] void finding(const std::string& what);

// Largest padded tensor (32x32 tiles, batch included) the compile oracle takes
// on, so that each execution stays in the millisecond range.
inline constexpr std::int64_t kMaxTilesPerTensor = 64;
inline constexpr std::size_t kMaxLiveOps = 64;

// False when the graph is too big to compile quickly (the input is skipped).
bool small_enough(const ir::Graph& graph);

// The oracle: runs the default passes and the scheduler on `graph` with an
// SRAM size and store delay picked from `seed` (from the minimum, 12 KiB, up to
// 256 KiB); a valid model must give a schedule the independent validator
// accepts. SramTooSmall is expected at the low end; a validator problem or any
// exception other than InputError is a finding.
void compile_and_validate(ir::Graph& graph, std::uint64_t seed);

// FNV-1a of the input, to pick options deterministically per input.
std::uint64_t hash_bytes(const std::uint8_t* data, std::size_t size);

}  // namespace tilesim::fuzz

// Runs `body`; InputError is the expected answer to bad input and is
// swallowed; any other exception is a finding.
#define TILESIM_FUZZ_GUARD(...)                                                                           \
  try {                                                                                                   \
    __VA_ARGS__;                                                                                          \
  } catch (const ::tilesim::InputError&) {                                                                \
  } catch (const std::exception& e) {                                                                     \
    ::tilesim::fuzz::finding(std::string("unexpected exception: ") + typeid(e).name() + ": " + e.what()); \
  } catch (...) {                                                                                         \
    ::tilesim::fuzz::finding("unexpected non-std exception");                                             \
  }
