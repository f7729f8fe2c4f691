// The preset files of configs/dram/ and configs/energy/, compiled into the
// library: CMake generates their definitions (embed_presets.cmake) from the
// files at build time, so a preset works from any folder and an edited file is
// picked up by the next build. dram_config.cpp reads dram_presets,
// energy_config.cpp energy_presets.
#pragma once

#include <cstddef>

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

}  // namespace tilesim
