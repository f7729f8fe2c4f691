// The memory system's figures in stats.json and in the summary of `tilesim
// run` (docs/stats.md): the `dram` object (just the preset for `ideal`), the
// `sram` object's traffic and stall cycles, the DRAM and SRAM lines of the
// summary, each checked against the schedule, against each other and against
// the definitions; the ideal default run's summary stays the one
// docs/cycle-model.md quotes; a trace never changes a figure.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;
const std::string kHw = kSource + "/configs/hw/default.yaml";
const std::string kMlp = kSource + "/configs/models/mlp.yaml";

// The DRAM figures of docs/stats.md, in their order; per channel the same.
const std::vector<std::string> kDramFigures = {"reads",
                                               "writes",
                                               "bytes",
                                               "row_hits",
                                               "row_misses",
                                               "row_conflicts",
                                               "activates",
                                               "precharges",
                                               "refreshes",
                                               "row_hit_rate",
                                               "achieved_gb_per_s",
                                               "peak_gb_per_s",
                                               "mean_read_latency_ns",
                                               "max_read_latency_ns"};
const std::vector<std::string> kDramCounts = {"reads",         "writes",    "bytes",      "row_hits", "row_misses",
                                              "row_conflicts", "activates", "precharges", "refreshes"};
const std::vector<std::string> kRequesterFigures = {"requests",
                                                    "reads",
                                                    "writes",
                                                    "bytes_read",
                                                    "bytes_written",
                                                    "port_cycles",
                                                    "bandwidth_stall_cycles",
                                                    "conflict_stall_cycles",
                                                    "conflicted_requests"};

struct Run {
  int exit_code;
  std::string out;
  json stats;
};

// tilesim run --timing-only on mlp.yaml with `extra`, its summary and stats.json.
Run run_mlp(const std::vector<std::string>& extra) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-memory-stats-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> args{"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--stats-json", "s.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_tilesim(args, dir.string());
  Run run{r.exit_code, r.out, json()};
  std::ifstream in(dir / "s.json");
  if (in) run.stats = json::parse(in);
  fs::remove_all(dir);
  return run;
}

std::vector<std::string> keys_of(const json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

// The summary's line that starts with `label`, or "" when there is none.
std::string line_of(const std::string& out, const std::string& label) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(label, 0) == 0) return line;
  }
  return "";
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

json without_wall_times(json stats) {
  for (const char* key : {"wall_seconds", "sim_wall_seconds", "uops_per_second"}) stats.erase(key);
  return stats;
}

}  // namespace

TEST_CASE("memory stats: an ideal run's stats.json names the ideal DRAM and counts the SRAM's traffic",
          "[cli][stats]") {
  const Run run = run_mlp({});
  REQUIRE(run.exit_code == 0);
  CHECK(run.stats["dram"] == json{{"preset", "ideal"}});
  const json& sram = run.stats["sram"];
  CHECK(keys_of(sram) == std::vector<std::string>{"capacity_bytes", "peak_bytes", "banks", "reads", "writes",
                                                  "bytes_read", "bytes_written", "bank_conflict_stall_cycles",
                                                  "bandwidth_stall_cycles", "dma", "compute"});
  CHECK(keys_of(sram["dma"]) == kRequesterFigures);
  CHECK(keys_of(sram["compute"]) == kRequesterFigures);
  CHECK(sram["banks"] == 0);
  // 27 LOADs write a tile each, 4 STOREs read one; 44 matmul steps read x and
  // w, and the accumulator on the 28 that are not a first K step (116 reads),
  // and write their tile.
  CHECK(sram["dma"]["requests"] == 31);
  CHECK(sram["dma"]["writes"] == 27);
  CHECK(sram["dma"]["reads"] == 4);
  CHECK(sram["compute"]["requests"] == 44);
  CHECK(sram["compute"]["reads"] == 116);
  CHECK(sram["compute"]["writes"] == 44);
  CHECK(sram["reads"] == 4 + 116);
  CHECK(sram["writes"] == 27 + 44);
  CHECK(sram["bytes_read"] == (4 + 116) * 4096);
  CHECK(sram["bytes_written"] == (27 + 44) * 4096);
  CHECK(sram["dma"]["bytes_written"] == run.stats["dma"]["bytes_loaded"]);
  CHECK(sram["dma"]["bytes_read"] == run.stats["dma"]["bytes_stored"]);
  // The ideal SRAM holds no port and never stalls.
  for (const char* who : {"dma", "compute"}) {
    for (const char* figure : {"port_cycles", "bandwidth_stall_cycles", "conflict_stall_cycles", "conflicted_requests"})
      CHECK(sram[who][figure] == 0);
  }
  CHECK(sram["bank_conflict_stall_cycles"] == 0);
  CHECK(sram["bandwidth_stall_cycles"] == 0);
}

