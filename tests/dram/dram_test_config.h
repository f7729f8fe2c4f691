// Reading DramConfigs in tests: a hardware file's `dram:` section through
// read_dram_config, with --set overrides, exactly as a hardware reader does.
#pragma once

#include <string>
#include <vector>

#include "compiler/hw/dram_config.h"
#include "compiler/support/input_error.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim::test {

inline DramConfig dram_from_document(yaml::Document doc, const std::vector<std::string>& overrides) {
  for (const auto& assignment : overrides) doc.apply_override(assignment);
  yaml::MapReader root = doc.root("a hardware file");
  yaml::MapReader section = root.section("dram", false, "a mapping of dram keys");
  DramConfig config = read_dram_config(section);
  section.finish();
  return config;
}

// `text` read as the hardware file "hw.yaml".
inline DramConfig dram_from_text(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return dram_from_document(yaml::Document::parse(text, "hw.yaml"), overrides);
}

inline DramConfig dram_preset(const std::string& name, const std::vector<std::string>& overrides = {}) {
  return dram_from_text("dram:\n  preset: " + name + "\n", overrides);
}

// The message reading `text` gives, or "(no error)".
inline std::string dram_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    dram_from_text(text, overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace tilesim::test
