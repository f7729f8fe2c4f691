// DRAM addresses (dram_placement.h): the placement in table order, aligned,
// without overlaps and without addresses for views; the validator's checks of
// any placement with exact messages; and the text form's dram= fields and
// dram_layout line, written, read back, computed when absent, refused when bad.
#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>
#include <string>

#include "compiler/schedule/dram_placement.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "compiler/schedule/validator_structure.h"
#include "compiler/support/input_error.h"
#include "tests/schedule/sample_onnx_schedules.h"
#include "tests/schedule/sample_schedules.h"

using namespace tilesim::sched;
using namespace tilesim::sched::testing;
using Errors = std::vector<std::string>;

namespace {

constexpr std::uint64_t kTop = 0xfffffffffffff000;  // the last 4 KiB of the 64-bit space

std::string text_of(const Schedule& s) {
  std::ostringstream out;
  write_schedule_text(s, out);
  return out.str();
}

Schedule parse(const std::string& text) {
  std::istringstream in(text);
  return read_schedule_text(in, "t.sched");
}

// `text` without its dram_layout line and dram= fields.
std::string without_dram(std::string text) {
  const std::string line = "dram_layout tile_major\n";
  text.erase(text.find(line), line.size());
  for (std::size_t at; (at = text.find(" dram=")) != std::string::npos;) {
    text.erase(at, text.find_first_of(" \n", at + 1) - at);
  }
  return text;
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const tilesim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// x [64,64] (16 KiB) at 0x0000, w [32,32] at 0x4000, y [32,32] at 0x5000:
// the validator's placement cases (no uOps, no graph output, so nothing else to report).
Schedule three_tensors() {
  Builder b(4 * kTileBytes, "three");
  b.tensor("x", TensorRole::Input, 64, 64);
  b.tensor("w", TensorRole::Param, 32, 32);
  b.tensor("y", TensorRole::Intermediate, 32, 32);
  return b.done();
}

std::vector<std::string> table_problems(const Schedule& s) {
  std::vector<std::string> out;
  for (const Problem& p : structure::check_tensors(s)) out.push_back(p.text);
  return out;
}

const std::string kHeader =
    "tilesim-schedule 1\n"
    "sram_bytes 12288\n";
const std::string kTable =
    "tensor 0 x input shape=[32,40] padded=[32,64]\n"
    "tensor 1 b param shape=[40] padded=[64]\n"
    "tensor 2 xt intermediate shape=[40,32] padded=[64,32] view=transpose(x)\n"
    "tensor 3 y output shape=[32,32] padded=[32,32] graph_output\n";

}  // namespace

TEST_CASE("dram placement: table order, each at the next aligned address, views none", "[schedule][dram]") {
  Schedule s = parse(kHeader + kTable);
  // x 8192 B at 0; b 256 B at 0x2000; the view none; y at the next 4 KiB, 0x3000.
  CHECK(s.tensors[0].dram_address == std::uint64_t{0x0000});
  CHECK(s.tensors[1].dram_address == std::uint64_t{0x2000});
  CHECK_FALSE(s.tensors[2].dram_address.has_value());
  CHECK(s.tensors[3].dram_address == std::uint64_t{0x3000});
  CHECK(dram_extent(s) == 0x4000);
  CHECK(table_problems(s).empty());

  place_tensors(s.tensors, 0x10000);
  CHECK(s.tensors[0].dram_address == std::uint64_t{0x00000});
  CHECK(s.tensors[1].dram_address == std::uint64_t{0x10000});
  CHECK_FALSE(s.tensors[2].dram_address.has_value());
  CHECK(s.tensors[3].dram_address == std::uint64_t{0x20000});
  CHECK(dram_extent(s) == 0x21000);
  CHECK(table_problems(s).empty());

  // A tensor that fills its last aligned block exactly leaves no gap.
  place_tensors(s.tensors, 8192);
  CHECK(s.tensors[1].dram_address == std::uint64_t{0x2000});
  CHECK(s.tensors[3].dram_address == std::uint64_t{0x4000});
}

TEST_CASE("dram placement: only powers of two of at least 4096 align", "[schedule][dram]") {
  Schedule s = one_tile_matmul().done();
  for (const std::uint64_t bad :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2048}, std::uint64_t{6144}, std::uint64_t{4097}}) {
    INFO(bad);
    CHECK_FALSE(valid_dram_alignment(bad));
    CHECK_THROWS_AS(place_tensors(s.tensors, bad), std::invalid_argument);
  }
  CHECK_THROWS_WITH(place_tensors(s.tensors, 6144), "DRAM alignment 6144 is not a power of two of at least 4096");
  for (const std::uint64_t good : {std::uint64_t{4096}, std::uint64_t{8192}, std::uint64_t{1} << 40}) {
    CHECK(valid_dram_alignment(good));
  }
  // No aligned address left for y: it gets 2^64 - 1 instead of wrapping to 0, and is refused.
  place_tensors(s.tensors, std::uint64_t{1} << 63);
  CHECK(s.tensors[1].dram_address == std::uint64_t{1} << 63);
  CHECK(s.tensors[2].dram_address == std::uint64_t{0xffffffffffffffff});
  CHECK(validate(s) == Errors{"tensor 2 y: DRAM address 0xffffffffffffffff is not a multiple of 4096 (expected a "
                              "4096-byte aligned address)"});
}

