#include "sim/model/dram_image.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>
#include <numeric>
#include <thread>
#include <utility>
#include <vector>
#include <new>
#include <stdexcept>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/dram_placement.h"
#include "compiler/support/interrupt.h"
#include "sim/io/input_values.h"

namespace tilesim::sim {

DramImage::DramImage(const sched::Schedule& schedule, bool with_data)
    : schedule_(schedule), size_(sched::dram_extent(schedule)) {
  if (!with_data) return;
  data_ = std::make_unique<HugePageBuffer>(static_cast<std::size_t>(size_) + 4);
}

namespace {

// g(k, storage position) for element k of the stretch along the last dim
// that `index` (its last entry w at 0) starts, `first` and `last` its ends'
// positions. Every layout moves a stretch by one fixed step in storage
// (nhwc's w down a row, a conv weight's kw by the channels): taken from the
// second element and checked against the last, else asked element by element.
// `w` is the last entry of `index`.
template <typename G>
void each_element_of_stretch(const sched::TensorInfo& t, std::int64_t* index, std::int64_t& w, std::int64_t width,
                             const sched::StorageCoord& first, const sched::StorageCoord& last, G g) {
  sched::StorageCoord step{0, 0, 0};
  if (width > 1) {
    w = 1;
    const sched::StorageCoord second = sched::storage_coord(t, index);
    w = 0;
    step = {second.matrix - first.matrix, second.row - first.row, second.col - first.col};
  }
  const auto at = [&](std::int64_t k) {
    return sched::StorageCoord{first.matrix + k * step.matrix, first.row + k * step.row, first.col + k * step.col};
  };
  const sched::StorageCoord end = at(width - 1);
  if (end.matrix == last.matrix && end.row == last.row && end.col == last.col) {
    for (std::int64_t k = 0; k < width; ++k) g(k, at(k));
    return;
  }
  for (w = 0; w < width; ++w) g(w, sched::storage_coord(t, index));
  w = 0;
}

}  // namespace

// A run is a stretch of t's last dim (w of nchw, the columns of a matrix)
// when it lies along one row of storage; in a tile-major DRAM it is cut where
// a tile's row ends. Elsewhere (nhwc's w steps down the rows) every element
// is a run of its own.
template <typename F>
void DramImage::for_each_run(const sched::TensorInfo& t, F f) const {
  const std::vector<std::int64_t> dims = sched::true_dims(t);
  const std::size_t rank = dims.size();
  std::int64_t count = 1;
  for (const std::int64_t d : dims) count *= d;
  const std::int64_t width = rank == 0 ? 1 : dims[rank - 1];
  if (count == 0 || width == 0) return;
  std::vector<std::int64_t> index(std::max<std::size_t>(rank, 1), 0);
  std::int64_t& w = index[std::max<std::size_t>(rank, 1) - 1];
  const auto address = [&](const sched::StorageCoord& at) {
    return sched::element_address(t, at, schedule_.dram_layout);
  };
  for (std::int64_t i = 0; i < count; i += width) {
    if (i / width % 4096 == 0) poll_interrupt();
    w = width - 1;
    const sched::StorageCoord last = sched::storage_coord(t, index.data());
    w = 0;
    const sched::StorageCoord first = sched::storage_coord(t, index.data());
    if (first.matrix == last.matrix && first.row == last.row && last.col - first.col == width - 1) {
      for (std::int64_t done = 0; done < width;) {  // along one row of storage
        const sched::StorageCoord at{first.matrix, first.row, first.col + done};
        const std::int64_t n = sched::contiguous_in_row(at, width - done, schedule_.dram_layout);
        f(i + done, address(at), n);
        done += n;
      }
    } else {
      each_element_of_stretch(t, index.data(), w, width, first, last, [&](std::int64_t k, const sched::StorageCoord& at) {
        f(i + k, address(at), std::int64_t{1});
      });
    }
    for (std::size_t d = rank - 1; rank > 0 && d-- > 0;) {  // the next stretch, row-major
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
}

void DramImage::write_input(const sched::TensorInfo& t, const std::map<std::string, HostTensor>& inputs,
                            const std::optional<std::uint64_t>& seed) {
  const auto it = inputs.find(t.name);
  if (it != inputs.end()) {
    write_tensor(t, it->second);
  } else if (seed) {
    // Generated where each run lies (issue 16: no host copy of values nothing else reads).
    for_each_run(t, [&](std::int64_t first, std::uint64_t address, std::int64_t n) {
      seeded_fill(*seed, t.name, static_cast<std::size_t>(first), static_cast<std::size_t>(n),
                  reinterpret_cast<float*>(data_->data() + address));
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

void DramImage::write_inputs(const std::map<std::string, HostTensor>& inputs,
                             const std::optional<std::uint64_t>& seed, int threads) {
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

// Padding and a grouped convolution's zeros stay the image's zeros.
void DramImage::write_tensor(const sched::TensorInfo& t, const HostTensor& values) {
  const std::vector<std::int64_t> dims = sched::true_dims(t);
  const bool matrix = t.layout == sched::TensorLayout::Matrix;  // any shape of the same row-major values
  if (matrix ? values.data.size() != static_cast<std::size_t>(HostTensor::from_dims(dims, {}).element_count())
             : values.shape() != dims) {
    throw std::logic_error("values of " + t.name + " have shape " + values.shape_text());
  }
  for_each_run(t, [&](std::int64_t first, std::uint64_t address, std::int64_t n) {
    std::memcpy(data_->data() + address, &values.data[static_cast<std::size_t>(first)],
                static_cast<std::size_t>(n) * sizeof(float));
  });
}

// Appended run by run (runs come in row-major order): nothing zero-filled
// before it is overwritten.
HostTensor DramImage::read_tensor(std::int32_t tensor) const {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tensor)];
  std::vector<std::int64_t> dims = sched::true_dims(t);
  std::vector<float> data;
  data.reserve(static_cast<std::size_t>(HostTensor::from_dims(dims, {}).element_count()));
  for_each_run(t, [&](std::int64_t, std::uint64_t address, std::int64_t n) {
    const auto* from = reinterpret_cast<const float*>(data_->data() + address);
    data.insert(data.end(), from, from + n);
  });
  return HostTensor::from_dims(std::move(dims), std::move(data));
}

}  // namespace tilesim::sim
