#include "sim/model/tile_mover.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "compiler/schedule/view_gather.h"
#include "sim/model/block_transpose.h"

namespace tilesim::sim {

namespace {

constexpr std::int64_t kDim = sched::kTileDim;

// Where a run's elements lie in DRAM: its first element's address, and in a
// row-major DRAM the bytes from one element to the next, worked out once for
// each step the runs take (every row run of an im2col tile takes its
// channel step).
class RunAddresses {
 public:
  RunAddresses(const sched::TensorInfo& x, sched::DramLayout layout) : x_(x), layout_(layout) {}
  std::uint64_t element(const sched::GatherRun& run, std::int32_t j) const {
    return sched::element_address(x_, run.element(j), layout_);
  }
  std::uint64_t first(const sched::GatherRun& run) const { return element(run, 0); }
  // Precondition: a row-major DRAM, run.count >= 2, `first` its first element's address.
  std::uint64_t stride(const sched::GatherRun& run, std::uint64_t first) {
    if (stride_ == 0 || run.step != step_) stride_ = element(run, 1) - first, step_ = run.step;
    return stride_;
  }

 private:
  const sched::TensorInfo& x_;
  const sched::DramLayout layout_;
  sched::StorageCoord step_;  // the step of stride_, when known
  std::uint64_t stride_ = 0;
};

// Whether runs i to i + 7 of a row-major DRAM can go as 8 x 8 blocks
// (block_transpose.h): either
//  * along eight consecutive tile rows from one column, of one count and one
//    step, their first elements one or two floats apart (an im2col tile of an
//    nchw image: eight neighbouring windows of stride 1 or 2, a channel apart
//    from one element to the next), or
//  * down eight consecutive tile columns from one row, of one count, each of
//    floats one or two apart (eight channels' or kernel positions' stretches
//    of an input row).
// Returns the floats between the elements taken together (1 or 2; 0: no
// block) and sets each run's first address in *from. Run i is a Source run of
// from[0].
template <typename Run>
std::uint64_t block_step(RunAddresses& addresses, const std::vector<Run>& runs, std::size_t i,
                         std::uint64_t from[kTransposeBlock]) {
  const sched::GatherRun& lead = runs[i];
  const bool along_rows = lead.at_step == 1;
  if (i + kTransposeBlock > runs.size() || lead.count < kTransposeBlock || (!along_rows && lead.at_step != kDim)) {
    return 0;
  }
  const std::uint64_t stride = addresses.stride(lead, from[0]);
  std::uint64_t step = along_rows ? 0 : stride;  // bytes; a row block's is its first elements' spacing
  for (int q = 1; q < kTransposeBlock; ++q) {
    const sched::GatherRun& run = runs[i + static_cast<std::size_t>(q)];
    if (run.kind != sched::GatheredElement::Source || run.at_step != lead.at_step || run.count != lead.count ||
        run.at != lead.at + q * (along_rows ? kDim : 1)) {
      return 0;
    }
    from[q] = addresses.first(run);
    if (along_rows && q == 1) step = from[1] - from[0];
    const bool fits =
        along_rows ? run.step == lead.step && from[q] == from[0] + q * step : addresses.stride(run, from[q]) == stride;
    if (!fits) return 0;
  }
  // A row run of consecutive floats is one copy already.
  if ((step != sizeof(float) && step != 2 * sizeof(float)) || (along_rows && stride == sizeof(float))) return 0;
  return step / sizeof(float);
}

// Runs i to i + 7 as 8 x 8 blocks where block_step allows; returns whether it copied them.
template <typename Run>
bool copy_block(const unsigned char* dram, RunAddresses& addresses, const std::vector<Run>& runs, std::size_t i,
                std::uint64_t first, float* out) {
  std::uint64_t from[kTransposeBlock] = {first};
  const std::uint64_t step = block_step(addresses, runs, i, from);
  if (step == 0) return false;
  // Addresses wrap as element_address's do (a run may step backwards); pointers never.
  const auto floats_at = [dram](std::uint64_t address) { return reinterpret_cast<const float*>(dram + address); };
  const sched::GatherRun& lead = runs[i];
  const auto count = static_cast<std::size_t>(lead.count);
  float* to = out + lead.at;
  const float* src[kTransposeBlock];
  if (lead.at_step == kDim) {  // run q's element k to tile element lead.at + q + 32 k
    for (int q = 0; q < kTransposeBlock; ++q) src[q] = floats_at(from[q]);
    copy_transposed(src, step, to, kDim, count);
    return true;
  }
  // Element j + p of the eight runs, `step` floats apart, to column j + p of their eight rows.
  const std::uint64_t stride = addresses.stride(lead, first);
  std::size_t j = 0;
  for (; j + kTransposeBlock <= count; j += kTransposeBlock) {
    for (int p = 0; p < kTransposeBlock; ++p) src[p] = floats_at(first + (j + p) * stride);
    copy_transposed(src, step, to + j, kDim, kTransposeBlock);
  }
  for (; j < count; ++j) {
    for (int q = 0; q < kTransposeBlock; ++q) {
      std::memcpy(to + q * kDim + j, floats_at(from[q] + j * stride), sizeof(float));
    }
  }
  return true;
}

}  // namespace

void TileMover::connect(tlm::tlm_fw_transport_if<>* dram, tlm::tlm_fw_transport_if<>* sram) {
  dram_ = dram;
  sram_ = sram;
  dram_dmi_ = dmi_pointer(dram);
  sram_dmi_ = dmi_pointer(sram);
}

void TileMover::access_by_transport(tlm::tlm_command command, bool dram, std::uint64_t address, void* data,
                                    std::uint64_t bytes) {
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(static_cast<unsigned int>(bytes));
  trans.set_streaming_width(static_cast<unsigned int>(bytes));
  tlm::tlm_fw_transport_if<>* memory = sram_;
  if (dram) memory = dram_;
  const unsigned int done = memory->transport_dbg(trans);
  if (done != bytes) {
    throw std::logic_error(std::string("DMA: the ") + (dram ? "DRAM" : "SRAM") + " refused an access at " +
                           std::to_string(address));
  }
}

// The spans of `tile` in spans_: the next LOAD's, worked out when its rows
// were prefetched, or now.
void TileMover::find_spans(const sched::TileRef& tile) {
  if (tile == prefetched_) {
    std::swap(spans_, prefetch_spans_);
    prefetched_ = sched::TileRef{};
    return;
  }
  sched::tile_spans(schedule_, tile, &spans_);
}

// The tile as 32 x 32 floats (1 row for a bias, one value for a scalar).
void TileMover::read_tile(const sched::TileRef& tile, float* out) {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tile.tensor)];
  const bool transposing = t.view.kind == sched::ViewKind::Transpose, gathering = sched::is_gather(t);
  if (gathering && dram_dmi_ != nullptr) {
    read_gathered_directly(tile, out);
    return;
  }
  auto* at = reinterpret_cast<unsigned char*>(transposing || gathering ? staging_ : out);
  find_spans(tile);
  for (const sched::DramSpan& span : spans_) {
    access(tlm::TLM_READ_COMMAND, true, span.address, at, span.bytes);
    at += span.bytes;
  }
  if (transposing) {
    for (std::int64_t q = 0; q < kDim; ++q)
      for (std::int64_t p = 0; p < kDim; ++p) out[q * kDim + p] = staging_[p * kDim + q];
  }
  if (gathering) place_gathered(out);
  if (t.is_scalar()) std::fill_n(out + 1, kDim - 1, out[0]);  // a scalar serves as a bias row
}