TEST_CASE("dram placement: the validator refuses a view with an address and a tensor without", "[schedule][dram]") {
  Schedule s = view_matmul().done();
  CHECK(validate(s).empty());
  s.tensors[2].dram_address = 0x5000;
  CHECK(validate(s) == Errors{"tensor 2 wt: DRAM address 0x5000 on a view (expected none: a view reads the DRAM of "
                              "the tensor it shows)"});
  s = view_matmul().done();
  s.tensors[0].dram_address.reset();
  CHECK(validate(s) == Errors{"tensor 0 x: no DRAM address (expected one for every tensor that is not a view)"});
}

TEST_CASE("dram placement: the validator refuses misalignment and the end of the 64-bit space", "[schedule][dram]") {
  Schedule s = three_tensors();
  s.tensors[1].dram_address = 0x5080;
  CHECK(validate(s) == Errors{"tensor 1 w: DRAM address 0x5080 is not a multiple of 4096 (expected a 4096-byte "
                              "aligned address)"});
  s.tensors[1].dram_address = 0x4800;
  CHECK(validate(s) == Errors{"tensor 1 w: DRAM address 0x4800 is not a multiple of 4096 (expected a 4096-byte "
                              "aligned address)"});
  // 4096 bytes at the last 4 KiB end at 2^64 exactly: fine. 16 KiB there are not.
  s = three_tensors();
  s.tensors[2].dram_address = kTop;
  CHECK(validate(s).empty());
  s.tensors[0].dram_address = kTop;
  s.tensors[2].dram_address = 0x5000;
  CHECK(validate(s) == Errors{"tensor 0 x: DRAM address 0xfffffffffffff000 + 16384 bytes passes the end of the 64-bit "
                              "address space (expected at most 0xffffffffffffc000)"});
  s.tensors[0].dram_address = 0xffffffffffffc000;
  CHECK(validate(s).empty());
}

TEST_CASE("dram placement: the validator refuses overlapping tensors, each against the one it runs into",
          "[schedule][dram]") {
  Schedule s = three_tensors();  // x 0x0000 + 16 KiB, w 0x4000, y 0x5000
  s.tensors[2].dram_address = 0x4000;
  CHECK(validate(s) == Errors{"tensor 2 y: DRAM range 0x4000 + 4096 bytes overlaps tensor 1 w at 0x4000 + 4096 bytes "
                              "(expected disjoint DRAM ranges)"});
  // Both inside x: each is reported against x, also y, which w does not reach.
  s.tensors[1].dram_address = 0x1000;
  s.tensors[2].dram_address = 0x3000;
  CHECK(validate(s) == Errors{"tensor 1 w: DRAM range 0x1000 + 4096 bytes overlaps tensor 0 x at 0x0000 + 16384 bytes "
                              "(expected disjoint DRAM ranges)",
                              "tensor 2 y: DRAM range 0x3000 + 4096 bytes overlaps tensor 0 x at 0x0000 + 16384 bytes "
                              "(expected disjoint DRAM ranges)"});
  // The table order does not matter: x placed after w and y, overlapping w's end.
  s = three_tensors();
  s.tensors[0].dram_address = 0x6000;
  s.tensors[1].dram_address = 0x0000;
  s.tensors[2].dram_address = 0x9000;
  CHECK(validate(s) == Errors{"tensor 2 y: DRAM range 0x9000 + 4096 bytes overlaps tensor 0 x at 0x6000 + 16384 bytes "
                              "(expected disjoint DRAM ranges)"});
  // Adjacent is not overlapping, and gaps are allowed.
  s.tensors[2].dram_address = 0xa000;
  CHECK(validate(s).empty());
  s.tensors[2].dram_address = kTop;
  CHECK(validate(s).empty());
}

TEST_CASE("dram placement: checked once the rest of the table is sound", "[schedule][dram]") {
  Schedule s = three_tensors();
  s.tensors[1].padded_cols = 40;
  s.tensors[2].dram_address = 0x4001;
  CHECK(validate(s) == Errors{"tensor 1 w: padded cols 40 (expected a multiple of 32 that is at least 32, e.g. 32)"});
}

