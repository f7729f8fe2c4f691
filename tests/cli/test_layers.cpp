// The per-layer report of `tilesim run` from the outside (docs/stats.md, "Per
// layer"): stats.json's `layers` array key by key, the summary's layer lines
// (every layer, or the 5 longest of a model of more than 12, or all of them
// with --per-layer), and a schedule file with and without its uOps' layers.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // keys in the order written
using tilesim::test::lines_of;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;
const std::string kHw = kSource + "/configs/hw/default.yaml";
const std::string kMlp = kSource + "/configs/models/mlp.yaml";

struct Run {
  int exit_code;
  std::string out, err;
  json stats;
};

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-layers-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

// tilesim run --timing-only with `args`, its summary and its stats.json.
Run run(std::vector<std::string> args) {
  const fs::path stats = scratch("stats.json");
  fs::remove(stats);
  args.insert(args.begin(), "run");
  args.insert(args.end(), {"--timing-only", "--stats-json", stats.string()});
  const auto r = run_tilesim(args);
  Run result{r.exit_code, r.out, r.err, json()};
  std::ifstream in(stats);
  if (in) result.stats = json::parse(in);
  return result;
}

// The summary's lines from the one starting `first` on.
std::vector<std::string> lines_from(const std::string& out, const std::string& first) {
  std::vector<std::string> lines = lines_of(out);
  const auto at =
      std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(first, 0) == 0; });
  return std::vector<std::string>(at, lines.end());
}

// A chain of 14 matmuls of several widths: more layers than the summary lists.
std::string chain_model() {
  const int dims[] = {32, 64, 32, 96, 32, 32, 64, 32, 32, 128, 32, 32, 64, 32, 32};
  std::ostringstream m;
  m << "name: chain14\ninputs: {x: [32, 32]}\nparams:\n";
  for (int i = 0; i < 14; ++i) m << "  w" << i << ": [" << dims[i] << ", " << dims[i + 1] << "]\n";
  m << "ops:\n";
  for (int i = 0; i < 14; ++i) {
    m << "  - {op: matmul, inputs: [" << (i ? "h" + std::to_string(i - 1) : std::string("x")) << ", w" << i
      << "], output: h" << i << "}\n";
  }
  m << "outputs: [h13]\n";
  const fs::path path = scratch("chain14.yaml");
  std::ofstream(path) << m.str();
  return path.string();
}

const std::vector<std::string> kLayerKeys = {
    "index",  "name",  "ops", "shapes",  "tiles",           "plan",  "first_cycle", "last_cycle",
    "cycles", "share", "dma", "compute", "sram_peak_bytes", "bound", "efficiency",  "bottleneck", "energy_pj"};

std::vector<std::string> keys_of(const json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

}  // namespace