TEST_CASE("memory stats: the ideal default run's summary is the one docs/cycle-model.md shows", "[cli][stats]") {
  const Run run = run_mlp({});
  REQUIRE(run.exit_code == 0);
  // The block under "## The default run", without its command line; the
  // wall time line differs from run to run and is elided there.
  std::ifstream doc(kSource + "/docs/cycle-model.md");
  std::stringstream all;
  all << doc.rdbuf();
  const std::string text = all.str();
  const std::size_t open = text.find("```\n$ build/sim/tilesim run", text.find("## The default run"));
  REQUIRE(open != std::string::npos);
  const std::size_t first = text.find('\n', open + 4) + 1;
  const std::string shown = text.substr(first, text.find("```\n", first) - first);
  const auto without_wall_time = [](const std::string& out) {
    std::vector<std::string> lines = tilesim::test::lines_of(out);
    lines.erase(
        std::remove_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("  wall time", 0) == 0; }),
        lines.end());
    return lines;
  };
  CHECK(without_wall_time(run.out) == without_wall_time(shown));
  CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 17);
}

TEST_CASE("memory stats: DDR4-3200's figures follow from the schedule and agree with each other", "[cli][stats]") {
  const Run run = run_mlp({"--set", "dram.preset=ddr4-3200"});
  REQUIRE(run.exit_code == 0);
  const json& d = run.stats["dram"];
  std::vector<std::string> keys{"preset"};
  keys.insert(keys.end(), kDramFigures.begin(), kDramFigures.end());
  keys.push_back("channels");
  CHECK(keys_of(d) == keys);
  CHECK(d["preset"] == "ddr4-3200");
  // Every LOAD and STORE moves a 4096 B tile in 64 bursts of 64 B.
  CHECK(d["reads"] == 27 * 64);
  CHECK(d["writes"] == 4 * 64);
  CHECK(d["bytes"] == (27 + 4) * 64 * 64);
  const auto requests = d["reads"].get<std::uint64_t>() + d["writes"].get<std::uint64_t>();
  CHECK(d["row_hits"].get<std::uint64_t>() + d["row_misses"].get<std::uint64_t>() +
            d["row_conflicts"].get<std::uint64_t>() ==
        requests);
  CHECK(d["row_hit_rate"].get<double>() ==
        static_cast<double>(d["row_hits"].get<std::uint64_t>()) / static_cast<double>(requests));
  // The run is shorter than tREFI (12480 x 0.625 ns = 7.8 us): no refresh,
  // so every ACT is the first command of a miss or a conflict.
  const auto cycles = run.stats["cycles"].get<std::int64_t>();
  REQUIRE(cycles < 7800);
  CHECK(d["refreshes"] == 0);
  CHECK(d["activates"].get<std::uint64_t>() ==
        d["row_misses"].get<std::uint64_t>() + d["row_conflicts"].get<std::uint64_t>());
  // At 1 GHz a cycle is 1 ns: bytes / ns is GB/s.
  CHECK(d["achieved_gb_per_s"].get<double>() ==
        Approx(d["bytes"].get<double>() / static_cast<double>(cycles)).epsilon(1e-12));
  CHECK(d["peak_gb_per_s"] == 25.6);
  // Fastest read: a row hit, CL + BL/2 = 26 nCK of 0.625 ns.
  CHECK(d["mean_read_latency_ns"].get<double>() >= 16.25);
  CHECK(d["mean_read_latency_ns"].get<double>() <= d["max_read_latency_ns"].get<double>());
  REQUIRE(d["channels"].size() == 1);
  CHECK(keys_of(d["channels"][0]) == kDramFigures);
  for (const std::string& figure : kDramFigures) CHECK(d["channels"][0][figure] == d[figure]);
  CHECK(line_of(run.out, "  DRAM ") ==
        "  DRAM              ddr4-3200: 1728 reads, 256 writes, row hits " +
            fixed(100 * d["row_hit_rate"].get<double>(), 1) + "%, " + fixed(d["achieved_gb_per_s"].get<double>(), 1) +
            " of 25.6 GB/s, mean read latency " + fixed(d["mean_read_latency_ns"].get<double>(), 1) + " ns");
  CHECK(line_of(run.out, "  SRAM stalls").empty());  // the ideal SRAM
}

