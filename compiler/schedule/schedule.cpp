#include "compiler/schedule/schedule.h"

namespace tilesim::sched {

const char* to_string(Unit unit) { return unit == Unit::Dma ? "dma" : "compute"; }

const char* to_string(UopKind kind) {
  switch (kind) {
    case UopKind::Load:
      return "LOAD";
    case UopKind::Store:
      return "STORE";
    case UopKind::Exec:
      return "EXEC";
  }
  return "?";
}

const char* to_string(ExecKind kind) {
  switch (kind) {
    case ExecKind::MatMul:
      return "matmul";
    case ExecKind::Add:
      return "add";
    case ExecKind::BiasAdd:
      return "bias_add";
    case ExecKind::Relu:
      return "relu";
    case ExecKind::Scale:
      return "scale";
  }
  return "?";
}

const char* to_string(DramLayout layout) { return layout == DramLayout::TileMajor ? "tile_major" : "row_major"; }

std::optional<DramLayout> parse_dram_layout(const std::string& text) {
  if (text == "row_major") return DramLayout::RowMajor;
  if (text == "tile_major") return DramLayout::TileMajor;
  return std::nullopt;
}

const char* to_string(TensorRole role) {
  switch (role) {
    case TensorRole::Input:
      return "input";
    case TensorRole::Param:
      return "param";
    case TensorRole::Intermediate:
      return "intermediate";
    case TensorRole::Output:
      return "output";
  }
  return "?";
}

int Uop::num_srcs() const {
  if (kind != UopKind::Exec) return 0;
  switch (exec) {
    case ExecKind::MatMul:
      return src[2].valid() ? 3 : 2;
    case ExecKind::Add:
    case ExecKind::BiasAdd:
      return 2;
    case ExecKind::Relu:
    case ExecKind::Scale:
      return 1;
  }
  return 0;
}

}  // namespace tilesim::sched