TEST_CASE("layers: stats.json has one object per layer with every key of docs/stats.md", "[cli][layers]") {
  const Run r = run({"--hw", kHw, "--model", kMlp});
  REQUIRE(r.exit_code == 0);
  const json& layers = r.stats["layers"];
  REQUIRE(layers.is_array());
  REQUIRE(layers.size() == 3);
  const std::int64_t cycles = r.stats["cycles"];
  std::int64_t loaded = 0, stored = 0, loads = 0, stores = 0, execs = 0, eliminated = 0, bottlenecks = 0, longest = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const json& x = layers[l];
    INFO("layer " << l);
    CHECK(keys_of(x) == kLayerKeys);
    CHECK(keys_of(x["dma"]) ==
          std::vector<std::string>{"bytes_loaded", "bytes_stored", "loads", "stores", "loads_eliminated"});
    CHECK(keys_of(x["compute"]) == std::vector<std::string>{"tile_ops"});
    CHECK(keys_of(x["bound"]) == std::vector<std::string>{"compute_cycles", "dma_cycles", "cycles"});
    CHECK(x["index"] == l);
    for (const char* text : {"name", "ops", "shapes", "tiles", "plan"}) CHECK(x[text].is_string());
    // The span lies within the run; share and efficiency are as defined.
    const std::int64_t first = x["first_cycle"], last = x["last_cycle"], span = x["cycles"];
    CHECK(0 <= first);
    CHECK(first <= last);
    CHECK(last <= cycles);
    CHECK(span == last - first);
    CHECK(x["share"].get<double>() == Approx(static_cast<double>(span) / cycles));
    const std::int64_t bound = x["bound"]["cycles"];
    CHECK(bound ==
          std::max(x["bound"]["compute_cycles"].get<std::int64_t>(), x["bound"]["dma_cycles"].get<std::int64_t>()));
    CHECK(bound <= span);
    CHECK(x["efficiency"].get<double>() == Approx(static_cast<double>(bound) / span));
    CHECK(x["sram_peak_bytes"].get<std::int64_t>() <= r.stats["sram"]["peak_bytes"].get<std::int64_t>());
    loaded += x["dma"]["bytes_loaded"].get<std::int64_t>();
    stored += x["dma"]["bytes_stored"].get<std::int64_t>();
    loads += x["dma"]["loads"].get<std::int64_t>();
    stores += x["dma"]["stores"].get<std::int64_t>();
    eliminated += x["dma"]["loads_eliminated"].get<std::int64_t>();
    execs += x["compute"]["tile_ops"].get<std::int64_t>();
    bottlenecks += x["bottleneck"].get<bool>();
    longest = std::max(longest, span);
    if (x["bottleneck"].get<bool>()) CHECK(span == longest);
  }
  // The layers' traffic and work are the run's.
  CHECK(loaded == r.stats["dma"]["bytes_loaded"]);
  CHECK(stored == r.stats["dma"]["bytes_stored"]);
  CHECK(loads == r.stats["dma"]["loads"]);
  CHECK(stores == r.stats["dma"]["stores"]);
  CHECK(eliminated == r.stats["dma"]["loads_eliminated"]);
  CHECK(execs == r.stats["compute"]["tile_ops"]);
  CHECK(bottlenecks == 1);
  // a1, the bottleneck, as docs/cycle-model.md derives it.
  const json& a1 = layers[0];
  CHECK(a1["name"] == "a1");
  CHECK(a1["ops"] == "matmul+relu");
  CHECK(a1["shapes"] == "[128,128] @ [128,64] -> [128,64]");
  CHECK(a1["tiles"] == "M4 K4 N2");
  CHECK(a1["first_cycle"] == 0);
  CHECK(a1["last_cycle"] == 4736);
  CHECK(a1["dma"]["bytes_loaded"] == 98304);
  CHECK(a1["dma"]["loads_eliminated"] == 40);
  CHECK(a1["compute"]["tile_ops"] == 32);
  CHECK(a1["bound"]["compute_cycles"] == 2048);
  CHECK(a1["bound"]["dma_cycles"] == 3072);
  CHECK(a1["bottleneck"] == true);
  CHECK(layers[2]["dma"]["bytes_stored"] == 16384);  // y, the graph output
}

