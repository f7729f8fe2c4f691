// The memory system in the trace (docs/traces.md): a timed DRAM's channels
// (busy, running row-hit and refresh counts, each refresh at its instant) and
// the SRAM's stall signals, declared only when that hardware is there and
// grouped in the .gtkw; the ideal default trace and save file stay byte for
// byte those of tests/waves/mlp-ideal.* (the machine before the timed DRAM,
// with the layer signals dma_layer and compute_layer since they exist).
#include <catch2/catch.hpp>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run_process.h"
#include "tests/support/vcd_reader.h"

namespace fs = std::filesystem;
using nlohmann::json;
using tilesim::test::read_vcd;
using tilesim::test::read_file;
using tilesim::test::run_tilesim;
using tilesim::test::VcdTrace;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

struct Traced {
  int exit_code;
  VcdTrace vcd;
  std::string vcd_text, gtkw;
  json stats;
};

// tilesim run --timing-only on mlp.yaml with `extra`, traced to t.vcd.
Traced trace_mlp(const std::vector<std::string>& extra) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-memory-trace-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> args{"run",
                                "--hw",
                                kSource + "/configs/hw/default.yaml",
                                "--model",
                                kSource + "/configs/models/mlp.yaml",
                                "--timing-only",
                                "--vcd",
                                "t.vcd",
                                "--stats-json",
                                "s.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  Traced t{run_tilesim(args, dir.string()).exit_code, {}, "", "", json()};
  if (t.exit_code == 0) {
    t.vcd = read_vcd((dir / "t.vcd").string());
    t.vcd_text = read_file(dir / "t.vcd");
    t.gtkw = read_file(dir / "t.gtkw");
    t.stats = json::parse(read_file(dir / "s.json"));
  }
  fs::remove_all(dir);
  return t;
}

std::vector<std::string> names_of(const VcdTrace& vcd) {
  std::vector<std::string> names;
  for (const auto& [name, id] : vcd.ids) names.push_back(name);
  return names;
}

std::uint64_t binary(const std::string& bits) { return std::stoull(bits, nullptr, 2); }

// The value of a counter at the end of the trace.
std::uint64_t last_value(const VcdTrace& vcd, const std::string& name) { return binary(vcd.of(name).back().second); }

// A 1-bit signal is 0 throughout [from, to].
bool idle_between(const VcdTrace& vcd, const std::string& name, std::int64_t from, std::int64_t to) {
  std::string at_from = "x";
  for (const auto& [time, value] : vcd.of(name)) {
    if (time <= from) {
      at_from = value;
    } else if (time <= to && value != "0") {
      return false;
    }
  }
  return at_from == "0";
}

std::string channel(int c, const char* what) { return "dram.ch" + std::to_string(c) + "." + what; }

}  // namespace

TEST_CASE("trace: the ideal default run's VCD and save file are those of the machine before the timed DRAM",
          "[cli][trace]") {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-ideal-trace-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                              kSource + "/configs/models/mlp.yaml", "--timing-only", "--vcd", "mlp.vcd"},
                             dir.string());
  CHECK(r.exit_code == 0);
  CHECK(read_file(dir / "mlp.vcd") == read_file(kSource + "/tests/waves/mlp-ideal.vcd"));
  CHECK(read_file(dir / "mlp.gtkw") == read_file(kSource + "/tests/waves/mlp-ideal.gtkw"));
  fs::remove_all(dir);
}

TEST_CASE("trace: a DDR4-3200 run shows its channel's busy time, row hits and refreshes", "[cli][trace]") {
  const Traced t = trace_mlp({"--set", "dram.preset=ddr4-3200"});
  REQUIRE(t.exit_code == 0);
  CHECK(names_of(t.vcd) == std::vector<std::string>{"compute_busy", "compute_layer", "compute_queue", "compute_uop",
                                                    "dma_busy", "dma_layer", "dma_queue", "dma_uop", "dram.ch0.busy",
                                                    "dram.ch0.refreshes", "dram.ch0.row_hits", "overlap",
                                                    "sram_bytes_in_use"});
  // Declared in scopes below SystemC, so GTKWave names them SystemC.dram.ch0.*.
  CHECK(t.vcd_text.find("$scope module dram $end\n$scope module ch0 $end\n$var wire 1 k busy $end\n"
                        "$var wire 64 l row_hits [63:0] $end\n$var wire 64 m refreshes [63:0] $end\n"
                        "$upscope $end\n$upscope $end\n") != std::string::npos);
  const auto& busy = t.vcd.of("dram.ch0.busy");
  // The first burst is issued dma.setup_cycles = 64 after the first LOAD starts at 0.
  REQUIRE(busy.size() >= 2);
  CHECK(busy[0] == std::make_pair(std::int64_t{0}, std::string("0")));
  CHECK(busy[1] == std::make_pair(std::int64_t{64}, std::string("1")));
  const auto cycles = t.stats["cycles"].get<std::int64_t>();
  CHECK(t.vcd.end_time == cycles);
  CHECK(t.vcd.time_high("dram.ch0.busy") > 0);
  CHECK(t.vcd.time_high("dram.ch0.busy") <= t.vcd.time_high("dma_busy"));  // bursts belong to transfers
  // The counters only grow, one row hit at a time (a burst is 4 nCK = 2.5 ns
  // on the bus), and end at the figures of stats.json.
  std::uint64_t previous = 0;
  for (const auto& [time, value] : t.vcd.of("dram.ch0.row_hits")) {
    CHECK(binary(value) >= previous);
    CHECK(binary(value) <= previous + 1);
    previous = binary(value);
  }
  CHECK(last_value(t.vcd, "dram.ch0.row_hits") == t.stats["dram"]["channels"][0]["row_hits"]);
  CHECK(last_value(t.vcd, "dram.ch0.refreshes") == t.stats["dram"]["channels"][0]["refreshes"]);
  CHECK(t.gtkw.find("@800200\n-DRAM ch0\n@28\nSystemC.dram.ch0.busy\n@24\nSystemC.dram.ch0.row_hits[63:0]\n"
                    "SystemC.dram.ch0.refreshes[63:0]\n@1000200\n-DRAM ch0\n") != std::string::npos);
  CHECK(t.gtkw.find("-DRAM ch1") == std::string::npos);
  CHECK(t.gtkw.find("SRAM stalls") == std::string::npos);
}

