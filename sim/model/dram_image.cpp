#include "sim/model/dram_image.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/dram_placement.h"
#include "compiler/support/interrupt.h"
#include "sim/io/input_values.h"

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
  data_ = std::make_unique<HugePageBuffer>(static_cast<std::size_t>(size_) + 4);
}

void DramImage::write_tile(const sched::TileRef& tile, const float* values) {
  const auto* from = reinterpret_cast<const unsigned char*>(values);
  sched::tile_spans(schedule_, tile, &spans_);
  for (const sched::DramSpan& span : spans_) {
    std::memcpy(data_->data() + span.address, from, span.bytes);
    from += span.bytes;
  }
}

void DramImage::read_tile(const sched::TileRef& tile, float* values) const {
  auto* to = reinterpret_cast<unsigned char*>(values);
  sched::tile_spans(schedule_, tile, &spans_);
  for (const sched::DramSpan& span : spans_) {
    std::memcpy(to, data_->data() + span.address, span.bytes);
    to += span.bytes;
  }
}

template <typename F>
void DramImage::for_each_element(const sched::TensorInfo& t, F f) const {
  const std::size_t rank = t.dims.size();
  std::int64_t count = 1;
  for (const std::int64_t d : t.dims) count *= d;
  std::vector<std::int64_t> index(rank, 0);
  for (std::int64_t i = 0; i < count; ++i) {
    if ((i & 0xFFFFF) == 0) poll_interrupt();
    f(i, sched::element_address(t, sched::storage_coord(t, index.data()), schedule_.dram_layout));
    for (std::size_t d = rank; d-- > 0;) {  // the next index, row-major
      if (++index[d] < t.dims[d]) break;
      index[d] = 0;
    }
  }
}

void DramImage::write_inputs(const std::map<std::string, HostTensor>& inputs,
                             const std::optional<std::uint64_t>& seed) {
  for (std::size_t i = 0; i < schedule_.tensors.size(); ++i) {
    const sched::TensorInfo& t = schedule_.tensors[i];
    if (t.is_view() || (t.role != sched::TensorRole::Input && t.role != sched::TensorRole::Param)) continue;
    const auto it = inputs.find(t.name);
    if (it == inputs.end() && !seed) throw std::logic_error("no values for tensor " + t.name);
    const bool rows = t.layout == sched::TensorLayout::Matrix && schedule_.dram_layout == sched::DramLayout::RowMajor;
    if (it == inputs.end() && rows) {
      write_seeded_rows(t, *seed);
    } else if (it == inputs.end()) {
      HostTensor host = HostTensor::from_dims(sched::true_dims(t), {});
      host.data = seeded_values(*seed, t.name, static_cast<std::size_t>(host.element_count()));
      write_tensor(static_cast<std::int32_t>(i), host);
    } else {
      write_tensor(static_cast<std::int32_t>(i), it->second);
    }
  }
}

void DramImage::write_tensor(std::int32_t tensor, const HostTensor& values) {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tensor)];
  if (t.layout != sched::TensorLayout::Matrix) {
    if (values.shape() != t.dims) throw std::logic_error("values of " + t.name + " have shape " + values.shape_text());
    for_each_element(t, [&](std::int64_t i, std::uint64_t address) {
      std::memcpy(data_->data() + address, &values.data[static_cast<std::size_t>(i)], sizeof(float));
    });
  } else if (schedule_.dram_layout == sched::DramLayout::RowMajor) {
    write_rows(t, values);
  } else {
    float tile[kDim * kDim];
    for_each_tile(t, tensor,
                  [&](const sched::TileRef& ref, std::int64_t matrix, std::int64_t r0, std::int64_t c0,
                      std::int64_t rows, std::int64_t cols) {
                    std::fill_n(tile, kDim * kDim, 0.0f);
                    for (std::int64_t r = 0; r < rows; ++r) {
                      const std::int64_t at = (matrix * values.rows + r0 + r) * values.cols + c0;
                      std::copy_n(values.data.begin() + at, cols, tile + r * kDim);
                    }
                    write_tile(ref, tile);
                  });
  }
}

// Row-major storage keeps each true row of a matrix contiguous: calls
// f(row's DRAM address, its first element's index in the true matrix stack).
template <typename F>
void DramImage::for_each_row(const sched::TensorInfo& t, F f) const {
  for (std::int64_t m = 0; m < t.batch; ++m) {
    poll_interrupt();
    for (std::int64_t r = 0; r < t.rows; ++r) {
      f(sched::element_address(t, sched::StorageCoord{m, r, 0}, sched::DramLayout::RowMajor),
        static_cast<std::size_t>((m * t.rows + r) * t.cols));
    }
  }
}

// A row-major matrix's seeded values, each true row generated where it lies
// (issue 16: no host copy of inputs nothing else reads).
void DramImage::write_seeded_rows(const sched::TensorInfo& t, std::uint64_t seed) {
  for_each_row(t, [&](std::uint64_t address, std::size_t first) {
    seeded_fill(seed, t.name, first, static_cast<std::size_t>(t.cols),
                reinterpret_cast<float*>(data_->data() + address));
  });
}

// One copy a row, the padding left as the image's zeros (issue 16: tile by
// tile, this was 32 copies of 128 bytes and a zero-filled staging tile per tile).
void DramImage::write_rows(const sched::TensorInfo& t, const HostTensor& values) {
  const auto row_bytes = static_cast<std::size_t>(t.cols) * sizeof(float);
  for_each_row(t, [&](std::uint64_t address, std::size_t first) {
    std::memcpy(data_->data() + address, &values.data[first], row_bytes);
  });
}

HostTensor DramImage::read_tensor(std::int32_t tensor) const {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tensor)];
  std::vector<std::int64_t> dims = sched::true_dims(t);
  if (t.layout != sched::TensorLayout::Matrix) {
    std::vector<float> data(static_cast<std::size_t>(HostTensor::from_dims(dims, {}).element_count()));
    for_each_element(t, [&](std::int64_t i, std::uint64_t address) {
      std::memcpy(&data[static_cast<std::size_t>(i)], data_->data() + address, sizeof(float));
    });
    return HostTensor::from_dims(std::move(dims), std::move(data));
  }
  std::vector<float> data(static_cast<std::size_t>(t.batch * t.rows * t.cols));
  if (schedule_.dram_layout == sched::DramLayout::RowMajor) {
    const auto row_bytes = static_cast<std::size_t>(t.cols) * sizeof(float);
    for_each_row(t, [&](std::uint64_t address, std::size_t first) {
      std::memcpy(&data[first], data_->data() + address, row_bytes);
    });
    return HostTensor::from_dims(std::move(dims), std::move(data));
  }
  float tile[kDim * kDim];
  for_each_tile(t, tensor,
                [&](const sched::TileRef& ref, std::int64_t matrix, std::int64_t r0, std::int64_t c0, std::int64_t rows,
                    std::int64_t cols) {
                  read_tile(ref, tile);
                  for (std::int64_t r = 0; r < rows; ++r) {
                    std::copy_n(tile + r * kDim, cols, data.begin() + (matrix * t.rows + r0 + r) * t.cols + c0);
                  }
                });
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

}  // namespace tilesim::sim
