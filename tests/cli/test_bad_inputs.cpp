// The bad-input corpus: every file in tests/bad-inputs/ must end the program
// with exit code 2, nothing on stdout, and exactly the one stderr line the
// case names. A hardware file carries its expectation in its first line:
//   # expect: {file}:3: sram.size_kib: ...
// A command line case (*.cmdline) is two lines:
//   args: check-config {src}/configs/hw/default.yaml --set sram.size_kib=x
//   expect: --set sram.size_kib=x: ...
// {file} stands for the case's own path, {src} for the source tree, {supported_ops}
// for the list of ONNX ops an unsupported-op message names.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using tilesim::test::run_tilesim;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// frontend::supported_ops() as tilesim prints it: read once from an unsupported-op
// message, so that a case's expectation need not repeat the list every new op changes.
const std::string& supported_ops() {
  static const std::string list = [] {
    const auto r = run_tilesim({"compile", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                                kSource + "/tests/bad-inputs/onnx/several-unsupported-ops.onnx"});
    const std::string marker = "(expected one of ";
    const auto at = r.err.find(marker);
    if (at == std::string::npos) return std::string("?");
    return r.err.substr(at + marker.size(), r.err.rfind(')') - at - marker.size());
  }();
  return list;
}

std::string substitute(std::string text, const std::string& file) {
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"{file}", file}, std::pair<std::string, std::string>{"{src}", kSource},
        std::pair<std::string, std::string>{"{supported_ops}", supported_ops()}}) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

std::vector<fs::path> cases_in(const std::string& folder, const std::string& extension) {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(kSource + "/tests/bad-inputs/" + folder)) {
    if (entry.path().extension() == extension) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string line_after(std::istream& in, const std::string& prefix, const fs::path& file) {
  std::string line;
  std::getline(in, line);
  if (line.rfind(prefix, 0) != 0) FAIL(file.string() + ": expected a line starting " + prefix);
  return line.substr(prefix.size());
}

// Runs tilesim with `args` plus an --out-dir when given: exit code 2 (never
// a signal, never 1), nothing on stdout, exactly the expected line on stderr,
// and nothing written into the output folder.
void check_rejected(std::vector<std::string> args, const std::string& expected, bool with_out_dir = false) {
  const fs::path out = fs::temp_directory_path() / ("tilesim-bad-out-" + std::to_string(::getpid()));
  fs::remove_all(out);
  if (with_out_dir) {
    fs::create_directories(out);
    args.insert(args.end(), {"--out-dir", out.string(), "--stats-json", (out / "run-stats.json").string()});
  }
  const auto r = run_tilesim(args);
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "tilesim: error: " + expected + "\n");
  if (with_out_dir) {
    CHECK(fs::is_empty(out));
    fs::remove_all(out);
  }
}

// Cases stored as FILE with a sidecar FILE-without-extension.expect.
std::string sidecar_expectation(const fs::path& path) {
  fs::path expect = path;
  expect.replace_extension(".expect");
  std::ifstream in(expect);
  std::string line;
  std::getline(in, line);
  return substitute(line, path.string());
}

}  // namespace

TEST_CASE("bad hardware files are rejected with their exact message", "[cli][bad-input]") {
  const auto cases = cases_in("hw", ".yaml");
  REQUIRE(cases.size() >= 10);
  for (const auto& path : cases) {
    INFO(path.filename().string());
    std::ifstream in(path, std::ios::binary);
    const std::string expected = substitute(line_after(in, "# expect: ", path), path.string());
    check_rejected({"check-config", path.string()}, expected);
  }
}

TEST_CASE("bad model files are rejected by compile with their exact message", "[cli][bad-input]") {
  const auto cases = cases_in("models", ".yaml");
  REQUIRE(cases.size() >= 20);
  for (const auto& path : cases) {
    INFO(path.filename().string());
    std::ifstream in(path, std::ios::binary);
    const std::string expected = substitute(line_after(in, "# expect: ", path), path.string());
    check_rejected({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", path.string()}, expected, true);
  }
}

TEST_CASE("bad tensor files given with --input are rejected, nothing written", "[cli][bad-input]") {
  std::vector<fs::path> cases = cases_in("npy", ".npy");
  const auto pb = cases_in("pb", ".pb");
  cases.insert(cases.end(), pb.begin(), pb.end());
  REQUIRE(cases.size() >= 30);
  for (const auto& path : cases) {
    INFO(path.filename().string());
    check_rejected({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model",
                    kSource + "/configs/models/mlp.yaml", "--input", "x=" + path.string()},
                   sidecar_expectation(path), true);
  }
}

TEST_CASE("bad ONNX models are rejected, nothing written", "[cli][bad-input]") {
  const auto cases = cases_in("onnx", ".onnx");
  REQUIRE(cases.size() >= 8);
  for (const auto& path : cases) {
    INFO(path.filename().string());
    check_rejected({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", path.string()},
                   sidecar_expectation(path), true);
  }
}

TEST_CASE("bad command lines are rejected with their exact message", "[cli][bad-input]") {
  const auto cases = cases_in("cli", ".cmdline");
  REQUIRE(cases.size() >= 5);
  for (const auto& path : cases) {
    INFO(path.filename().string());
    std::ifstream in(path);
    std::istringstream words(substitute(line_after(in, "args: ", path), path.string()));
    std::vector<std::string> args;
    for (std::string word; words >> word;) args.push_back(word);
    const std::string expected = substitute(line_after(in, "expect: ", path), path.string());
    check_rejected(args, expected);
  }
}
