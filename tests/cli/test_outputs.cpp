// Where and how tilesim writes: every output inside --out-dir whatever the
// tensor names, special files written into rather than replaced, symlinks
// kept, every destination checked before the work (nothing printed, nothing
// written), a failed write keeping the old file (exit 4), no temporary file
// left behind. docs/reliability.md lists the classes; docs/cli.md the name rule.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/run_process.h"
#include "tests/support/vcd_reader.h"

namespace fs = std::filesystem;
using tilesim::test::run_process;
using tilesim::test::read_file;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;
const std::string kHw = kSource + "/configs/hw/default.yaml";
const std::string kMlp = kSource + "/configs/models/mlp.yaml";

fs::path fresh_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tilesim-out-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A model whose outputs carry the names an attacker or PyTorch would give.
const char kHostileModel[] =
    "name: hostile\n"
    "inputs:\n  x: [32, 32]\n"
    "ops:\n"
    "  - {op: relu, inputs: [x], output: ../../escaped}\n"
    "  - {op: relu, inputs: [x], output: /tmp/tilesim-absolute}\n"
    "  - {op: relu, inputs: [x], output: .}\n"
    "  - {op: relu, inputs: [x], output: ..}\n"
    "  - {op: relu, inputs: [x], output: /fc2/Gemm_output_0}\n"
    "outputs: [../../escaped, /tmp/tilesim-absolute, ., .., /fc2/Gemm_output_0]\n";

}  // namespace

TEST_CASE("outputs: every tensor name lands inside --out-dir, encoded one to one", "[cli][outputs]") {
  const fs::path dir = fresh_folder("names");
  write_file(dir / "model.yaml", kHostileModel);
  fs::remove("/tmp/tilesim-absolute.npy");
  const auto r =
      run_tilesim({"run", "--hw", kHw, "--model", "model.yaml", "--out-dir", "deep/out", "--verify"}, dir.string());
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  // [A-Za-z0-9_.-] kept (a leading '.' encoded), every other byte %XX.
  CHECK(names_in(dir / "deep/out") == std::vector<std::string>{"%2E.%2F..%2Fescaped.npy", "%2E..npy", "%2E.npy",
                                                               "%2Ffc2%2FGemm_output_0.npy",
                                                               "%2Ftmp%2Ftilesim-absolute.npy", "stats.json"});
  CHECK(names_in(dir) == std::vector<std::string>{"deep", "model.yaml"});
  CHECK(names_in(dir / "deep") == std::vector<std::string>{"out"});
  CHECK_FALSE(fs::exists("/tmp/tilesim-absolute.npy"));
  CHECK_FALSE(fs::exists("/tmp/tilesim-absolute"));
  fs::remove_all(dir);
}

TEST_CASE("outputs: a PyTorch-style output name works with --expect", "[cli][outputs]") {
  const fs::path dir = fresh_folder("pytorch-name");
  write_file(dir / "model.yaml", kHostileModel);
  REQUIRE(run_tilesim({"run", "--hw", kHw, "--model", "model.yaml", "--out-dir", "a"}, dir.string()).exit_code == 0);
  const auto r = run_tilesim(
      {"run", "--hw", kHw, "--model", "model.yaml", "--expect", "/fc2/Gemm_output_0=a/%2Ffc2%2FGemm_output_0.npy"},
      dir.string());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("expect /fc2/Gemm_output_0 (a/%2Ffc2%2FGemm_output_0.npy): max abs error 0.000e+00") !=
        std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("outputs: /dev/null, /dev/stdout and a FIFO are written into, never replaced", "[cli][outputs]") {
  const fs::path dir = fresh_folder("special");
  auto r = run_tilesim({"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--stats-json", "/dev/null"});
  CHECK(r.exit_code == 0);
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));

  // stdout is a regular file here (the harness redirects it): the statistics
  // follow the summary in it.
  r = run_tilesim({"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--stats-json", "/dev/stdout"});
  CHECK(r.exit_code == 0);
  const auto json_at = r.out.find("{\n");
  REQUIRE(json_at != std::string::npos);
  CHECK(r.out.rfind("model mlp on default (1000 MHz), kernel none\n", 0) == 0);
  CHECK(nlohmann::json::parse(r.out.substr(json_at))["cycles"] == 6272);
  r = run_tilesim({"compile", "--hw", kHw, "--model", kMlp, "-o", "/dev/stdout"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("model mlp, SRAM 256 KiB", 0) == 0);

  const fs::path fifo = dir / "stats.fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string received;
  std::thread reader([&] { received = read_file(fifo); });
  r = run_tilesim({"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--stats-json", fifo.string()});
  reader.join();
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(received)["cycles"] == 6272);
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  fs::remove_all(dir);
}

