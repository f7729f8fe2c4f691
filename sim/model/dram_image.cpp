#include "sim/model/dram_image.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>
#include <new>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/dram_placement.h"
#include "compiler/support/interrupt.h"
#include "sim/io/input_values.h"
#include "sim/model/block_transpose.h"

namespace tilesim::sim {

DramImage::DramImage(const sched::Schedule& schedule, bool with_data)
    : schedule_(schedule), size_(sched::dram_extent(schedule)) {
  if (!with_data) return;
  data_ = std::make_unique<HugePageBuffer>(static_cast<std::size_t>(size_) + 4);
}

namespace {

// The walk of an affine tensor (sched::storage_coord_is_affine): each dim's
// storage step and row-major value stride, and the dim along which storage
// is contiguous (step 0, 0, 1; the longest such, the last on a tie): the
// last dim of a matrix or nchw tensor, nhwc's channels, a conv weight's
// output channels (not a depthwise one's: they step down the rows too).
struct AffineWalk {
  std::vector<std::int64_t> dims, stride;
  std::vector<sched::StorageCoord> step;
  sched::StorageCoord origin;
  std::size_t along = 0;
  bool found = false;  // a dim along the storage rows

  explicit AffineWalk(const sched::TensorInfo& t) : dims(sched::true_dims(t)) {
    const std::size_t rank = dims.size();
    std::vector<std::int64_t> index(std::max<std::size_t>(rank, 1), 0);
    origin = sched::storage_coord(t, index.data());
    stride.assign(rank, 1);
    step.resize(rank);
    for (std::size_t d = rank; d-- > 0;) {
      if (d + 1 < rank) stride[d] = stride[d + 1] * dims[d + 1];
      index[d] = 1;  // storage_coord is a formula: index 1 of a dim of 1 still gives its step
      step[d] = sched::storage_coord(t, index.data()) - origin;
      index[d] = 0;
      const bool contiguous = step[d].matrix == 0 && step[d].row == 0 && step[d].col == 1;
      if (contiguous && (!found || dims[d] > dims[along])) along = d, found = true;
    }
  }

