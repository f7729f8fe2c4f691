// The matmul unit as a systolic array of multiply-accumulate cells
// (compute.array in the hardware file, issue 15): its rows, its columns and
// which operand stays in the cells while the others stream through. It holds
// the parameters only; the cycles a tile matmul takes on it are the
// CostModel's (compiler/hw/cost_model.h), stated in docs/cycle-model.md.
#pragma once

#include <cstdint>
#include <string>

namespace tilesim {

namespace yaml {
class MapReader;
}

// SCALE-Sim's three dataflows, by the operand that stays in the cells.
enum class Dataflow {
  OutputStationary,  // each cell accumulates one output; A and B stream through
  WeightStationary,  // each cell holds one element of B; A streams, partial sums flow down
  InputStationary,   // each cell holds one element of A; B streams, partial sums flow down
};
const char* to_string(Dataflow dataflow);

struct ComputeArray {
  std::int64_t rows = 0;  // 0: no array given (compute.matmul_tile_cycles applies)
  std::int64_t cols = 0;
  Dataflow dataflow = Dataflow::OutputStationary;
  bool given() const { return rows > 0; }
  bool operator==(const ComputeArray& o) const {
    return rows == o.rows && cols == o.cols && dataflow == o.dataflow;
  }
};

// The largest side accepted: 4096 cells, sixteen times a TPU v1's 256.
inline constexpr std::int64_t kMaxArraySide = 4096;

// Reads compute.array (absent: not given) from the compute section, and
// refuses it beside an explicit compute.matmul_tile_cycles, naming that key.
ComputeArray read_compute_array(yaml::MapReader& compute);

// The `array:` lines of check-config's printout (nothing when not given),
// with the cycles the CostModel derives as comments.
std::string compute_array_yaml(const ComputeArray& array, std::int64_t tile_cycles, std::int64_t streaming_cycles);

}  // namespace tilesim
