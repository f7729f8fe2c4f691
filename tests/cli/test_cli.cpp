// The tilesim program seen from outside: exit codes, stdout, exact stderr.
#include <catch2/catch.hpp>

#include "tests/support/run_process.h"

using tilesim::test::lines_of;
using tilesim::test::run_tilesim;

namespace {
const std::string kSource = TILESIM_SOURCE_DIR;
}

TEST_CASE("help lists the commands and the exit codes", "[cli]") {
  const auto r = run_tilesim({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("check-config FILE.yaml") != std::string::npos);
  CHECK(r.out.find("compile --hw FILE.yaml --model FILE.yaml") != std::string::npos);
  CHECK(r.out.find("run --hw FILE.yaml --model FILE.yaml") != std::string::npos);
  CHECK(r.out.find("Exit codes: 0 success, 1 internal error, 2 bad input") != std::string::npos);
}

TEST_CASE("version names the version, SystemC and the kernels", "[cli]") {
  const auto r = run_tilesim({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());  // no SystemC banner
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("tilesim 0.1.0 (commit ", 0) == 0);
  CHECK(lines[1].rfind("SystemC 2.3.4", 0) == 0);
  CHECK(lines[2].find("reference") != std::string::npos);
  CHECK(lines[2].find("(auto: ") != std::string::npos);
}

TEST_CASE("check-config prints the fully-defaulted configuration", "[cli]") {
  const auto r = run_tilesim({"check-config", kSource + "/configs/hw/default.yaml"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "name: default\n"
        "clock_mhz: 1000  # one cycle = 1 ns\n"
        "sram:\n"
        "  size_kib: 256  # 262144 bytes, 64 tiles of 4 KiB\n"
        "  banks: 0  # ideal: no banks or ports modelled, the SRAM never stalls a unit\n"
        "  bank_bytes_per_cycle: 64\n"
        "  ports_per_bank: 1rw\n"
        "  interleave_bytes: 64\n"
        "dma:\n"
        "  bytes_per_cycle: 32\n"
        "  setup_cycles: 64  # one 4 KiB tile: 192 cycles\n"
        "  queue_depth: 4\n"
        "  transpose_cycles: 32\n"
        "  channels: 1  # DMA engines (a timed DRAM only)\n"
        "  max_outstanding: 16  # bursts in flight per engine (a timed DRAM only)\n"
        "compute:\n"
        "  matmul_tile_cycles: 64\n"
        "  vector_tile_cycles: 8\n"
        "  queue_depth: 4\n"
        "dram:\n"
        "  preset: ideal  # no DRAM timing: a transfer costs dma.setup_cycles + ceil(bytes / dma.bytes_per_cycle)\n"
        "  layout: row_major  # tensors in DRAM: row_major (a tile is 32 strided rows) or tile_major (4 KiB contiguous)\n");
}

TEST_CASE("check-config applies --set overrides in order", "[cli]") {
  const auto r = run_tilesim({"check-config", kSource + "/configs/hw/default.yaml", "--set", "sram.size_kib=64",
                              "--set", "dma.setup_cycles=0"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("  size_kib: 64  # 65536 bytes, 16 tiles of 4 KiB\n") != std::string::npos);
  CHECK(r.out.find("  setup_cycles: 0  # one 4 KiB tile: 128 cycles\n") != std::string::npos);
}

TEST_CASE("check-config help documents the set flag", "[cli]") {
  const auto r = run_tilesim({"check-config", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("Usage: tilesim check-config FILE.yaml [--set KEY=VALUE]...", 0) == 0);
  CHECK(r.out.find("--set KEY=VALUE") != std::string::npos);
}