// With direct access to the DRAM, each gathered element is read where it lies:
// the values the spans hold (an element named twice is the same bytes twice),
// without sorting the tile's addresses into spans. An im2col view and a view
// gathered by rows go run by run (read_runs); any other (a place view, a
// relayout to nhwc) element by element, neighbours in the tile at
// neighbouring addresses in one copy.
void TileMover::read_gathered_directly(const sched::TileRef& tile, float* out) {
  const sched::TensorInfo& view = schedule_.tensors[static_cast<std::size_t>(tile.tensor)];
  const sched::TensorInfo& x = schedule_.tensors[static_cast<std::size_t>(view.view.of)];
  if (view.view.kind == sched::ViewKind::Im2col) {
    if (sched::im2col_column_runs(schedule_.tensors, tile, &gather_runs_, &im2col_runs_)) {
      return read_runs(x, gather_runs_, out);
    }
    return read_runs(x, im2col_runs_, out);
  }
  if (sched::gather_runs(schedule_.tensors, tile, &gather_runs_)) return read_runs(x, gather_runs_, out);
  if (!gathered_) gathered_ = std::make_unique<sched::GatheredTile>();
  sched::gather_tile(schedule_.tensors, tile, gathered_.get());
  std::size_t run_at = 0, run_n = 0;  // out[run_at ..) from the DRAM at run_from
  std::uint64_t run_from = 0;
  const auto copy_run = [&] {
    if (run_n == 1) {
      std::memcpy(out + run_at, dram_dmi_ + run_from, sizeof(float));  // a relayout to nhwc: every element alone
    } else if (run_n > 1) {
      std::memcpy(out + run_at, dram_dmi_ + run_from, run_n * sizeof(float));
    }
    run_n = 0;
  };
  for (std::size_t i = 0; i < gathered_->size(); ++i) {
    const sched::GatheredElement& e = (*gathered_)[i];
    if (e.kind != sched::GatheredElement::Source) {
      copy_run();
      out[i] = e.kind == sched::GatheredElement::Zero ? 0.0f : -std::numeric_limits<float>::infinity();
      continue;
    }
    const std::uint64_t address = sched::element_address(x, e.at, schedule_.dram_layout);
    if (run_n > 0 && address == run_from + run_n * sizeof(float)) {  // the next float of the run
      ++run_n;
      continue;
    }
    copy_run();
    run_at = i, run_from = address, run_n = 1;
  }
  copy_run();
}

