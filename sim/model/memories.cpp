#include "sim/model/memories.h"

#include <algorithm>
#include <stdexcept>

namespace tilesim::sim {

namespace {
constexpr std::int64_t kDim = sched::kTileDim;
}

Dram::Dram(const sched::Schedule& schedule, const std::map<std::string, HostTensor>& inputs)
    : schedule_(schedule) {
  tensors_.reserve(schedule.tensors.size());
  for (const sched::TensorInfo& t : schedule.tensors) {
    const std::int64_t rows = t.rank == 1 ? 1 : t.padded_rows;
    const HostTensor* values = nullptr;
    if (t.role == sched::TensorRole::Input || t.role == sched::TensorRole::Param) {
      const auto it = inputs.find(t.name);
      if (it == inputs.end()) throw std::logic_error("no values for tensor " + t.name);
      values = &it->second;
      if (values->rows == rows && values->cols == t.padded_cols) {
        tensors_.push_back(const_cast<float*>(values->data.data()));
        continue;
      }
    }
    float* padded = static_cast<float*>(std::calloc(static_cast<std::size_t>(rows * t.padded_cols), sizeof(float)));
    if (!padded) throw std::bad_alloc();
    owned_.emplace_back(padded);
    if (values) {
      for (std::int64_t r = 0; r < values->rows; ++r) {
        std::copy_n(values->data.begin() + r * values->cols, values->cols, padded + r * t.padded_cols);
      }
    }
    tensors_.push_back(padded);
  }
}

void Dram::load_tile(const sched::TileRef& tile, float* sram_tile) const {
  const sched::TensorInfo& t = schedule_.tensors[tile.tensor];
  const float* base = tensors_[tile.tensor] + tile.row * kDim * t.padded_cols + tile.col * kDim;
  const std::int64_t rows = t.rank == 1 ? 1 : kDim;
  for (std::int64_t r = 0; r < rows; ++r) std::copy_n(base + r * t.padded_cols, kDim, sram_tile + r * kDim);
}

void Dram::store_tile(const sched::TileRef& tile, const float* sram_tile) {
  const sched::TensorInfo& t = schedule_.tensors[tile.tensor];
  // Inputs may be the caller's own memory (read in place); a valid schedule
  // never stores into them (the validator rejects it).
  if (t.role == sched::TensorRole::Input || t.role == sched::TensorRole::Param) {
    throw std::logic_error("STORE into " + t.name + ", an input or param");
  }
  float* base = tensors_[tile.tensor] + tile.row * kDim * t.padded_cols + tile.col * kDim;
  const std::int64_t rows = t.rank == 1 ? 1 : kDim;
  for (std::int64_t r = 0; r < rows; ++r) std::copy_n(sram_tile + r * kDim, kDim, base + r * t.padded_cols);
}

HostTensor Dram::read_tensor(std::int32_t tensor) const {
  const sched::TensorInfo& t = schedule_.tensors[tensor];
  HostTensor out;
  out.rank = t.rank;
  out.rows = t.rows;
  out.cols = t.cols;
  out.data.resize(static_cast<std::size_t>(t.rows * t.cols));
  for (std::int64_t r = 0; r < t.rows; ++r) {
    std::copy_n(tensors_[tensor] + r * t.padded_cols, t.cols, out.data.begin() + r * t.cols);
  }
  return out;
}

}  // namespace tilesim::sim