TEST_CASE("dram text: dram= and dram_layout are written and read back exactly", "[schedule][dram][text]") {
  Schedule s = three_tensors();
  s.dram_layout = DramLayout::TileMajor;
  s.tensors[0].dram_address = 0x123456789abcd000;
  s.tensors[2].dram_address = kTop;
  const std::string text = text_of(s);
  CHECK(text.find("\nsram_bytes 16384\ndram_layout tile_major\ntensor 0 x input shape=[64,64] padded=[64,64] "
                  "dram=0x123456789abcd000\ntensor 1 w param shape=[32,32] padded=[32,32] dram=0x4000\n"
                  "tensor 2 y intermediate shape=[32,32] padded=[32,32] dram=0xfffffffffffff000\n") !=
        std::string::npos);
  const Schedule back = parse(text);
  CHECK(back.dram_layout == DramLayout::TileMajor);
  for (std::size_t i = 0; i < s.tensors.size(); ++i) CHECK(back.tensors[i].dram_address == s.tensors[i].dram_address);
  CHECK(text_of(back) == text);
  // Upper-case digits and fields in any order read the same.
  const Schedule upper = parse(kHeader +
                               "dram_layout row_major\n"
                               "tensor 0 x input shape=[32,32] padded=[32,32] graph_output dram=0XABC000\n");
  CHECK(upper.dram_layout == DramLayout::RowMajor);
  CHECK(upper.tensors[0].dram_address == std::uint64_t{0xabc000});
}

TEST_CASE("dram text: without dram= the reader places as the compiler, without dram_layout row-major",
          "[schedule][dram][text]") {
  const Schedule s = parse(kHeader + kTable);
  CHECK(s.dram_layout == DramLayout::RowMajor);
  Schedule compiled = s;
  place_tensors(compiled.tensors);
  for (std::size_t i = 0; i < s.tensors.size(); ++i)
    CHECK(s.tensors[i].dram_address == compiled.tensors[i].dram_address);
  CHECK(parse(kHeader + "dram_layout tile_major\n" + kTable).dram_layout == DramLayout::TileMajor);
  // A written schedule with its dram= fields and layout line taken out reads back the same.
  Schedule sample = batched_matmul(true).done();
  sample.dram_layout = DramLayout::TileMajor;
  const std::string text = text_of(sample);
  const std::string bare = without_dram(text);
  CHECK(bare.find("dram") == std::string::npos);
  const Schedule back = parse(bare);
  CHECK(back.dram_layout == DramLayout::RowMajor);
  for (std::size_t i = 0; i < sample.tensors.size(); ++i) {
    CHECK(back.tensors[i].dram_address == sample.tensors[i].dram_address);
  }
  // Only a view names an address: the others are placed, and the validator refuses the view.
  std::string table = kTable;
  const Schedule view = parse(kHeader + table.insert(table.find("view="), "dram=0x9000 "));
  CHECK(view.tensors[3].dram_address == std::uint64_t{0x3000});
  CHECK(validate(view) == Errors{"tensor 2 xt: DRAM address 0x9000 on a view (expected none: a view reads the DRAM of "
                                 "the tensor it shows)"});
}

TEST_CASE("dram text: bad dram= fields and dram_layout lines name their line", "[schedule][dram][text]") {
  const std::string x = "tensor 0 x input shape=[32,32] padded=[32,32]";
  CHECK(error_of(kHeader + "dram_layout column_major\n") ==
        "t.sched:3: dram_layout: unknown layout 'column_major' (expected row_major or tile_major)");
  CHECK(error_of(kHeader + "dram_layout\n") ==
        "t.sched:3: dram_layout: wrong number of fields (expected dram_layout row_major or dram_layout tile_major)");
  CHECK(error_of(kHeader + "dram_layout row_major\ndram_layout row_major\n") ==
        "t.sched:4: second 'dram_layout' line (expected one)");
  for (const std::string bad :
       {"dram=", "dram=0x", "dram=4096", "dram=0x1g000", "dram=0x10000000000000000", "dram=-0x1000", "dram=0x1000,"}) {
    INFO(bad);
    CHECK(error_of(kHeader + x + " " + bad + "\n") ==
          "t.sched:3: tensor 0: bad field '" + bad + "' (expected dram=0x followed by 1 to 16 hex digits)");
  }
  CHECK(error_of(kHeader + x + " dram=0x0 dram=0x1000\n") ==
        "t.sched:3: tensor 0: field dram given twice (expected each field once)");
  // All or nothing: the first tensor with storage and no dram= is refused.
  CHECK(error_of(kHeader + x + "\ntensor 1 y output shape=[32,32] padded=[32,32] dram=0x1000 graph_output\n") ==
        "t.sched:3: tensor 0: no dram= but tensor 1 has one (expected dram=ADDR on every tensor that is not a view, "
        "or on none)");
  // A view needs none when the others give theirs.
  const Schedule given = parse(kHeader + x + " dram=0x2000\n" +
                               "tensor 1 xt intermediate shape=[32,32] padded=[32,32] view=transpose(x)\n"
                               "tensor 2 y output shape=[32,32] padded=[32,32] dram=0x0000 graph_output\n");
  CHECK(given.tensors[0].dram_address == std::uint64_t{0x2000});
  CHECK_FALSE(given.tensors[1].dram_address.has_value());
  CHECK(given.tensors[2].dram_address == std::uint64_t{0x0000});
  CHECK(table_problems(given).empty());
}