// A tile's runs (sched::GatherRun) from X; every element no run covers is 0.
// In a row-major DRAM the address is linear in the storage position, so a
// run's elements lie one stride apart, found once for each step the runs take
// (an im2col tile's row runs all take its channel step): adjacent floats
// along a row of the tile, as an nhwc image's channels or a permute that
// keeps X's rows, are one copy; eight neighbouring strided runs are copied as
// 8 x 8 blocks (copy_block). In a tile-major DRAM each element has its own
// address.
template <typename Run>
void TileMover::read_runs(const sched::TensorInfo& x, const std::vector<Run>& runs, float* out) {
  const sched::DramLayout layout = schedule_.dram_layout;
  std::fill_n(out, kDim * kDim, 0.0f);
  RunAddresses addresses(x, layout);
  for (std::size_t i = 0; i < runs.size();) {
    const sched::GatherRun& run = runs[i];
    float* to = out + run.at;
    const std::size_t to_step = static_cast<std::size_t>(run.at_step);
    if (run.kind != sched::GatheredElement::Source) {
      if (run.kind == sched::GatheredElement::NegativeInfinity) {
        for (std::int32_t j = 0; j < run.count; ++j) to[j * to_step] = -std::numeric_limits<float>::infinity();
      }
      ++i;
      continue;
    }
    const std::uint64_t first = addresses.first(run);
    if (layout != sched::DramLayout::RowMajor || run.count == 1) {
      for (std::int32_t j = 0; j < run.count; ++j) {
        std::memcpy(to + j * to_step, dram_dmi_ + addresses.element(run, j), sizeof(float));
      }
      ++i;
      continue;
    }
    if (copy_block(dram_dmi_, addresses, runs, i, first, out)) {
      i += kTransposeBlock;
      continue;
    }
    const std::uint64_t stride = addresses.stride(run, first);
    if (stride == sizeof(float) && to_step == 1) {
      std::memcpy(to, dram_dmi_ + first, static_cast<std::size_t>(run.count) * sizeof(float));
    } else {
      for (std::int32_t j = 0; j < run.count; ++j) {
        std::memcpy(to + j * to_step, dram_dmi_ + first + static_cast<std::uint64_t>(j) * stride, sizeof(float));
      }
    }
    ++i;
  }
}

// The gathered elements from staging_ (the spans' bytes in order), padding
// as gather_tile says.
void TileMover::place_gathered(float* out) const {
  for (std::size_t i = 0; i < static_cast<std::size_t>(kDim * kDim); ++i) {
    const std::int64_t offset = spans_.gathered_offset(i);
    if (offset >= 0) {
      out[i] = staging_[offset / static_cast<std::int64_t>(sizeof(float))];
    } else {
      out[i] = offset == sched::DramSpans::kZero ? 0.0f : -std::numeric_limits<float>::infinity();
    }
  }
}

