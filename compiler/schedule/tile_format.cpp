#include "compiler/schedule/tile_format.h"

#include <charconv>
#include <cstdio>

namespace tilesim::sched {

std::string format_scale(float scale) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, scale);
  return std::string(buf, result.ptr);
}

std::string format_addr(std::uint32_t addr) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04x", static_cast<unsigned>(addr));
  return buf;
}

std::string format_dram_addr(std::uint64_t addr) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%04llx", static_cast<unsigned long long>(addr));
  return buf;
}

std::string format_tile(const Schedule& schedule, const TileRef& tile) {
  if (!tile.valid()) return "-";
  std::string name;
  if (static_cast<std::size_t>(tile.tensor) < schedule.tensors.size()) {
    name = schedule.tensors[static_cast<std::size_t>(tile.tensor)].name;
  } else {
    name = "#" + std::to_string(tile.tensor);
  }
  return name + "[" + std::to_string(tile.row) + "," + std::to_string(tile.col) + "]";
}

std::string format_uop_head(const Schedule& schedule, const Uop& uop) {
  std::string head = to_string(uop.kind);
  if (uop.kind == UopKind::Exec) head += std::string(" ") + to_string(uop.exec);
  return head + " " + format_tile(schedule, uop.tile);
}

}  // namespace tilesim::sched
