// The memory a run may use: MemAvailable and every memory cgroup limit on the
// process's path (v1 and v2, walking up), read from fake /proc and cgroup trees.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/cli/host_memory.h"

namespace fs = std::filesystem;
using tilesim::cli::available_memory_bytes;

namespace {

struct FakeSystem {
  fs::path root = fs::temp_directory_path() / ("tilesim-memory-" + std::to_string(::getpid()));
  FakeSystem() {
    fs::remove_all(root);
    fs::create_directories(root / "proc/self");
  }
  ~FakeSystem() { fs::remove_all(root); }
  void write(const std::string& file, const std::string& text) {
    fs::create_directories((root / file).parent_path());
    std::ofstream(root / file) << text;
  }
  std::int64_t available() { return available_memory_bytes((root / "proc").string(), (root / "cgroup").string()); }
};

constexpr std::int64_t kMiB = 1 << 20;

}  // namespace

TEST_CASE("host memory: MemAvailable when no cgroup limits", "[memory]") {
  FakeSystem sys;
  sys.write("proc/meminfo", "MemTotal:       24000000 kB\nMemAvailable:   2048 kB\n");
  sys.write("proc/self/cgroup", "0::/\n");
  CHECK(sys.available() == 2048 * 1024);
}

TEST_CASE("host memory: a v1 memory cgroup limit, and its parent's, count", "[memory]") {
  FakeSystem sys;
  sys.write("proc/meminfo", "MemAvailable:   10485760 kB\n");  // 10 GiB
  sys.write("proc/self/cgroup", "5:devices:/\n4:memory:/jobs/job1\n");
  sys.write("cgroup/memory/jobs/job1/memory.limit_in_bytes", std::to_string(512 * kMiB));
  sys.write("cgroup/memory/jobs/job1/memory.usage_in_bytes", std::to_string(100 * kMiB));
  CHECK(sys.available() == 412 * kMiB);
  sys.write("cgroup/memory/jobs/memory.limit_in_bytes", std::to_string(300 * kMiB));
  sys.write("cgroup/memory/jobs/memory.usage_in_bytes", std::to_string(250 * kMiB));
  CHECK(sys.available() == 50 * kMiB);
  // The root's "no limit" (a huge number) imposes none.
  sys.write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712");
  sys.write("cgroup/memory/memory.usage_in_bytes", "1000");
  CHECK(sys.available() == 50 * kMiB);
}

TEST_CASE("host memory: a v2 memory.max counts, 'max' does not", "[memory]") {
  FakeSystem sys;
  sys.write("proc/meminfo", "MemAvailable:   10485760 kB\n");
  sys.write("proc/self/cgroup", "0::/slurm/job7\n");
  sys.write("cgroup/cgroup.controllers", "memory\n");
  sys.write("cgroup/slurm/job7/memory.max", "max\n");
  sys.write("cgroup/slurm/job7/memory.current", "4096\n");
  CHECK(sys.available() == 10485760LL * 1024);
  sys.write("cgroup/slurm/job7/memory.max", std::to_string(64 * kMiB) + "\n");
  CHECK(sys.available() == 64 * kMiB - 4096);
}

TEST_CASE("host memory: nothing readable means no limit known", "[memory]") {
  FakeSystem sys;
  CHECK(sys.available() == 0);
}
