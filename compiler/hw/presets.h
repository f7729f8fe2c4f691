// The preset files of configs/dram/ and configs/energy/, compiled into the
// library: CMake generates their definitions (embed_presets.cmake) from the
// files at build time, so a preset works from any folder and an edited file is
// picked up by the next build. dram_config.cpp reads dram_presets,
// energy_config.cpp energy_presets.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace tilesim {

struct Preset {
  const char* name;  // the file's name without .yaml: the value of `preset`
  const char* path;  // "configs/KIND/NAME.yaml", for messages about the file
  const char* text;  // the file's bytes, exactly
  std::size_t size;
};

namespace dram_presets {
extern const Preset kAll[];
extern const std::size_t kCount;
}  // namespace dram_presets

namespace energy_presets {
extern const Preset kAll[];
extern const std::size_t kCount;
}  // namespace energy_presets

// The preset of `all[0..count)` named `name`, or nullptr.
inline const Preset* find_preset(const Preset* all, std::size_t count, const std::string& name) {
  for (std::size_t i = 0; i < count; ++i) {
    if (name == all[i].name) return &all[i];
  }
  return nullptr;
}

// Their names, sorted.
inline std::vector<std::string> preset_names(const Preset* all, std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) names.emplace_back(all[i].name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace tilesim