TEST_CASE("trace: HBM2 marks each refresh of each channel at its instant, idle or not", "[cli][trace]") {
  // Narrow SRAM banks make the compute unit slow: the DRAM idles for long
  // stretches. A refresh is due every tREFI = 3900 nCK of 1 ns; it issues at
  // the due cycle when the channel's rows are closed, else PREA then and REF
  // tRP = 14 later (docs/dram-model.md, "Refresh"), once the open row's tRAS
  // (28) and its last burst's tRTP or write recovery are over, which 50
  // cycles of idling guarantee; a busier channel may refresh later.
  const Traced t =
      trace_mlp({"--set", "dram.preset=hbm2", "--set", "sram.banks=2", "--set", "sram.bank_bytes_per_cycle=8"});
  REQUIRE(t.exit_code == 0);
  int at_due_while_idle = 0;
  for (int c = 0; c < 8; ++c) {
    INFO("channel " << c);
    const json& figures = t.stats["dram"]["channels"][c];
    CHECK(t.vcd.has(channel(c, "busy")));
    CHECK(last_value(t.vcd, channel(c, "row_hits")) == figures["row_hits"]);
    CHECK(last_value(t.vcd, channel(c, "refreshes")) == figures["refreshes"]);
    CHECK(figures["refreshes"].get<std::int64_t>() == t.stats["cycles"].get<std::int64_t>() / 3900);
    const auto& refreshes = t.vcd.of(channel(c, "refreshes"));
    for (std::size_t k = 1; k < refreshes.size(); ++k) {
      const std::int64_t due = 3900 * static_cast<std::int64_t>(k), at = refreshes[k].first;
      CHECK(binary(refreshes[k].second) == k);
      CHECK(at >= due);
      CHECK(at < due + 3900);
      if (!idle_between(t.vcd, channel(c, "busy"), due - 50, at)) continue;
      CHECK((at == due || at == due + 14));
      // No DRAM event wakes the model at such a refresh; the trace still
      // shows it when it happens.
      if (at == due) ++at_due_while_idle;
    }
    CHECK(t.gtkw.find("-DRAM ch" + std::to_string(c) + "\n@28\nSystemC.dram.ch" + std::to_string(c) + ".busy\n") !=
          std::string::npos);
  }
  CHECK(at_due_while_idle >= 8);
  CHECK(t.gtkw.find("-DRAM ch8") == std::string::npos);
}

TEST_CASE("trace: a narrow SRAM bank raises the stall signals for exactly the stall cycles", "[cli][trace]") {
  const Traced t = trace_mlp({"--set", "sram.banks=1", "--set", "sram.bank_bytes_per_cycle=32"});
  REQUIRE(t.exit_code == 0);
  CHECK(names_of(t.vcd) == std::vector<std::string>{"compute_busy", "compute_layer", "compute_queue", "compute_uop",
                                                    "dma_busy", "dma_layer", "dma_queue", "dma_uop", "overlap",
                                                    "sram.compute_stall", "sram.dma_stall", "sram_bytes_in_use"});
  // One unit per role, so a role's stalls never overlap: high for the sum
  // of its bandwidth and conflict stall cycles (4160 and 3200 + 17664 here,
  // tests/cli/test_memory_stats.cpp).
  const json& sram = t.stats["sram"];
  for (const char* role : {"dma", "compute"}) {
    INFO(role);
    CHECK(t.vcd.time_high(std::string("sram.") + role + "_stall") ==
          sram[role]["bandwidth_stall_cycles"].get<std::int64_t>() +
              sram[role]["conflict_stall_cycles"].get<std::int64_t>());
  }
  CHECK(t.vcd.time_high("sram.compute_stall") == 17664 + 3200);
  CHECK(t.vcd.of("sram.dma_stall").size() > 2);  // it toggles
  CHECK(t.gtkw.find("@800200\n-SRAM stalls\n@28\nSystemC.sram.dma_stall\nSystemC.sram.compute_stall\n@1000200\n-SRAM "
                    "stalls\n") != std::string::npos);
  CHECK(t.gtkw.find("DRAM") == std::string::npos);
}
