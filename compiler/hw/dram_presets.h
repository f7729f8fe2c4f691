// The preset files of configs/dram/, compiled into the library: CMake
// generates their definition (embed_dram_presets.cmake) from the files at
// build time, so a preset works from any folder and an edited file is picked
// up by the next build. Only dram_config.cpp reads them.
#pragma once

#include <cstddef>

namespace tilesim::dram_presets {

struct Preset {
  const char* name;  // the file's name without .yaml: the value of dram.preset
  const char* path;  // "configs/dram/NAME.yaml", for messages about the file
  const char* text;  // the file's bytes, exactly
  std::size_t size;
};

extern const Preset kAll[];
extern const std::size_t kCount;

}  // namespace tilesim::dram_presets