TEST_CASE("layers: a model of more than 12 layers lists its 5 longest, --per-layer all of them", "[cli][layers]") {
  const std::string model = chain_model();
  const Run top = run({"--hw", kHw, "--model", model});
  REQUIRE(top.exit_code == 0);
  const json& layers = top.stats["layers"];
  REQUIRE(layers.size() == 14);
  // The longest five by span, longest first, the first in schedule order of equals.
  std::vector<std::size_t> order(14);
  for (std::size_t l = 0; l < order.size(); ++l) order[l] = l;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return layers[a]["cycles"] > layers[b]["cycles"]; });
  const std::vector<std::string> shown = lines_from(top.out, "  layers ");
  REQUIRE(shown.size() == 1 + 1 + 1 + 5);
  CHECK(shown[0] == "  layers            14; the bottleneck (*, the longest) is h8: 832 cycles, 13.4% of the run");
  CHECK(shown[1] == "  the 5 longest of 14 layers (--per-layer lists every one, stats.json has them all):");
  CHECK(shown[2] ==
        "      #  layer  ops     start   end  cycles  share  loads  stores  DMA bytes  EXECs  SRAM peak  efficiency  "
        "energy uJ");
  // h8 = h7 [32,32] @ w8 [32,128]: 4 LOADs of w8 (h7 is resident), 4 EXECs. Its energy
  // (docs/energy.md): 4 x 32768 MACs x 4.6 pJ = 602931 pJ; SRAM 32768 B written (LOADs 16384,
  // EXECs 16384) and 32768 read (each EXEC A and B) x 6.52622 pJ = 427700 pJ; DRAM 16384 B x
  // 243.76 pJ = 3993764 pJ: 5.024 uJ.
  CHECK(shown[3] ==
        "   *  8  h8     matmul   3264  4096     832  13.4%      4       0      16384      4      24576       0.615  "
        "    5.024");
  for (std::size_t row = 0; row < 5; ++row) {
    std::istringstream cells(shown[3 + row].substr(4));
    std::size_t index = 0;
    std::string name;
    cells >> index >> name;
    CHECK(index == order[row]);
    CHECK(name == layers[order[row]]["name"]);
  }

  const Run all = run({"--hw", kHw, "--model", model, "--per-layer"});
  REQUIRE(all.exit_code == 0);
  const std::vector<std::string> every = lines_from(all.out, "  layers ");
  REQUIRE(every.size() == 1 + 1 + 14);
  CHECK(every[0] == shown[0]);
  for (std::size_t l = 0; l < 14; ++l) {
    std::istringstream cells(every[2 + l].substr(4));
    std::size_t index = 0;
    std::string name;
    cells >> index >> name;
    CHECK(index == l);
    CHECK(name == "h" + std::to_string(l));
  }
  CHECK(every[2 + 8].rfind("   *", 0) == 0);
  CHECK(every[2 + 9].rfind("    ", 0) == 0);  // as long as h8, but later: not the bottleneck
  // --per-layer changes no figure.
  json a = top.stats, b = all.stats;
  for (json* s : {&a, &b})
    for (const char* key : {"wall_seconds", "sim_wall_seconds", "uops_per_second"}) s->erase(key);
  CHECK(a == b);
}

TEST_CASE("layers: a model of 12 layers lists them all without --per-layer", "[cli][layers]") {
  std::ostringstream m;
  m << "name: chain12\ninputs: {x: [32, 32]}\nparams:\n";
  for (int i = 0; i < 12; ++i) m << "  w" << i << ": [32, 32]\n";
  m << "ops:\n";
  for (int i = 0; i < 12; ++i) {
    m << "  - {op: matmul, inputs: [" << (i ? "h" + std::to_string(i - 1) : std::string("x")) << ", w" << i
      << "], output: h" << i << "}\n";
  }
  m << "outputs: [h11]\n";
  const fs::path path = scratch("chain12.yaml");
  std::ofstream(path) << m.str();
  const Run r = run({"--hw", kHw, "--model", path.string()});
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> shown = lines_from(r.out, "  layers ");
  REQUIRE(shown.size() == 1 + 1 + 12);
  CHECK(shown[1] ==
        "       #  layer  ops     start   end  cycles  share  loads  stores  DMA bytes  EXECs  SRAM peak  efficiency  "
        "energy uJ");
}

TEST_CASE("layers: a schedule file without layer= reports the layers unknown", "[cli][layers]") {
  const Run r = run({"--hw", kHw, "--schedule", kSource + "/docs/examples/one-tile.schedule"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.stats["layers"].is_null());
  CHECK(lines_from(r.out, "  layers ") ==
        std::vector<std::string>{"  layers            unknown: the schedule gives no layer= for its uOps"});
}

TEST_CASE("layers: a compiled schedule written out and run again reports the same layers", "[cli][layers]") {
  const auto compiled = run_tilesim({"compile", "--hw", kHw, "--model", kMlp, "--emit", "schedule"});
  REQUIRE(compiled.exit_code == 0);
  const fs::path file = scratch("mlp.schedule");
  std::ofstream(file) << compiled.out;
  const Run from_file = run({"--hw", kHw, "--schedule", file.string()});
  const Run from_model = run({"--hw", kHw, "--model", kMlp});
  REQUIRE(from_file.exit_code == 0);
  REQUIRE(from_model.exit_code == 0);
  CHECK(from_file.stats["layers"] == from_model.stats["layers"]);
  CHECK(lines_from(from_file.out, "  layers ") == lines_from(from_model.out, "  layers "));
}

TEST_CASE("layers: --per-layer is in the help of run", "[cli][layers]") {
  const auto r = run_tilesim({"run", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("  --per-layer ") != std::string::npos);
}
