#include "sim/cli/host_memory.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace tilesim::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

// The first number in the file; -1 when it cannot be read (or says "max").
std::int64_t number_in(const fs::path& file) {
  std::ifstream in(file);
  std::int64_t value = -1;
  if (!(in >> value)) return -1;
  return value;
}

std::int64_t mem_available(const std::string& proc) {
  std::ifstream in(proc + "/meminfo");
  std::string key;
  std::int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kib * 1024;
  }
  return kNoLimit;
}

// Room left under the limits of `dir` and of every folder above it, up to `root`.
std::int64_t room_under(fs::path dir, const fs::path& root, const char* limit_file, const char* usage_file) {
  std::int64_t room = kNoLimit;
  for (;;) {
    const std::int64_t limit = number_in(dir / limit_file), usage = number_in(dir / usage_file);
    if (limit >= 0 && usage >= 0 && limit < kNoLimit / 2)
      room = std::min(room, std::max<std::int64_t>(0, limit - usage));
    if (dir == root || !dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return room;
}

// Lines of /proc/self/cgroup: "ID:CONTROLLERS:PATH" (v2: "0::PATH").
std::int64_t cgroup_room(const std::string& proc, const fs::path& root) {
  std::ifstream in(proc + "/self/cgroup");
  std::string line;
  std::int64_t room = kNoLimit;
  while (std::getline(in, line)) {
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const fs::path path = fs::path(line.substr(second + 1)).relative_path();
    if (controllers.empty()) {
      for (const fs::path& v2 : {root, root / "unified"}) {
        if (fs::exists(v2 / "cgroup.controllers"))
          room = std::min(room, room_under(v2 / path, v2, "memory.max", "memory.current"));
      }
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      const fs::path v1 = root / "memory";
      room = std::min(room, room_under(v1 / path, v1, "memory.limit_in_bytes", "memory.usage_in_bytes"));
    }
  }
  return room;
}

}  // namespace

std::int64_t available_memory_bytes(const std::string& proc, const std::string& cgroup_root) {
  const std::int64_t available = std::min(mem_available(proc), cgroup_room(proc, cgroup_root));
  return available == kNoLimit ? 0 : available;
}

}  // namespace tilesim::cli
