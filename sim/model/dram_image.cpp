#include "sim/model/dram_image.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/dram_placement.h"
#include "compiler/support/interrupt.h"

namespace tilesim::sim {

namespace {

constexpr std::int64_t kDim = sched::kTileDim;

// Calls f(tile, r0, c0, rows, cols): every tile of a tensor with storage, with
// the true rows and columns of its matrix it holds, from (r0, c0) there.
template <typename F>
void for_each_tile(const sched::TensorInfo& t, std::int32_t index, F f) {
  const std::int64_t per_matrix = t.tile_rows_per_matrix();
  for (std::int64_t tr = 0; tr < t.tile_rows(); ++tr) {
    poll_interrupt();
    for (std::int64_t tc = 0; tc < t.tile_cols(); ++tc) {
      const std::int64_t r0 = (tr % per_matrix) * kDim, c0 = tc * kDim;
      const std::int64_t rows = std::min(kDim, t.rows - r0), cols = std::min(kDim, t.cols - c0);
      f(sched::TileRef{index, static_cast<std::int32_t>(tr), static_cast<std::int32_t>(tc)}, tr / per_matrix, r0, c0,
        rows, cols);
    }
  }
}

}  // namespace

DramImage::DramImage(const sched::Schedule& schedule, bool with_data)
    : schedule_(schedule), size_(sched::dram_extent(schedule)) {
  if (!with_data) return;
  data_.reset(static_cast<unsigned char*>(std::calloc(static_cast<std::size_t>(size_) + 4, 1)));
  if (!data_) throw std::bad_alloc();
}

void DramImage::scatter_tile(const sched::TileRef& tile, const float* values) {
  const auto* from = reinterpret_cast<const unsigned char*>(values);
  for (const sched::DramSpan& span : sched::tile_spans(schedule_, tile)) {
    std::memcpy(data_.get() + span.address, from, span.bytes);
    from += span.bytes;
  }
}

void DramImage::gather_tile(const sched::TileRef& tile, float* values) const {
  auto* to = reinterpret_cast<unsigned char*>(values);
  for (const sched::DramSpan& span : sched::tile_spans(schedule_, tile)) {
    std::memcpy(to, data_.get() + span.address, span.bytes);
    to += span.bytes;
  }
}

void DramImage::write_inputs(const std::map<std::string, HostTensor>& inputs) {
  float tile[kDim * kDim];
  for (std::size_t i = 0; i < schedule_.tensors.size(); ++i) {
    const sched::TensorInfo& t = schedule_.tensors[i];
    if (t.is_view() || (t.role != sched::TensorRole::Input && t.role != sched::TensorRole::Param)) continue;
    const auto it = inputs.find(t.name);
    if (it == inputs.end()) throw std::logic_error("no values for tensor " + t.name);
    const HostTensor& values = it->second;
    for_each_tile(t, static_cast<std::int32_t>(i),
                  [&](const sched::TileRef& ref, std::int64_t matrix, std::int64_t r0, std::int64_t c0,
                      std::int64_t rows, std::int64_t cols) {
                    std::fill_n(tile, kDim * kDim, 0.0f);
                    for (std::int64_t r = 0; r < rows; ++r) {
                      const std::int64_t at = (matrix * values.rows + r0 + r) * values.cols + c0;
                      std::copy_n(values.data.begin() + at, cols, tile + r * kDim);
                    }
                    scatter_tile(ref, tile);
                  });
  }
}

HostTensor DramImage::read_tensor(std::int32_t tensor) const {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tensor)];
  std::vector<std::int64_t> dims = t.dims;
  if (dims.empty()) dims = t.rank == 1 ? std::vector<std::int64_t>{t.cols} : std::vector<std::int64_t>{t.rows, t.cols};
  std::vector<float> data(static_cast<std::size_t>(t.batch * t.rows * t.cols));
  float tile[kDim * kDim];
  for_each_tile(t, tensor,
                [&](const sched::TileRef& ref, std::int64_t matrix, std::int64_t r0, std::int64_t c0, std::int64_t rows,
                    std::int64_t cols) {
                  gather_tile(ref, tile);
                  for (std::int64_t r = 0; r < rows; ++r) {
                    std::copy_n(tile + r * kDim, cols, data.begin() + (matrix * t.rows + r0 + r) * t.cols + c0);
                  }
                });
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

}  // namespace tilesim::sim
