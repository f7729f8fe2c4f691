
#include "sim/model/memories.h"
#include "compiler/support/interrupt.h"

#include <algorithm>
#include <new>
#include <stdexcept>

namespace tilesim::sim {

namespace {
constexpr std::int64_t kDim = sched::kTileDim;
}

std::int64_t Sram::used_bytes(const sched::Schedule& schedule) {
  std::int64_t end = 0;
  for (const sched::Uop& u : schedule.uops) {
    end = std::max<std::int64_t>(end, u.addr);
    for (int p = 0; p < u.num_srcs(); ++p) end = std::max<std::int64_t>(end, u.src_addr[p]);
  }
  return schedule.uops.empty() ? 0 : end + sched::kTileBytes;
}

Sram::Sram(const sched::Schedule& schedule) : bytes_(used_bytes(schedule)) {
  data_.reset(static_cast<float*>(std::calloc(static_cast<std::size_t>(bytes_ / 4) + 1, sizeof(float))));
  if (!data_) throw std::bad_alloc();
}

Dram::Dram(const sched::Schedule& schedule, const std::map<std::string, HostTensor>& inputs) : schedule_(schedule) {
  tensors_.reserve(schedule.tensors.size());
  for (const sched::TensorInfo& t : schedule.tensors) {
    poll_interrupt();
    if (t.transpose_of >= 0) {  // a view: LOADs read the tensor it shows
      tensors_.push_back(nullptr);
      continue;
    }
    const std::int64_t rows = t.rank <= 1 ? 1 : t.padded_rows;  // per matrix
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
    const auto count = static_cast<std::size_t>(t.batch * rows * t.padded_cols);
    float* padded = static_cast<float*>(std::calloc(count, sizeof(float)));
    if (!padded) throw std::bad_alloc();
    owned_.emplace_back(padded);
    if (values) {
      for (std::int64_t r = 0; r < t.batch * values->rows; ++r) {
        const std::int64_t matrix = r / values->rows, row = r % values->rows;
        std::copy_n(values->data.begin() + r * values->cols, values->cols,
                    padded + (matrix * rows + row) * t.padded_cols);
      }
    }
    tensors_.push_back(padded);
  }
}

void Dram::load_tile(const sched::TileRef& tile, float* sram_tile) const {
  const sched::TensorInfo& t = schedule_.tensors[tile.tensor];
  if (t.transpose_of >= 0) {
    // View tile (r, c) of matrix m is the transpose of the source's tile (c, r).
    const sched::TensorInfo& x = schedule_.tensors[t.transpose_of];
    const std::int64_t matrix = tile.row / t.tile_rows_per_matrix();
    const std::int64_t r = tile.row % t.tile_rows_per_matrix();
    const float* base =
        tensors_[t.transpose_of] + ((matrix * x.tile_rows_per_matrix() + tile.col) * kDim) * x.padded_cols + r * kDim;
    for (std::int64_t q = 0; q < kDim; ++q)
      for (std::int64_t p = 0; p < kDim; ++p) sram_tile[q * kDim + p] = base[p * x.padded_cols + q];
    return;
  }
  if (t.is_scalar()) {  // the value across the whole row: a scalar serves as a bias row
    std::fill_n(sram_tile, kDim, tensors_[tile.tensor][0]);
    return;
  }
  const float* base = tensors_[tile.tensor] + tile.row * kDim * t.padded_cols + tile.col * kDim;
  const std::int64_t rows = t.rank <= 1 ? 1 : kDim;
  for (std::int64_t r = 0; r < rows; ++r) std::copy_n(base + r * t.padded_cols, kDim, sram_tile + r * kDim);
}

void Dram::store_tile(const sched::TileRef& tile, const float* sram_tile) {
  const sched::TensorInfo& t = schedule_.tensors[tile.tensor];
  // Inputs may be the caller's own memory (read in place) and views have no
  // storage; a valid schedule stores into neither (the validator rejects it).
  if (t.role == sched::TensorRole::Input || t.role == sched::TensorRole::Param || t.transpose_of >= 0) {
    throw std::logic_error("STORE into " + t.name + ", an input, param or view");
  }
  float* base = tensors_[tile.tensor] + tile.row * kDim * t.padded_cols + tile.col * kDim;
  const std::int64_t rows = t.rank <= 1 ? 1 : kDim;
  for (std::int64_t r = 0; r < rows; ++r) std::copy_n(sram_tile + r * kDim, kDim, base + r * t.padded_cols);
}

HostTensor Dram::read_tensor(std::int32_t tensor) const {
  const sched::TensorInfo& t = schedule_.tensors[tensor];
  std::vector<std::int64_t> dims = t.dims;
  if (dims.empty()) dims = t.rank == 1 ? std::vector<std::int64_t>{t.cols} : std::vector<std::int64_t>{t.rows, t.cols};
  std::vector<float> data(static_cast<std::size_t>(t.batch * t.rows * t.cols));
  const std::int64_t prows = t.rank <= 1 ? 1 : t.padded_rows;
  for (std::int64_t r = 0; r < t.batch * t.rows; ++r) {
    const std::int64_t matrix = r / t.rows, row = r % t.rows;
    std::copy_n(tensors_[tensor] + (matrix * prows + row) * t.padded_cols, t.cols, data.begin() + r * t.cols);
  }
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

}  // namespace tilesim::sim
