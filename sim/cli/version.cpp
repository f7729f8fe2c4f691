#include <systemc>

#include <sstream>

#include "git_commit.h"  // TILESIM_GIT_COMMIT, written at every build (git_commit.cmake)
#include "kernels/kernel_set.h"
#include "sim/cli/commands.h"

namespace tilesim::cli {

std::string version_number() { return TILESIM_VERSION; }

std::string version_text() {
  std::ostringstream out;
  out << "tilesim " << TILESIM_VERSION << " (commit " << TILESIM_GIT_COMMIT << ")\n"
      << "SystemC " << sc_core::sc_release() << "\n"
      << "kernels on this CPU:";
  for (const auto& name : kernels::available_kernels()) out << " " << name;
  out << " (auto: " << kernels::auto_kernel_name() << ")\n";
  return out.str();
}

}  // namespace tilesim::cli
