// The DMA's data path (sim/model/tile_mover.h) on its own, without a
// simulation: a LOAD of every kind of tile puts the same bytes in SRAM whether
// the DRAM grants DMI (gathered elements read where they lie) or only
// transport_dbg (the distinct elements' spans read in order, then placed), and
// a STORE writes the same DRAM bytes either way, in both DRAM layouts.
// Overlapping im2col windows read an element once in spans and place it twice;
// through DMI an nhwc image's im2col runs are one copy each, a matrix-layout
// image's are strided.
#include <catch2/catch.hpp>

#include <tlm>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "sim/model/block_transpose.h"
#include "sim/model/tile_mover.h"
#include "sim/model/tlm_bytes.h"
#include "tests/schedule/view_schedules.h"

using namespace tilesim;
using namespace tilesim::sched;
using namespace tilesim::sched::testing;

namespace {

// A plain byte array as a TLM-2.0 target, granting DMI or not.
class ByteMemory : public tlm::tlm_fw_transport_if<> {
 public:
  ByteMemory(std::size_t bytes, bool dmi) : bytes_(bytes), dmi_(dmi) {}
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) override {
    sim::copy_bytes(trans, bytes_.data(), bytes_.size());
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) override {
    return tlm::TLM_COMPLETED;
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) override {
    return dmi_ && sim::grant_dmi(dmi, bytes_.data(), bytes_.size());
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) override {
    return sim::copy_bytes(trans, bytes_.data(), bytes_.size()) ? trans.get_data_length() : 0;
  }
  std::vector<unsigned char>& bytes() { return bytes_; }

 private:
  std::vector<unsigned char> bytes_;
  bool dmi_;
};

constexpr std::size_t kDramBytes = 1 << 20, kSramBytes = 4 * kTileBytes;

// The DRAM's floats are distinct (their index); runs every uOp of `s` that
// moves data through a TileMover and returns the SRAM and DRAM bytes after
// each, in order.
std::vector<std::vector<unsigned char>> moves(const Schedule& s, bool dram_dmi, bool sram_dmi) {
  ByteMemory dram(kDramBytes, dram_dmi), sram(kSramBytes, sram_dmi);
  for (std::size_t i = 0; i < kDramBytes / sizeof(float); ++i) {
    const auto value = static_cast<float>(i);
    std::memcpy(dram.bytes().data() + i * sizeof(float), &value, sizeof value);
  }
  sim::TileMover mover(s);
  mover.connect(&dram, &sram);
  std::vector<std::vector<unsigned char>> after;
  for (const Uop& u : s.uops) {
    if (u.kind == UopKind::Exec) continue;
    if (u.kind == UopKind::Store) {  // something the LOAD before did not leave: the slot's bytes change
      for (std::size_t i = 0; i < kTileBytes; ++i) sram.bytes()[u.addr + i] = static_cast<unsigned char>(i * 7 + 1);
    }
    mover.move(u);
    after.push_back(sram.bytes());
    after.push_back(dram.bytes());
  }
  return after;
}

// Where two runs' memories first differ: "" when they never do.
std::string first_difference(const std::vector<std::vector<unsigned char>>& a,
                             const std::vector<std::vector<unsigned char>>& b) {
  if (a.size() != b.size()) return "a different number of moves";
  for (std::size_t m = 0; m < a.size(); ++m) {
    const auto at = std::mismatch(a[m].begin(), a[m].end(), b[m].begin(), b[m].end());
    if (at.first != a[m].end() || at.second != b[m].end()) {
      return (m % 2 ? "DRAM" : "SRAM") + std::string(" after move ") + std::to_string(m / 2) + ", byte " +
             std::to_string(at.first - a[m].begin());
    }
  }
  return "";
}

// In both DRAM layouts.
void check_same_bytes(const Schedule& schedule) {
  for (const DramLayout layout : {DramLayout::RowMajor, DramLayout::TileMajor}) {
    Schedule s = schedule;
    s.dram_layout = layout;
    INFO((layout == DramLayout::RowMajor ? "row_major" : "tile_major"));
    const auto direct = moves(s, true, true);
    CHECK(first_difference(moves(s, false, true), direct) == "");
    CHECK(first_difference(moves(s, false, false), direct) == "");
    CHECK(first_difference(moves(s, true, false), direct) == "");
  }
}