TEST_CASE("outputs: a symlink to a file is kept and its file replaced, a dangling one is refused", "[cli][outputs]") {
  const fs::path dir = fresh_folder("symlink");
  write_file(dir / "real.json", "old");
  fs::create_symlink("real.json", dir / "link.json");
  auto r = run_tilesim({"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--stats-json", "link.json", "--force"},
                       dir.string());
  CHECK(r.exit_code == 0);
  CHECK(fs::is_symlink(dir / "link.json"));
  CHECK(nlohmann::json::parse(read_file(dir / "real.json"))["cycles"] == 6272);

  fs::create_symlink("nowhere.json", dir / "dangling.json");
  r = run_tilesim({"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--stats-json", "dangling.json"},
                  dir.string());
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "tilesim: error: dangling.json: is a symbolic link to nothing; not writing through it (expected a regular "
        "file, a new name, or a link to an existing file)\n");
  CHECK(names_in(dir) == std::vector<std::string>{"dangling.json", "link.json", "real.json"});
  fs::remove_all(dir);
}

TEST_CASE("outputs: every destination is checked before the work", "[cli][outputs]") {
  const fs::path dir = fresh_folder("before");
  write_file(dir / "file", "x");
  write_file(dir / "old.json", "old");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--out-dir", "file"}, "file: is not a folder (expected --out-dir naming a folder)"},
      {{"--out-dir", "file/out"}, "file/out/y.npy: file is not a folder (expected a path whose folders are folders)"},
      {{"--stats-json", "old.json"}, "old.json: exists; not overwriting it (expected a new file, or --force)"},
      {{"--stats-json", std::string(300, 'n') + ".json"},
       std::string(300, 'n') + ".json: a name in it is 305 bytes long, more than the file system's 255 (expected "
                               "names of at most 255 bytes)"},
      {{"--stats-json", "out/stats.json", "--out-dir", "out"},
       "run: two outputs would be written to out/stats.json (--out-dir and --stats-json) (expected distinct "
       "--stats-json, --vcd and --out-dir files)"},
      {{"--stats-json", kMlp, "--force"},
       kMlp + ": is also an input of this run; not overwriting it (expected outputs apart from the inputs)"},
      {{"--expect", "y=missing.npy", "--out-dir", "out"},
       "missing.npy: cannot open: No such file or directory (expected a readable .npy file)"},
      {{"--vcd", "t\"x.vcd"},
       "--vcd t\"x.vcd: the trace file name holds a quote or a line break (expected a path GTKWave's save file "
       "can name)"},
  };
  for (const auto& [flags, message] : cases) {
    INFO(message);
    std::vector<std::string> args = {"run", "--hw", kHw, "--model", kMlp};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = run_tilesim(args, dir.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());  // not even the summary: refused before the work
    CHECK(r.err == "tilesim: error: " + message + "\n");
    CHECK(names_in(dir) == std::vector<std::string>{"file", "old.json"});
    CHECK(read_file(dir / "old.json") == "old");
  }
  fs::remove_all(dir);
}

TEST_CASE("outputs: a write that fails keeps the old file and says so (exit 4)", "[cli][outputs]") {
  // A file size limit of 0 (SIGXFSZ ignored: every write fails with EFBIG)
  // stands in for a full disk; stderr goes through a pipe, which the limit
  // does not cover. The statistics are written at the end, the trace during
  // the simulation: either way the old file stays and nothing is left over.
  for (const std::string output : {"--stats-json s.json", "--vcd s.vcd"}) {
    INFO(output);
    const fs::path dir = fresh_folder("full");
    const std::string file = output.substr(output.find(' ') + 1);
    write_file(dir / file, "old");
    const auto r =
        run_process({"/bin/bash", "-c",
                     "(ulimit -f 0; trap '' XFSZ; exec \"$0\" run --hw \"$1\" --model \"$2\" --timing-only " + output +
                         " --force) 2>&1 >/dev/null | cat >&2; exit ${PIPESTATUS[0]}",
                     TILESIM_BINARY, kHw, kMlp},
                    dir.string());
    CHECK(r.exit_code == 4);
    CHECK(r.err == "tilesim: error: cannot write " + file + ": File too large; " + file + " is unchanged\n");
    CHECK(read_file(dir / file) == "old");
    CHECK(names_in(dir) == std::vector<std::string>{file});  // no temporary file left
    fs::remove_all(dir);
  }
}