TEST_CASE("memory stats: HBM2's eight channels add up to the total", "[cli][stats]") {
  const Run run = run_mlp({"--set", "dram.preset=hbm2"});
  REQUIRE(run.exit_code == 0);
  const json& d = run.stats["dram"];
  REQUIRE(d["channels"].size() == 8);
  CHECK(d["reads"] == 27 * 64);
  CHECK(d["writes"] == 4 * 64);
  for (const std::string& figure : kDramCounts) {
    std::uint64_t sum = 0;
    for (const json& c : d["channels"]) sum += c[figure].get<std::uint64_t>();
    INFO(figure);
    CHECK(sum == d[figure].get<std::uint64_t>());
  }
  double max_latency = 0, latency_sum = 0, achieved = 0;
  for (const json& c : d["channels"]) {
    CHECK(c["bytes"].get<std::uint64_t>() == 64 * (c["reads"].get<std::uint64_t>() + c["writes"].get<std::uint64_t>()));
    CHECK(c["peak_gb_per_s"] == 32.0);  // 256 GB/s over 8 channels
    max_latency = std::max(max_latency, c["max_read_latency_ns"].get<double>());
    latency_sum += c["mean_read_latency_ns"].get<double>() * c["reads"].get<double>();
    achieved += c["achieved_gb_per_s"].get<double>();
  }
  CHECK(d["max_read_latency_ns"] == max_latency);
  CHECK(d["mean_read_latency_ns"].get<double>() == Approx(latency_sum / d["reads"].get<double>()));
  CHECK(d["achieved_gb_per_s"].get<double>() == Approx(achieved));
  CHECK(d["peak_gb_per_s"] == 256.0);
  // Each channel refreshes every tREFI = 3900 nCK of 1 ns; the run ends
  // between the first and the second: one refresh per channel.
  const auto cycles = run.stats["cycles"].get<std::int64_t>();
  REQUIRE(cycles > 3900 + 220);
  REQUIRE(cycles < 7800);
  for (const json& c : d["channels"]) CHECK(c["refreshes"] == 1);
}

TEST_CASE("memory stats: one narrow SRAM bank shows its stall cycles in stats.json and the summary", "[cli][stats]") {
  // docs/sram-model.md's table, 1 bank x 32 B, 1rw: 24640 cycles; a tile is
  // 4096 / 32 = 128 port cycles. The table's DMA conflict stall (8384) is that
  // of a machine whose command FIFOs never fill: with queue_depth 4 the
  // sequencer holds back the DMA's later uOps while the compute unit stalls,
  // and fewer of them meet the compute unit on the port.
  const std::vector<std::string> narrow{"--set", "sram.banks=1", "--set", "sram.bank_bytes_per_cycle=32"};
  const Run run = run_mlp(narrow);
  REQUIRE(run.exit_code == 0);
  CHECK(run.stats["cycles"] == 24640);
  const json& sram = run.stats["sram"];
  CHECK(sram["banks"] == 1);
  CHECK(sram["dma"]["port_cycles"] == 31 * 128);
  CHECK(sram["compute"]["port_cycles"] == (116 + 44) * 128);
  CHECK(sram["dma"]["bandwidth_stall_cycles"] == 0);  // a tile's 128 port cycles fit a transfer's 192
  CHECK(sram["compute"]["bandwidth_stall_cycles"] == 17664);
  CHECK(sram["compute"]["conflict_stall_cycles"] == 3200);
  CHECK(sram["dma"]["conflict_stall_cycles"] == 4160);
  CHECK(sram["bank_conflict_stall_cycles"] == 4160 + 3200);
  CHECK(sram["bandwidth_stall_cycles"] == 17664);
  CHECK(line_of(run.out, "  SRAM stalls") ==
        "  SRAM stalls       1 bank: bank conflict 7360 cycles (dma 4160, compute 3200), bandwidth 17664 cycles (dma "
        "0, compute 17664)");
  CHECK(line_of(run.out, "  DRAM ").empty());  // the ideal DRAM

  std::vector<std::string> deep = narrow;
  for (const char* key : {"dma.queue_depth=1000", "compute.queue_depth=1000"}) {
    deep.push_back("--set");
    deep.push_back(key);
  }
  const Run table = run_mlp(deep);
  REQUIRE(table.exit_code == 0);
  CHECK(table.stats["cycles"] == 24640);
  CHECK(table.stats["sram"]["dma"]["conflict_stall_cycles"] == 8384);
  CHECK(table.stats["sram"]["compute"]["conflict_stall_cycles"] == 3200);
}

TEST_CASE("memory stats: a trace changes no figure of a timed DRAM or a banked SRAM", "[cli][stats]") {
  for (const std::vector<std::string>& machine :
       {std::vector<std::string>{"--set", "dram.preset=ddr4-3200", "--set", "sram.banks=2", "--set",
                                 "sram.bank_bytes_per_cycle=8", "--set", "dma.channels=2"},
        std::vector<std::string>{"--set", "dram.preset=hbm2", "--set", "sram.banks=2", "--set",
                                 "sram.bank_bytes_per_cycle=8"},
        std::vector<std::string>{"--set", "dram.preset=lpddr4-3200", "--set", "dma.max_outstanding=1"}}) {
    INFO(machine[1]);
    const Run plain = run_mlp(machine);
    std::vector<std::string> traced = machine;
    traced.insert(traced.end(), {"--vcd", "t.vcd"});
    std::vector<std::string> windowed = machine;
    windowed.insert(windowed.end(), {"--vcd", "t.vcd", "--trace-window", "1000:5000"});
    REQUIRE(plain.exit_code == 0);
    CHECK(plain.stats["dram"]["refreshes"].get<std::int64_t>() > 0);  // the runs see refreshes
    CHECK(without_wall_times(run_mlp(traced).stats) == without_wall_times(plain.stats));
    CHECK(without_wall_times(run_mlp(windowed).stats) == without_wall_times(plain.stats));
  }
}
