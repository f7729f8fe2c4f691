#include "sim/model/dram_image.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

#include "compiler/support/interrupt.h"

namespace tilesim::sim {

namespace {

constexpr std::uint64_t kAlignment = sched::kTileBytes;

std::uint64_t padded_bytes(const sched::TensorInfo& t) {
  return static_cast<std::uint64_t>(t.batch * (t.rank <= 1 ? 1 : t.padded_rows) * t.padded_cols) * 4;
}

}  // namespace

DramImage::DramImage(const sched::Schedule& schedule, bool with_data)
    : schedule_(schedule), base_(schedule.tensors.size(), 0) {
  // Tensors in table order, each at a 4 KiB boundary; a view at the tensor it shows.
  for (std::size_t t = 0; t < schedule.tensors.size(); ++t) {
    const sched::TensorInfo& info = schedule.tensors[t];
    if (info.transpose_of >= 0) continue;
    base_[t] = size_;
    size_ += (padded_bytes(info) + kAlignment - 1) / kAlignment * kAlignment;
  }
  for (std::size_t t = 0; t < schedule.tensors.size(); ++t) {
    if (schedule.tensors[t].transpose_of >= 0)
      base_[t] = base_[static_cast<std::size_t>(schedule.tensors[t].transpose_of)];
  }
  if (!with_data) return;
  data_.reset(static_cast<unsigned char*>(std::calloc(static_cast<std::size_t>(size_) + 4, 1)));
  if (!data_) throw std::bad_alloc();
}

void DramImage::write_inputs(const std::map<std::string, HostTensor>& inputs) {
  for (std::size_t i = 0; i < schedule_.tensors.size(); ++i) {
    poll_interrupt();
    const sched::TensorInfo& t = schedule_.tensors[i];
    if (t.transpose_of >= 0 || (t.role != sched::TensorRole::Input && t.role != sched::TensorRole::Param)) continue;
    const auto it = inputs.find(t.name);
    if (it == inputs.end()) throw std::logic_error("no values for tensor " + t.name);
    const HostTensor& values = it->second;
    const std::int64_t rows = t.rank <= 1 ? 1 : t.padded_rows;  // per matrix
    auto* padded = reinterpret_cast<float*>(data_.get() + base_[i]);
    for (std::int64_t r = 0; r < t.batch * values.rows; ++r) {
      const std::int64_t matrix = r / values.rows, row = r % values.rows;
      std::copy_n(values.data.begin() + r * values.cols, values.cols, padded + (matrix * rows + row) * t.padded_cols);
    }
  }
}

HostTensor DramImage::read_tensor(std::int32_t tensor) const {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tensor)];
  std::vector<std::int64_t> dims = t.dims;
  if (dims.empty()) dims = t.rank == 1 ? std::vector<std::int64_t>{t.cols} : std::vector<std::int64_t>{t.rows, t.cols};
  std::vector<float> data(static_cast<std::size_t>(t.batch * t.rows * t.cols));
  const std::int64_t prows = t.rank <= 1 ? 1 : t.padded_rows;
  const auto* padded = reinterpret_cast<const float*>(data_.get() + base(tensor));
  for (std::int64_t r = 0; r < t.batch * t.rows; ++r) {
    const std::int64_t matrix = r / t.rows, row = r % t.rows;
    std::copy_n(padded + (matrix * prows + row) * t.padded_cols, t.cols, data.begin() + r * t.cols);
  }
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

sched::TileRef DramImage::stored_tile(const sched::TileRef& tile) const {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tile.tensor)];
  if (t.transpose_of < 0) return tile;
  const sched::TensorInfo& x = schedule_.tensors[static_cast<std::size_t>(t.transpose_of)];
  const std::int64_t matrix = tile.row / t.tile_rows_per_matrix();
  const std::int64_t r = tile.row % t.tile_rows_per_matrix();
  return {t.transpose_of, static_cast<std::int32_t>(matrix * x.tile_rows_per_matrix() + tile.col),
          static_cast<std::int32_t>(r)};
}

}  // namespace tilesim::sim
