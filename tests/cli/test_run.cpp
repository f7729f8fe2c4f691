// tilesim run from the outside: every example model computes the right
// numbers at every SRAM size with both kernel families, the README's main
// command works in a fresh folder, and outputs are never overwritten.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

void check_verified(const std::string& model, const std::vector<int>& sizes_kib) {
  for (const int kib : sizes_kib) {
    for (const char* kernel : {"reference", "auto"}) {
      INFO(model << " at " << kib << " KiB, kernel " << kernel);
      const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                                  kSource + "/configs/models/" + model + ".yaml", "--set",
                                  "sram.size_kib=" + std::to_string(kib), "--kernel", kernel, "--verify"});
      CHECK(r.exit_code == 0);
      CHECK(r.err.empty());
      CHECK(r.out.find("(within tolerance)") != std::string::npos);
      CHECK(r.out.find("BEYOND TOLERANCE") == std::string::npos);
    }
  }
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

fs::path fresh_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directory_symlink(kSource + "/configs", dir / "configs");
  return dir;
}

}  // namespace

// The minimum SRAM of each model: 12 KiB, or 16 KiB with a fused bias.
TEST_CASE("run: mlp verifies against the host reference at every size", "[run]") {
  check_verified("mlp", {12, 16, 64, 256, 8192});
}
TEST_CASE("run: mlp-bias verifies against the host reference at every size", "[run]") {
  check_verified("mlp-bias", {16, 24, 64, 256, 8192});
}
TEST_CASE("run: odd-shapes verifies against the host reference at every size", "[run]") {
  check_verified("odd-shapes", {16, 32, 64, 256, 8192});
}
TEST_CASE("run: residual verifies against the host reference at every size", "[run]") {
  // 16 KiB is its minimum: the fused h2 + skip step holds a, w2, skip and h2's tiles.
  check_verified("residual", {16, 20, 64, 256, 8192});
}
TEST_CASE("run: activations verifies against the host reference at every size", "[run]") {
  check_verified("activations", {16, 20, 64, 256, 8192});
}
TEST_CASE("run: cnn verifies against the host reference at every size", "[run]") {
  check_verified("cnn", {16, 64, 256});
}
TEST_CASE("run: image-ops verifies against the host reference at every size", "[run]") {
  check_verified("image-ops", {16, 64, 256});
}
TEST_CASE("run: mlp-large verifies against the host reference", "[run]") {
  check_verified("mlp-large", {64, 256, 8192});
}

TEST_CASE("run: the README's main command works in a fresh folder", "[run]") {
  const fs::path dir = fresh_folder("readme");
  const auto r = run_tilesim({"run", "--hw", "configs/hw/edge.yaml", "--model", "configs/models/mlp.yaml", "--vcd",
                              "traces/mlp.vcd", "--out-dir", "out/", "--verify", "--force"},
                             dir.string());
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.rfind("model mlp on edge (800 MHz), kernel ", 0) == 0);
  CHECK(r.out.find("verify y: max abs error ") != std::string::npos);
  CHECK(r.out.find("(within tolerance)") != std::string::npos);
  CHECK(fs::file_size(dir / "out/y.npy") == 128 + 128 * 32 * 4);  // v1.0 header, float32 [128, 32]
  CHECK(fs::exists(dir / "traces/mlp.vcd"));
  CHECK(fs::exists(dir / "traces/mlp.gtkw"));

  const auto stats = read_json(dir / "out/stats.json");
  for (const char* key : {"model", "hw", "clock_mhz", "cycles", "time_ns", "dma", "compute", "overlap_cycles", "sram",
                          "bound", "efficiency", "uops", "kernel", "wall_seconds"}) {
    CHECK(stats.contains(key));
  }
  for (const char* key : {"busy_cycles", "bytes_loaded", "bytes_stored", "loads", "stores", "loads_eliminated"}) {
    CHECK(stats["dma"].contains(key));
  }
  CHECK(stats["model"] == "mlp");
  CHECK(stats["hw"] == "edge");
  CHECK(stats["clock_mhz"] == 800);
  CHECK(stats["time_ns"].get<double>() == Approx(stats["cycles"].get<double>() * 1.25));  // 800 MHz
  const auto cycles = stats["cycles"].get<std::int64_t>();
  const auto bound = stats["bound"]["cycles"].get<std::int64_t>();
  CHECK(bound == std::max(stats["bound"]["compute_cycles"].get<std::int64_t>(),
                          stats["bound"]["dma_cycles"].get<std::int64_t>()));
  CHECK(cycles >= bound);
  CHECK(stats["efficiency"].get<double>() == Approx(static_cast<double>(bound) / cycles));
  CHECK(stats["overlap_cycles"].get<std::int64_t>() <= stats["compute"]["busy_cycles"].get<std::int64_t>());
  // 3 layers of 128 rows: compute bound is every EXEC at 64 cycles.
  CHECK(stats["compute"]["tile_ops"].get<std::int64_t>() * 64 == stats["bound"]["compute_cycles"].get<std::int64_t>());
  // The DMA bound is the LPDDR4's peak, 12.8 GB/s = 16 B per 800 MHz cycle (below the two
  // engines' 2 x 16 B): 126976 compulsory bytes / 16.
  CHECK(stats["bound"]["dma_cycles"] == 7936);
  fs::remove_all(dir);
}

