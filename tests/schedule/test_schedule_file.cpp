// load_schedule_file / load_schedule_text (schedule_file.h): a hand-written
// schedule gets every check before simulation, and each defect is one
// InputError naming the line it concerns. The corpus tests/bad-inputs/schedules
// holds a case per class with its exact message; tests/schedule/
// test_schedule_cli.cpp runs the same corpus through `tilesim run`.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/schedule/schedule_file.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/scheduler/lowering.h"
#include "compiler/scheduler/scheduler.h"
#include "compiler/support/input_error.h"
#include "tests/io/bad_file_cases.h"

using namespace tilesim;
using namespace tilesim::sched;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;
constexpr std::int64_t kHwSram = 256 * 1024;  // configs/hw/default.yaml

std::string error_of(const std::string& text, std::int64_t hw_sram = kHwSram) {
  std::istringstream in(text);
  try {
    load_schedule_text(in, "t.schedule", hw_sram);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

const std::string kHeader =
    "tilesim-schedule 1\n"
    "sram_bytes 8192\n"
    "tensor 0 x input shape=[32,32] padded=[32,32]\n"
    "tensor 1 y output shape=[32,32] padded=[32,32] graph_output\n";
const std::string kUops =
    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
    "1 compute EXEC relu y[0,0]@0x1000 <- x[0,0]@0x0000 deps=0\n"
    "2 dma STORE y[0,0]@0x1000 deps=1\n";

}  // namespace

TEST_CASE("schedule file: every bad-input case gives its exact line", "[schedule][file][bad-input]") {
  const auto cases = test::bad_file_cases("schedules", ".schedule");
  REQUIRE(cases.size() >= 45);
  for (const auto& [path, expected] : cases) {
    INFO(path);
    std::string got = "no error";
    try {
      load_schedule_file(path, kHwSram);
    } catch (const InputError& e) {
      got = e.what();
    }
    CHECK(got == expected);
  }
}

TEST_CASE("schedule file: a sound hand-written schedule loads", "[schedule][file]") {
  std::istringstream in(kHeader + kUops);
  const Schedule s = load_schedule_text(in, "t.schedule", kHwSram);
  CHECK(s.uops.size() == 3);
  CHECK(s.compulsory_bytes == 2 * kTileBytes);
  const Schedule docs = load_schedule_file(kSource + "/docs/examples/one-tile.schedule", kHwSram);
  CHECK(docs.loads == 3);
}

TEST_CASE("schedule file: compiled schedules of the example models load unchanged", "[schedule][file]") {
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/configs/models")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    ir::Graph graph = frontend::load_model(entry.path().string());
    passes::run_default_passes(graph);
    const std::int64_t sram = std::max<std::int64_t>(min_sram_tiles(graph) * kTileBytes, 64 * 1024);
    const Schedule compiled = schedule_graph(graph, SchedulerOptions{sram, 2, {}});
    std::ostringstream text;
    write_schedule_text(compiled, text);
    std::istringstream in(text.str());
    const Schedule s = load_schedule_text(in, "compiled.schedule", sram);
    CHECK(s.uops.size() == compiled.uops.size());
    CHECK(s.compulsory_bytes == compiled.compulsory_bytes);
  }
}

TEST_CASE("schedule file: the reader records the line of every item", "[schedule][file]") {
  std::istringstream in("# a comment\n" + kHeader + "\ntotals loads=1\n" + kUops);
  ScheduleLines lines;
  read_schedule_text(in, "t.schedule", &lines);
  CHECK(lines.sram_bytes == 3);
  CHECK(lines.tensors == std::vector<std::int64_t>{4, 5});
  CHECK(lines.totals == 7);
  CHECK(lines.uops == std::vector<std::int64_t>{8, 9, 10});
}

TEST_CASE("schedule file: the first problem in check order: table, uOps, outputs, totals", "[schedule][file]") {
  // A rank-3 tensor without dims (a hand-written-only check, line 5) and a
  // padding problem (the validator's, line 6): the table's earliest line.
  const std::string stack = "tensor 2 s intermediate shape=[32,32] padded=[32,32] rank=3 batch=2\n";
  const std::string narrow = "tensor 3 n intermediate shape=[32,40] padded=[32,32]\n";
  CHECK(error_of(kHeader + stack + narrow + kUops) ==
        "t.schedule:5: tensor 2 s: rank 3 without dims (expected dims=[...] with the stack's leading dims)");
  CHECK(error_of(kHeader + "tensor 2 n intermediate shape=[32,40] padded=[32,32]\n" + kUops) ==
        "t.schedule:5: tensor 2 n: padded cols 32 (expected a multiple of 32 that is at least 40, e.g. 64)");
  // Wrong totals (line 5) and a missing dependency (line 7): the uOps are
  // checked before the totals.
  CHECK(error_of(kHeader + "totals loads=9\n" + kUops.substr(0, kUops.find('\n') + 1) +
                 "1 compute EXEC relu y[0,0]@0x1000 <- x[0,0]@0x0000 deps=-\n") ==
        "t.schedule:7: uop 1 (EXEC relu y[0,0]) reads slot at 0x0000 while uop 0 (LOAD x[0,0]) may still write it "
        "(expected a dependency on uop 0 or a later dma uop)");
}

TEST_CASE("schedule file: lines, folders and unreadable files", "[schedule][file]") {
  CHECK(error_of(kHeader + "tensor 2 " + std::string((1 << 20) + 10, 'a') + "\n") ==
        "t.schedule:5: line longer than 1048576 bytes (expected a schedule line)");
  std::string folder;
  try {
    load_schedule_file(kSource + "/docs", kHwSram);
  } catch (const InputError& e) {
    folder = e.what();
  }
  CHECK(folder == kSource + "/docs: is a folder (expected a schedule file)");
  std::string missing;
  try {
    load_schedule_file(kSource + "/no-such.schedule", kHwSram);
  } catch (const InputError& e) {
    missing = e.what();
  }
  CHECK(missing == kSource + "/no-such.schedule: cannot open (expected a readable schedule file)");
}

TEST_CASE("schedule file: the schedule's SRAM must fit the hardware's", "[schedule][file]") {
  CHECK(error_of(kHeader + kUops, 4096) ==
        "t.schedule:2: sram_bytes: 8192 is more than the hardware's 4096 (expected a schedule for this SRAM "
        "(--set sram.size_kib=...))");
  CHECK(error_of(kHeader + kUops, 8192) == "no error");
}