float sram_float(const std::vector<unsigned char>& sram, std::uint64_t at) {
  float value;
  std::memcpy(&value, sram.data() + at, sizeof value);
  return value;
}

}  // namespace

TEST_CASE("tile mover: an im2col LOAD places the same values with and without DMI", "[sim][views]") {
  // x [1,3,5,6] nhwc at DRAM 0, a [30,3] matrix padded to [32,32] in row-major
  // order: element (c, h, w) is float (h * 6 + w) * 32 + c.
  // Output pixel 1 (oh 0, ow 1) reads window origin (-1, 1): kernel position 4
  // (kh 1, kw 1) is input pixel (0, 2), channel 0 at column 4 * 3 = 12.
  const Schedule s = conv_schedule(TensorLayout::Nhwc, conv_s2());
  check_same_bytes(s);
  const auto after = moves(s, false, true);
  const std::vector<unsigned char>& sram = after[0];  // the im2col LOAD into slot 0
  CHECK(sram_float(sram, (1 * kTileDim + 12) * 4) == 64.0f);
  CHECK(sram_float(sram, (1 * kTileDim + 0) * 4) == 0.0f);  // position 0: input row -1, padding
  // Pixel 0's position 8 (kh 2, kw 2) and pixel 1's position 6 (kh 2, kw 0)
  // are both input pixel (1, 1): one element read once, placed twice.
  CHECK(sram_float(sram, (0 * kTileDim + 24) * 4) == 224.0f);
  CHECK(sram_float(sram, (1 * kTileDim + 18) * 4) == 224.0f);
}

TEST_CASE("tile mover: -inf padding, a relayout and a place view read alike with and without DMI", "[sim][views]") {
  Builder pool(3 * kTileBytes, "pool");
  const auto x = pool.laid_out("x", TensorRole::Input, kImage, TensorLayout::Matrix);
  const Schedule pooled = shown(pool, pool.im2col("xcol", x, pool_dilated()));
  check_same_bytes(pooled);
  CHECK(sram_float(moves(pooled, false, true)[0], 0) == -std::numeric_limits<float>::infinity());

  Builder flat(3 * kTileBytes, "flatten");
  const auto image = flat.laid_out("x", TensorRole::Input, {1, 4, 3, 3}, TensorLayout::Nhwc);
  check_same_bytes(shown(flat, flat.relayout("v", image, {1, 36})));
  check_same_bytes(concat_schedule());
}

TEST_CASE("tile mover: eight runs copied as 8x8 blocks put each float where its run says", "[sim][views]") {
  // Run q (q < 8) holds n elements, every `step`-th float of its own buffer,
  // which ends at its last element (AddressSanitizer sees any read past it):
  // element k of run q is q * 100 + k, the floats between them -2, and run 3's
  // element 2 a NaN whose payload must survive (0x7fc01234). dst has a row of
  // 40 floats per element index k: dst[k * 40 + q] = element k of run q, and
  // columns 8 to 39 stay as they were (-1).
  const std::uint32_t nan_bits = 0x7fc01234;
  for (const std::size_t step : {std::size_t{1}, std::size_t{2}}) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{8}, std::size_t{13}, std::size_t{32}}) {
      std::vector<std::unique_ptr<float[]>> runs;
      const float* src[sim::kTransposeBlock];
      for (int q = 0; q < sim::kTransposeBlock; ++q) {
        const std::size_t floats = n == 0 ? 1 : (n - 1) * step + 1;
        runs.push_back(std::make_unique<float[]>(floats));
        std::fill_n(runs.back().get(), floats, -2.0f);
        for (std::size_t k = 0; k < n; ++k) runs.back()[k * step] = static_cast<float>(q * 100 + static_cast<int>(k));
        src[q] = runs.back().get();
      }
      if (n > 2) std::memcpy(&runs[3][2 * step], &nan_bits, sizeof nan_bits);
      for (const bool plain : {false, true}) {
        INFO("step " << step << ", n " << n << (plain ? ", plain copies" : ", the CPU's best"));
        std::vector<float> dst(std::max<std::size_t>(n, 1) * 40, -1.0f);
        if (plain) {
          sim::copy_transposed_plain(src, step, dst.data(), 40, n);
        } else {
          sim::copy_transposed(src, step, dst.data(), 40, n);
        }
        for (std::size_t k = 0; k < std::max<std::size_t>(n, 1); ++k) {
          for (int c = 0; c < 40; ++c) {
            const float got = dst[k * 40 + static_cast<std::size_t>(c)];
            if (k >= n || c >= sim::kTransposeBlock) {
              REQUIRE(got == -1.0f);
            } else if (n > 2 && c == 3 && k == 2) {
              std::uint32_t bits;
              std::memcpy(&bits, &got, sizeof bits);
              REQUIRE(bits == nan_bits);
            } else {
              REQUIRE(got == static_cast<float>(c * 100 + static_cast<int>(k)));
            }
          }
        }
      }
    }
  }
}

