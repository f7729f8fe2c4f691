// The DRAM image's tensors (sim/model/dram_image.h) on their own: every true
// element of an input or param lands at the DRAM address of the storage
// position storage_coord gives it, in every storage layout and both DRAM
// layouts; nothing else in the image is written (padding and a grouped
// convolution's zeros stay zero); read_tensor gives the values back in
// row-major order; and the seeded values of a tensor without given values are
// seeded_values' (value i is that of row-major element i), wherever they lie.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/dram_placement.h"
#include "sim/io/input_values.h"
#include "sim/model/dram_image.h"
#include "tests/schedule/schedule_builder.h"

using namespace tilesim;
using namespace tilesim::sched;
using namespace tilesim::sched::testing;

namespace {

// Widths that cross a tile's row (34, 40, 70) and heights that leave padding.
// nhwc's channels and a conv weight's output channels are written in blocks
// of 32 along the storage rows (70: two whole blocks and a part); a depthwise
// weight's output channels step down the rows too.
Schedule tensors_in_every_layout() {
  Builder b(4 * kTileBytes, "layouts");
  b.laid_out("image_nchw", TensorRole::Input, {2, 3, 4, 35}, TensorLayout::Nchw);
  b.laid_out("image_nhwc", TensorRole::Input, {1, 40, 3, 5}, TensorLayout::Nhwc);
  b.laid_out("image_nhwc_wide", TensorRole::Input, {2, 70, 2, 3}, TensorLayout::Nhwc);
  b.laid_out("weight", TensorRole::Param, {6, 5, 3, 3}, TensorLayout::ConvWeight);
  b.laid_out("weight_wide", TensorRole::Param, {70, 3, 2, 2}, TensorLayout::ConvWeight);
  // Written as 8 x 8 transposes (DramImage::write_conv_weight): 43 output
  // channels (five blocks of 8 and three one by one), 9 kernel positions
  // (one block and one), and a 1 x 1 weight of 70 channels (rows in two
  // whole tiles and a part); 40 channels keep tile_major's rows C apart
  // uneven, 64 even.
  b.laid_out("weight_big", TensorRole::Param, {43, 40, 3, 3}, TensorLayout::ConvWeight);
  b.laid_out("weight_even", TensorRole::Param, {17, 64, 3, 1}, TensorLayout::ConvWeight);
  b.laid_out("weight_1x1", TensorRole::Param, {43, 70, 1, 1}, TensorLayout::ConvWeight);
  b.laid_out("weight_groups", TensorRole::Param, {6, 2, 3, 3}, TensorLayout::ConvWeight, 3);
  b.laid_out("weight_depthwise", TensorRole::Param, {5, 1, 3, 3}, TensorLayout::ConvWeight, 5);
  b.stack("stack", TensorRole::Param, {2, 3}, 33, 70);
  b.tensor("matrix", TensorRole::Input, 45, 34);
  b.tensor("row", TensorRole::Param, 1, 70, 1);
  b.scalar("scalar", TensorRole::Param);
  return b.done();
}

std::int64_t element_count(const TensorInfo& t) {
  std::int64_t n = 1;
  for (const std::int64_t d : true_dims(t)) n *= d;
  return n;
}

// Calls f(row-major index, true index) for every element of t.
template <typename F>
void for_each_index(const TensorInfo& t, F f) {
  const std::vector<std::int64_t> dims = true_dims(t);
  std::vector<std::int64_t> index(dims.size(), 0);
  for (std::int64_t i = 0; i < element_count(t); ++i) {
    f(i, index);
    for (std::size_t d = dims.size(); d-- > 0;) {
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
}

float float_at(const unsigned char* bytes, std::uint64_t address) {
  float value;
  std::memcpy(&value, bytes + address, sizeof value);
  return value;
}

// Values 1, 2, 3, ... across the tensors: distinct and never zero.
std::map<std::string, HostTensor> distinct_values(const Schedule& s) {
  std::map<std::string, HostTensor> inputs;
  float next = 1.0f;
  for (const TensorInfo& t : s.tensors) {
    std::vector<float> values(static_cast<std::size_t>(element_count(t)));
    for (float& v : values) v = next++;
    inputs.emplace(t.name, HostTensor::from_dims(true_dims(t), std::move(values)));
  }
  return inputs;
}

}  // namespace

TEST_CASE("dram image: every element at its storage position in every layout, padding zero, read back in order",
          "[sim][dram]") {
  for (const DramLayout layout : {DramLayout::RowMajor, DramLayout::TileMajor}) {
    INFO((layout == DramLayout::RowMajor ? "row_major" : "tile_major"));
    Schedule s = tensors_in_every_layout();
    s.dram_layout = layout;
    const std::map<std::string, HostTensor> inputs = distinct_values(s);
    sim::DramImage image(s, true);
    image.write_inputs(inputs);
    std::int64_t elements = 0;
    for (std::size_t i = 0; i < s.tensors.size(); ++i) {
      const TensorInfo& t = s.tensors[i];
      const std::vector<float>& want = inputs.at(t.name).data;
      INFO(t.name);
      for_each_index(t, [&](std::int64_t e, const std::vector<std::int64_t>& index) {
        const std::uint64_t address = element_address(t, storage_coord(t, index.data()), layout);
        CHECK(float_at(image.data(), address) == want[static_cast<std::size_t>(e)]);
      });
      CHECK(image.read_tensor(static_cast<std::int32_t>(i)).data == want);
      elements += element_count(t);
    }
    std::int64_t nonzero = 0;  // every other float of the image is padding
    for (std::uint64_t a = 0; a + sizeof(float) <= image.size_bytes(); a += sizeof(float)) {
      nonzero += float_at(image.data(), a) != 0.0f;
    }
    CHECK(nonzero == elements);
  }
}

TEST_CASE("dram image: seeded values are generated where each element lies", "[sim][dram]") {
  constexpr std::uint64_t kSeed = 7;
  for (const DramLayout layout : {DramLayout::RowMajor, DramLayout::TileMajor}) {
    INFO((layout == DramLayout::RowMajor ? "row_major" : "tile_major"));
    Schedule s = tensors_in_every_layout();
    s.dram_layout = layout;
    sim::DramImage image(s, true);
    image.write_inputs({}, kSeed);
    for (std::size_t i = 0; i < s.tensors.size(); ++i) {
      const TensorInfo& t = s.tensors[i];
      INFO(t.name);
      CHECK(image.read_tensor(static_cast<std::int32_t>(i)).data ==
            seeded_values(kSeed, t.name, static_cast<std::size_t>(element_count(t))));
    }
  }
}

TEST_CASE("dram image: two threads write the same bytes as one, and a failure on either is thrown",
          "[sim][dram][threads]") {
  // Past kTwoThreadElements (2^20) in all: two 640 x 1024 matrices and the
  // small tensors of every layout, shared out between the two threads.
  Schedule s = tensors_in_every_layout();
  Builder big(4 * kTileBytes, "big");
  big.tensor("big_a", TensorRole::Input, 640, 1024);
  big.tensor("big_b", TensorRole::Param, 640, 1024);
  for (const TensorInfo& t : big.done().tensors) s.tensors.push_back(t);
  for (TensorInfo& t : s.tensors) t.dram_address.reset();
  place_tensors(s.tensors);
  std::int64_t values = 0;
  for (const TensorInfo& t : s.tensors) values += element_count(t);
  REQUIRE(values >= sim::DramImage::kTwoThreadElements);
  sim::DramImage one(s, true), two(s, true);
  one.write_inputs({}, 7, 1);
  two.write_inputs({}, 7, 2);
  CHECK(std::memcmp(one.data(), two.data(), one.size_bytes()) == 0);
  // Without values or a seed, a tensor of either share is refused.
  sim::DramImage unseeded(s, true);
  CHECK_THROWS_WITH(unseeded.write_inputs({}, {}, 2), Catch::Matchers::StartsWith("no values for tensor "));
}