  sched::StorageCoord coord(const std::vector<std::int64_t>& index) const {
    sched::StorageCoord at = origin;
    for (std::size_t d = 0; d < dims.size(); ++d) {
      at.matrix += index[d] * step[d].matrix, at.row += index[d] * step[d].row, at.col += index[d] * step[d].col;
    }
    return at;
  }
  std::int64_t value(const std::vector<std::int64_t>& index) const {
    return std::inner_product(index.begin(), index.end(), stride.begin(), std::int64_t{0});
  }
};

// Advances `index` to the next in row-major order over the dims not in
// `fixed`; false after the last.
bool next_index(std::vector<std::int64_t>& index, const std::vector<std::int64_t>& dims,
                const std::vector<bool>& fixed) {
  for (std::size_t d = dims.size(); d-- > 0;) {
    if (fixed[d]) continue;
    if (++index[d] < dims[d]) return true;
    index[d] = 0;
  }
  return false;
}

}  // namespace

// Value by value, each a line of its own, in row-major order.
template <typename F>
void DramImage::for_each_value(const sched::TensorInfo& t, F f) const {
  const std::vector<std::int64_t> dims = sched::true_dims(t);
  if (std::find(dims.begin(), dims.end(), 0) != dims.end()) return;
  std::vector<std::int64_t> index(dims.size(), 0);
  const std::vector<bool> none_fixed(dims.size(), false);
  std::int64_t i = 0;
  do {
    if (i % 4096 == 0) poll_interrupt();
    const std::uint64_t address =
        sched::element_address(t, sched::storage_coord(t, index.data()), schedule_.dram_layout);
    f(Line{i++, 1, address, 1});
  } while (next_index(index, dims, none_fixed));
}

// Lines along the contiguous dim. Where that is not the last dim (whose values
// are consecutive in the source), the lines are cut into blocks of a tile's
// width and each block taken for every value of the last dim in turn: both the
// values read and the DRAM written stay within a few cache lines, where a
// walk in either order alone would miss the cache at every value (a conv
// weight's output channels are a row of DRAM and 9 KiB apart in the source).
template <typename F>
void DramImage::for_each_line(const sched::TensorInfo& t, F f) const {
  const auto address = [&](const sched::StorageCoord& at) {
    return sched::element_address(t, at, schedule_.dram_layout);
  };
  std::optional<AffineWalk> walk;
  if (sched::storage_coord_is_affine(t)) walk.emplace(t);
  if (!walk || !walk->found) return for_each_value(t, f);  // a scalar, a grouped or depthwise conv's weights
  const std::vector<std::int64_t>& dims = walk->dims;
  if (std::find(dims.begin(), dims.end(), 0) != dims.end()) return;
  const std::size_t along = walk->along, last = dims.size() - 1;
  const std::int64_t block = along == last ? dims[along] : sched::kTileDim;
  std::vector<bool> fixed(dims.size(), false);
  fixed[along] = fixed[last] = true;
  std::vector<std::int64_t> index(dims.size(), 0);
  std::int64_t lines = 0;
  do {
    for (index[along] = 0; index[along] < dims[along]; index[along] += block) {
      const std::int64_t width = std::min(block, dims[along] - index[along]);
      const std::int64_t values = along == last ? 1 : dims[last];
      for (std::int64_t v = 0; v < values; ++v) {
        if (along != last) index[last] = v;
        if (lines++ % 4096 == 0) poll_interrupt();
        const sched::StorageCoord first = walk->coord(index);
        const std::int64_t value = walk->value(index);
        for (std::int64_t done = 0; done < width;) {
          const sched::StorageCoord at{first.matrix, first.row, first.col + done};
          const std::int64_t n = sched::contiguous_in_row(at, width - done, schedule_.dram_layout);
          f(Line{value + done * walk->stride[along], walk->stride[along], address(at), n});
          done += n;
        }
      }
    }
    index[along] = index[last] = 0;
  } while (next_index(index, dims, fixed));
}

void DramImage::write_input(const sched::TensorInfo& t, const std::map<std::string, HostTensor>& inputs,
                            const std::optional<std::uint64_t>& seed) {
  const auto it = inputs.find(t.name);
  if (it != inputs.end()) {
    write_tensor(t, it->second);
  } else if (seed) {
    // Generated where each run lies (issue 16: no host copy of values nothing else reads).
    for_each_line(t, [&](const Line& line) {
      seeded_fill(*seed, t.name, static_cast<std::size_t>(line.first), static_cast<std::size_t>(line.n),
                  reinterpret_cast<float*>(data_->data() + line.address), static_cast<std::size_t>(line.step));
    });
  } else {
    throw std::logic_error("no values for tensor " + t.name);
  }
}

namespace {

using Share = std::vector<const sched::TensorInfo*>;

// The tensors (with their value counts) in two shares, largest first, each to
// the share with fewer values so far.
std::pair<Share, Share> share_out(std::vector<std::pair<std::int64_t, const sched::TensorInfo*>> tensors) {
  std::stable_sort(tensors.begin(), tensors.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::pair<Share, Share> shares;
  std::int64_t first_values = 0, second_values = 0;
  for (const auto& [values, t] : tensors) {
    const bool to_first = first_values <= second_values;
    (to_first ? shares.first : shares.second).push_back(t);
    (to_first ? first_values : second_values) += values;
  }
  return shares;
}

// here() on this thread while beside() runs on another; the first exception
// of here(), else of beside(), rethrown once both are over.
void run_beside(const std::function<void()>& here, const std::function<void()>& beside) {
  std::exception_ptr failure_beside;
  std::thread helper([&] {
    try {
      beside();
    } catch (...) {
      failure_beside = std::current_exception();
    }
  });
  std::exception_ptr failure_here;
  try {
    here();
  } catch (...) {
    failure_here = std::current_exception();
  }
  helper.join();
  if (failure_here) std::rethrow_exception(failure_here);
  if (failure_beside) std::rethrow_exception(failure_beside);
}

}  // namespace

void DramImage::write_inputs(const std::map<std::string, HostTensor>& inputs, const std::optional<std::uint64_t>& seed,
                             int threads) {
  std::vector<std::pair<std::int64_t, const sched::TensorInfo*>> tensors;  // taking values, with their counts
  std::int64_t total = 0;
  for (const sched::TensorInfo& t : schedule_.tensors) {
    if (t.is_view() || (t.role != sched::TensorRole::Input && t.role != sched::TensorRole::Param)) continue;
    const std::vector<std::int64_t> dims = sched::true_dims(t);
    tensors.emplace_back(std::accumulate(dims.begin(), dims.end(), std::int64_t{1}, std::multiplies<>()), &t);
    total += tensors.back().first;
  }
  if (threads < 2 || total < kTwoThreadElements) {
    for (const auto& entry : tensors) write_input(*entry.second, inputs, seed);
    return;
  }
  const auto write = [&](const Share& share) {
    for (const sched::TensorInfo* t : share) write_input(*t, inputs, seed);
  };
  // Tensors have disjoint bytes: two threads write them in any order.
  const std::pair<Share, Share> shares = share_out(std::move(tensors));
  run_beside([&] { write(shares.first); }, [&] { write(shares.second); });
}

namespace {

// A conv weight [O, C, kh, kw] whose storage is its values transposed by
// kernel position: value (o, i, p) (p = y * kw + x; o * C * K + i * K + p in
// the source, K = kh * kw) at storage row p * C + i, column o. Checked
// against storage_coord's steps; false for any other tensor (a grouped or
// depthwise conv's weight steps otherwise).
bool transposed_by_position(const AffineWalk& walk) {
  if (!walk.found || walk.along != 0 || walk.dims.size() != 4 || walk.origin != sched::StorageCoord{}) return false;
  const std::int64_t channels = walk.dims[1], kw = walk.dims[3];
  return walk.step[1] == sched::StorageCoord{0, 1, 0} && walk.step[2] == sched::StorageCoord{0, kw * channels, 0} &&
         walk.step[3] == sched::StorageCoord{0, channels, 0};
}

}  // namespace

// A conv weight (transposed_by_position) as 8 x 8 transposes in registers
// (block_transpose.h); line by line, each value of a storage row was a load
// from its own cache line (a 512 x 512 x 3 x 3 weight took 6 ms). With one
// kernel position (1 x 1), eight output channels by up to 32 rows (a tile's)
// at a time; with more, eight output channels by the K positions of one
// input channel, whose rows lie C rows apart. What a block of 8 leaves, and
// rows not an even stride apart (tile_major with C not a multiple of 32), go
// one value at a time.
bool DramImage::write_conv_weight(const sched::TensorInfo& t, const HostTensor& values) {
  if (!sched::storage_coord_is_affine(t)) return false;
  const AffineWalk walk(t);
  if (!transposed_by_position(walk) || std::find(walk.dims.begin(), walk.dims.end(), 0) != walk.dims.end()) {
    return false;
  }
  const std::int64_t outputs = walk.dims[0], channels = walk.dims[1], positions = walk.dims[2] * walk.dims[3];
  const std::int64_t per_output = channels * positions;
  const auto at = [&](std::int64_t row, std::int64_t column) {
    return reinterpret_cast<float*>(data_->data() + sched::element_address(t, sched::StorageCoord{0, row, column},
                                                                          schedule_.dram_layout));
  };
  // n storage rows from `row`, `row_step` apart, of output channels o0 ..
  // o0 + width: row k of channel o holds value o * per_output + first + k
  // (consecutive in k: the input channels of a 1 x 1 weight, the kernel
  // positions of one input channel otherwise).
  const auto copy_rows = [&](std::int64_t o0, std::int64_t width, std::int64_t row, std::int64_t row_step,
                             std::int64_t n, std::int64_t first) {
    const auto source = [&](std::int64_t o) { return &values.data[static_cast<std::size_t>(o * per_output + first)]; };
    float* const dst = at(row, o0);
    const std::ptrdiff_t stride = n > 1 ? at(row + row_step, o0) - dst : 0;
    const bool even = n <= 1 || at(row + (n - 1) * row_step, o0) == dst + (n - 1) * stride;
    std::int64_t o = 0;
    if (even) {
      for (; o + kTransposeBlock <= width; o += kTransposeBlock) {
        const float* src[kTransposeBlock];
        for (int q = 0; q < kTransposeBlock; ++q) src[q] = source(o0 + o + q);
        copy_transposed(src, 1, dst + o, static_cast<std::size_t>(stride), static_cast<std::size_t>(n));
      }
    }
    for (; o < width; ++o) {
      for (std::int64_t k = 0; k < n; ++k) *at(row + k * row_step, o0 + o) = source(o0 + o)[k];
    }
  };
  for (std::int64_t o0 = 0; o0 < outputs; o0 += sched::kTileDim) {
    poll_interrupt();
    const std::int64_t width = std::min(sched::kTileDim, outputs - o0);
    if (positions == 1) {
      for (std::int64_t i0 = 0; i0 < channels; i0 += sched::kTileDim) {
        copy_rows(o0, width, i0, 1, std::min(sched::kTileDim, channels - i0), i0);
      }
    } else {
      for (std::int64_t i = 0; i < channels; ++i) copy_rows(o0, width, i, channels, positions, i * positions);
    }
  }
  return true;
}

// Padding and a grouped convolution's zeros stay the image's zeros.
void DramImage::write_tensor(const sched::TensorInfo& t, const HostTensor& values) {
  const std::vector<std::int64_t> dims = sched::true_dims(t);
  const bool matrix = t.layout == sched::TensorLayout::Matrix;  // any shape of the same row-major values
  if (matrix ? values.data.size() != static_cast<std::size_t>(HostTensor::from_dims(dims, {}).element_count())
             : values.shape() != dims) {
    throw std::logic_error("values of " + t.name + " have shape " + values.shape_text());
  }
  if (write_conv_weight(t, values)) return;
  for_each_line(t, [&](const Line& line) {
    const float* from = &values.data[static_cast<std::size_t>(line.first)];
    auto* to = reinterpret_cast<float*>(data_->data() + line.address);
    if (line.step == 1) {
      std::memcpy(to, from, static_cast<std::size_t>(line.n) * sizeof(float));
    } else {
      for (std::int64_t k = 0; k < line.n; ++k) to[k] = from[k * line.step];
    }
  });
}

// Appended line by line while the lines come in row-major order (a matrix,
// nchw): nothing zero-filled before it is overwritten. From the first line
// that does not (nhwc), the rest is written in place.
HostTensor DramImage::read_tensor(std::int32_t tensor) const {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tensor)];
  std::vector<std::int64_t> dims = sched::true_dims(t);
  const auto count = static_cast<std::size_t>(HostTensor::from_dims(dims, {}).element_count());
  std::vector<float> data;
  data.reserve(count);
  bool in_order = true;
  for_each_line(t, [&](const Line& line) {
    const auto* from = reinterpret_cast<const float*>(data_->data() + line.address);
    in_order = in_order && line.step == 1 && static_cast<std::size_t>(line.first) == data.size();
    if (in_order) return data.insert(data.end(), from, from + line.n), void();
    data.resize(count);
    for (std::int64_t k = 0; k < line.n; ++k) data[static_cast<std::size_t>(line.first + k * line.step)] = from[k];
  });
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

}  // namespace tilesim::sim