TEST_CASE("tile mover: an nchw image's im2col runs copied as 8x8 blocks read as their spans do", "[sim][views]") {
  // 3x3 convolutions over an nchw image (matrix layout: one [H, W] matrix per
  // channel). Along a tile row (an output pixel) the channels of one kernel
  // position are a whole channel apart, and eight pixels of one output row
  // start one float apart (stride 1) or two (stride 2): eight row runs, one
  // 8x8 block per eight channels.
  //  * 40 channels packed (S = 40), 7 x 19, pad 1: tile columns of one kernel
  //    position (runs of 32) beside columns of two (two runs a row, copied one
  //    by one), pixels at the image's edge padded, rows of 19 (or 10) pixels;
  //  * 20 channels in columns of 32 (S = 32): runs of 20, two blocks of 8
  //    channels and 4 alone.
  struct RowCase {
    std::int64_t channels;
    std::int32_t s, stride;
  };
  for (const RowCase c : {RowCase{40, 40, 1}, RowCase{20, 32, 1}, RowCase{40, 40, 2}, RowCase{20, 32, 2}}) {
    INFO(c.channels << " channels, S = " << c.s << ", stride " << c.stride);
    Builder b(3 * kTileBytes, "rows");
    const auto x = b.laid_out("x", TensorRole::Input, {1, c.channels, 7, 19}, TensorLayout::Matrix);
    Im2colGeometry g;
    g.kernel_h = g.kernel_w = 3;
    g.stride_h = g.stride_w = c.stride;
    g.pad_top = g.pad_left = 1;
    g.out_h = (7 + 2 - 3) / c.stride + 1;
    g.out_w = (19 + 2 - 3) / c.stride + 1;
    g.channel_stride = c.s;
    check_same_bytes(shown(b, b.im2col("xcol", x, g)));
  }
  // 3 channels (S = 3): the 27 columns of a tile are runs down its 32 rows,
  // each a stretch of one input row, its floats one apart (stride 1: 34
  // pixels wide) or two (stride 2: 66 wide). Without padding (32 outputs a
  // row) a tile's 32 pixels are one output row, a run a column: columns 0-7,
  // 8-15 and 16-23 are three blocks, 24-26 alone; with pad 1 the tiles'
  // pixels cross output rows and padding, and the runs go one by one.
  for (const std::int32_t stride : {1, 2}) {
    for (const std::int32_t pad : {0, 1}) {
      INFO("stride " << stride << ", pad " << pad);
      const std::int64_t width = 31 * stride + 3;
      Builder b(3 * kTileBytes, "columns");
      const auto x = b.laid_out("x", TensorRole::Input, {1, 3, 5, width}, TensorLayout::Matrix);
      Im2colGeometry g;
      g.kernel_h = g.kernel_w = 3;
      g.stride_h = g.stride_w = stride;
      g.pad_top = g.pad_left = pad;
      g.out_h = static_cast<std::int32_t>((5 + 2 * pad - 3) / stride + 1);
      g.out_w = static_cast<std::int32_t>((width + 2 * pad - 3) / stride + 1);
      g.channel_stride = 3;
      const Schedule s = shown(b, b.im2col("xcol", x, g));
      check_same_bytes(s);
      if (pad == 0) {
        // Tile (0, 0), pixel 5 (oh 0, ow 5), column 22 = kernel position 7
        // (kh 2, kw 1), channel 1: x[1][2][5 * stride + 1], float
        // (1 * 32 + 2) * padded_width + 5 * stride + 1 of the image (each
        // channel a [5, width] matrix padded to 32 x 64 or 32 x 96).
        const std::int64_t padded_width = (width + 31) / 32 * 32;
        CHECK(sram_float(moves(s, true, true)[0], (5 * kTileDim + 22) * 4) ==
              static_cast<float>((1 * 32 + 2) * padded_width + 5 * stride + 1));
      }
    }
  }
}
