// How much host memory a run may use, and whether a run fits in it.
//
// Contract: available_memory_bytes() is the least of what the system says is
// available (MemAvailable of /proc/meminfo) and the room left under every
// memory cgroup limit on this process's path, v1 (memory.limit_in_bytes minus
// memory.usage_in_bytes) and v2 (memory.max minus memory.current), walking up
// to the root, so a batch job's limit counts, not only physical RAM. The files
// are read from `proc` and `cgroup_root` (tests pass fake trees); a file that
// cannot be read imposes no limit. Returns 0 when nothing could be read.
#pragma once

#include <cstdint>
#include <string>

namespace tilesim::cli {

std::int64_t available_memory_bytes(const std::string& proc = "/proc",
                                    const std::string& cgroup_root = "/sys/fs/cgroup");

}  // namespace tilesim::cli