TEST_CASE("outputs: a trace window past the end changes no figure", "[cli][outputs]") {
  const fs::path dir = fresh_folder("window");
  const auto r = run_tilesim({"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--vcd", "t.vcd", "--trace-window",
                              "100000:", "--stats-json", "s.json"},
                             dir.string());
  CHECK(r.exit_code == 0);
  const auto stats = nlohmann::json::parse(read_file(dir / "s.json"));
  CHECK(stats["cycles"] == 6272);
  CHECK(stats["efficiency"] == Approx(3968.0 / 6272));
  CHECK(names_in(dir) == std::vector<std::string>{"s.json", "t.gtkw", "t.vcd"});
  fs::remove_all(dir);
}

TEST_CASE("outputs: a slow clock within the time range gives the same cycles", "[cli][outputs]") {
  // 1e-6 MHz: a cycle is 10^12 ps; the large MLP's 3,313,920 serial cycles are
  // 3.3e18 ps, inside 2^63. (At 1e-8 MHz it is refused: the cli corpus.)
  const auto r = run_tilesim({"run", "--hw", kHw, "--model", kSource + "/configs/models/mlp-large.yaml",
                              "--timing-only", "--set", "clock_mhz=0.000001"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("  cycles            1766528  (") != std::string::npos);
  CHECK(r.out.find("efficiency 0.890") != std::string::npos);
}

TEST_CASE("outputs: a hand-written schedule's output name stays inside --out-dir", "[cli][outputs]") {
  const fs::path dir = fresh_folder("schedule-name");
  std::string text = read_file(kSource + "/docs/examples/one-tile.schedule");
  for (std::size_t at = text.find(" y"); at != std::string::npos; at = text.find(" y", at + 12)) {
    text.replace(at + 1, 1, "../../evil");
  }
  write_file(dir / "s.schedule", text);
  const auto r = run_tilesim({"run", "--hw", kHw, "--schedule", "s.schedule", "--out-dir", "out"}, dir.string());
  CHECK(r.exit_code == 0);
  CHECK(names_in(dir / "out") == std::vector<std::string>{"%2E.%2F..%2Fevil.npy", "stats.json"});
  CHECK(names_in(dir) == std::vector<std::string>{"out", "s.schedule"});
  fs::remove_all(dir);
}

TEST_CASE("outputs: at a clock whose cycle is not whole nanoseconds the trace is in exact picoseconds",
          "[cli][outputs]") {
  // 300 MHz: a cycle is round(10^6 / 300) = 3333 ps. The cycles are the clock's own
  // (6272 on mlp.yaml, overlap 2496); the trace shows each at cycle x 3333 ps.
  const fs::path dir = fresh_folder("picoseconds");
  const auto r = run_tilesim(
      {"run", "--hw", kHw, "--model", kMlp, "--timing-only", "--set", "clock_mhz=300", "--vcd", "t.vcd"}, dir.string());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("  cycles            6272  (20.907 us)") != std::string::npos);
  const auto vcd = tilesim::test::read_vcd((dir / "t.vcd").string());
  CHECK(vcd.timescale == "1 ps");
  CHECK(vcd.end_time == 6272 * 3333);
  CHECK(vcd.time_high("overlap") == 2496 * 3333);
  CHECK(vcd.time_high("dma_busy") == 5952 * 3333);
  fs::remove_all(dir);
}

TEST_CASE("outputs: seeded inputs generated in the simulated DRAM give the outputs --verify's do", "[cli][outputs]") {
  // Without --verify or --input files the seeded inputs are made in the DRAM image
  // (issue 16); with --verify they are host tensors written there. The outputs must
  // be the same bytes: row-major and tile-major matrices, an NHWC image (a conv).
  const std::vector<std::vector<std::string>> cases = {
      {kHw, kMlp},
      {kHw, kMlp, "--set", "dram.layout=tile_major"},
      {kHw, kSource + "/configs/models/cnn.yaml"},
      {kHw, kSource + "/tests/models/torch/conv_pad1/model.onnx"},
  };
  for (const auto& c : cases) {
    INFO(c[1]);
    std::vector<std::string> outputs;
    for (const bool verify : {false, true}) {
      const fs::path dir = fresh_folder(verify ? "seeded-verify" : "seeded-plain");
      std::vector<std::string> args = {"run", "--hw", c[0], "--model", c[1], "--out-dir", dir.string(), "--force"};
      args.insert(args.end(), c.begin() + 2, c.end());
      if (verify) args.push_back("--verify");
      const auto r = run_tilesim(args);
      REQUIRE(r.exit_code == 0);
      std::string all;
      for (const std::string& name : names_in(dir)) {
        if (name != "stats.json") all += name + ":" + read_file(dir / name);
      }
      outputs.push_back(all);
      fs::remove_all(dir);
    }
    CHECK(outputs[0].size() > 100);
    CHECK(outputs[0] == outputs[1]);
  }
}