void TileMover::write_tile(const sched::TileRef& tile, const float* in) {
  const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(tile.tensor)];
  // Inputs, params and views are never stored (the validator refuses it).
  if (t.role == sched::TensorRole::Input || t.role == sched::TensorRole::Param || t.is_view()) {
    throw std::logic_error("STORE into " + t.name + ", an input, param or view");
  }
  const auto* from = reinterpret_cast<const unsigned char*>(in);
  sched::tile_spans(schedule_, tile, &spans_);
  for (const sched::DramSpan& span : spans_) {
    access(tlm::TLM_WRITE_COMMAND, true, span.address, const_cast<unsigned char*>(from), span.bytes);
    from += span.bytes;
  }
}

// While the EXECs before it run, the next LOAD's rows (a tile as stored)
// come into the cache: they lie a DRAM row apart, in as many pages, which
// no hardware prefetcher follows, and a copy that waited for each row's
// lines in turn took longer than the copying (the large MLP's simulation with
// the math on one thread 10% faster; into L1 beat into L2).
void TileMover::prefetch_next_load(const sched::Uop& uop) {
  if (dram_dmi_ == nullptr) return;
  assert(&uop >= schedule_.uops.data() && &uop < schedule_.uops.data() + schedule_.uops.size());
  const std::size_t first = static_cast<std::size_t>(&uop - schedule_.uops.data()) + 1;
  const std::size_t last = std::min(schedule_.uops.size(), first + kPrefetchWindow);
  for (std::size_t u = first; u < last; ++u) {
    const sched::Uop& next = schedule_.uops[u];
    if (next.kind != sched::UopKind::Load) continue;
    const sched::TensorInfo& t = schedule_.tensors[static_cast<std::size_t>(next.tile.tensor)];
    if (sched::is_gather(t) || t.rank <= 1) return;
    sched::tile_spans(schedule_, next.tile, &prefetch_spans_);
    prefetched_ = next.tile;
    for (const sched::DramSpan& span : prefetch_spans_) {
      const unsigned char* at = dram_dmi_ + span.address;
      for (std::uint32_t b = 0; b < span.bytes; b += 64) __builtin_prefetch(at + b, 0, 3);
    }
    return;
  }
}

void TileMover::move(const sched::Uop& uop) {
  const sched::TensorInfo& tensor = schedule_.tensors[static_cast<std::size_t>(uop.tile.tensor)];
  float* tile = tile_;
  // With direct access to the SRAM, a tile the DRAM holds as it is (not a
  // transpose or gather view) goes straight between the two memories: the
  // same bytes as through the staging tile, one copy instead of two. So does a
  // transposed or gathered tile of 32 rows (all of which it writes) when no
  // worker runs EXECs: with one, it is gathered before waiting for the slot.
  const bool as_stored = tensor.view.kind != sched::ViewKind::Transpose && !sched::is_gather(tensor);
  const bool whole_tile_load = uop.kind == sched::UopKind::Load && tensor.rank > 1 && !worker_;
  if (sram_dmi_ != nullptr && (as_stored || whole_tile_load)) {
    wait_for_slot(uop);
    auto* in_sram = reinterpret_cast<float*>(sram_dmi_ + uop.addr);
    uop.kind == sched::UopKind::Load ? read_tile(uop.tile, in_sram) : write_tile(uop.tile, in_sram);
    if (uop.kind == sched::UopKind::Load) prefetch_next_load(uop);
    return;
  }
  if (uop.kind == sched::UopKind::Load) {
    read_tile(uop.tile, tile);  // a gather overlaps the worker's EXECs
    wait_for_slot(uop);
    const std::uint64_t rows = tensor.rank <= 1 ? 1 : kDim;
    access(tlm::TLM_WRITE_COMMAND, false, uop.addr, tile, rows * kDim * sizeof(float));
  } else {
    wait_for_slot(uop);
    access(tlm::TLM_READ_COMMAND, false, uop.addr, tile, sizeof tile_);
    write_tile(uop.tile, tile);
  }
}

}  // namespace tilesim::sim