TEST_CASE("run: a sigmoid and a column-broadcast mul take the cycles worked out by hand", "[run][cycles]") {
  // On the ideal machine (default.yaml: a 4 KiB tile moves in 64 + 4096 / 32 =
  // 192 cycles, vector EXECs 8 cycles, sigmoid 4 x 8 = 32) the compiler emits
  //   0 LOAD x[0,0]   1 EXEC sigmoid s[0,0]   2 LOAD x[0,1]   3 EXEC sigmoid s[0,1]
  //   4 LOAD c[0,0]   5 EXEC mul y[0,0] <- s[0,0] c[0,0]:col   6 EXEC mul y[0,1]
  //   7 STORE y[0,0]  8 STORE y[0,1]
  // DMA:     LOAD 0 [0,192) LOAD 2 [192,384) LOAD 4 [384,576), STORE 7 waits
  //          for EXEC 5: [584,776), STORE 8 [776,968).
  // Compute: EXEC 1 [192,224) EXEC 3 [384,416) EXEC 5 [576,584) EXEC 6 [584,592).
  // Cycles 968; DMA busy 5 x 192 = 960; compute busy 32 + 32 + 8 + 8 = 80;
  // overlap: EXEC 1 under LOAD 2 (32), EXEC 3 under LOAD 4 (32), EXEC 6 under
  // STORE 7 (8) = 72. Lower bound: DMA (8192 + 4096 + 8192) / 32 = 640.
  const fs::path dir = fresh_folder("cycles");
  std::ofstream(dir / "small.yaml") << "name: small\ninputs: {x: [32, 64]}\nparams: {c: [32, 1]}\n"
                                       "ops:\n  - {op: sigmoid, inputs: [x], output: s}\n"
                                       "  - {op: mul, inputs: [s, c], output: y}\noutputs: [y]\n";
  const auto r =
      run_tilesim({"run", "--hw", "configs/hw/default.yaml", "--model", "small.yaml", "--out-dir", "out", "--verify"},
                  dir.string());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("verify y:") != std::string::npos);
  CHECK(r.out.find("BEYOND") == std::string::npos);
  const auto stats = read_json(dir / "out" / "stats.json");
  CHECK(stats["cycles"] == 968);
  CHECK(stats["dma"]["busy_cycles"] == 960);
  CHECK(stats["compute"]["busy_cycles"] == 80);
  CHECK(stats["overlap_cycles"] == 72);
  CHECK(stats["bound"]["compute_cycles"] == 80);
  CHECK(stats["bound"]["dma_cycles"] == 640);
  fs::remove_all(dir);
}

TEST_CASE("run: existing outputs are not overwritten without --force", "[run]") {
  const fs::path dir = fresh_folder("force");
  const std::vector<std::string> args{
      "run", "--hw", "configs/hw/default.yaml", "--model", "configs/models/mlp.yaml", "--out-dir", "out"};
  REQUIRE(run_tilesim(args, dir.string()).exit_code == 0);
  const auto before = fs::last_write_time(dir / "out/stats.json");
  const auto again = run_tilesim(args, dir.string());
  CHECK(again.exit_code == 2);
  CHECK(again.out.empty());
  CHECK(again.err == "tilesim: error: out/y.npy: exists; not overwriting it (expected a new file, or --force)\n");
  CHECK(fs::last_write_time(dir / "out/stats.json") == before);
  auto forced = args;
  forced.push_back("--force");
  CHECK(run_tilesim(forced, dir.string()).exit_code == 0);
  fs::remove_all(dir);
}

TEST_CASE("run: --timing-only skips the math and writes no outputs", "[run]") {
  const fs::path dir = fresh_folder("timing");
  const auto r = run_tilesim({"run", "--hw", "configs/hw/default.yaml", "--model", "configs/models/mlp.yaml",
                              "--timing-only", "--out-dir", "out"},
                             dir.string());
  CHECK(r.exit_code == 0);
  CHECK_FALSE(fs::exists(dir / "out/y.npy"));
  CHECK(read_json(dir / "out/stats.json")["kernel"] == "none");
  fs::remove_all(dir);
}

TEST_CASE("run: a model whose schedule would not fit in memory is refused before allocation", "[run]") {
  // The default --max-uops is half of the available memory at ~110 bytes per
  // uOp; 2^30 EXECs exceed it on any machine this runs on (< 110 GiB).
  const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                              kSource + "/tests/bad-inputs/scale/vast-matmul.yaml", "--timing-only"});
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("tilesim: error: " + kSource +
                        "/tests/bad-inputs/scale/vast-matmul.yaml: its schedule would "
                        "have about 1073741824 uOps (~112640 MiB to build), more than the limit of ",
                    0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("run: the fused and layered attention schedules give the same bits, and PyTorch's output", "[run][attention]") {
  // The GPT-2 block (scale, causal mask, softmax) at 64 KiB, where the layered
  // order spills scores: the fused one reorders EXECs only, never their math.
  // PyTorch's output within scripts/check-torch-models.sh's tolerance (atol
  // 1e-4 for elements that cancel to near 0, rtol the default 1e-3).
  const std::string dir = kSource + "/tests/models/torch/gpt2_block_gelu_exact";
  std::map<std::string, std::string> outputs;
  for (const std::string mode : {"fused", "layered"}) {
    const fs::path out = fresh_folder("attention-" + mode) / "out";
    const auto r = run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", dir + "/model.onnx",
                                "--set", "sram.size_kib=64", "--attention", mode, "--input",
                                "x=" + dir + "/input_0.npy", "--expect", "y=" + dir + "/output_0.npy", "--atol", "1e-4",
                                "--out-dir", out.string()});
    INFO(mode << ": " << r.err);
    CHECK(r.exit_code == 0);
    std::ifstream in(out / "y.npy", std::ios::binary);
    outputs[mode] = std::string(std::istreambuf_iterator<char>(in), {});
    fs::remove_all(out.parent_path());
  }
  CHECK(outputs["fused"].size() > 128);
  CHECK(outputs["fused"] == outputs["layered"]);
}
