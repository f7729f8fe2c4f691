// The program's main(). libsystemc.so also defines one, which would print the
// SystemC copyright banner before any of our code runs; this one wins at link
// time, silences the banner (stderr carries only tilesim's own messages), and
// enters SystemC the standard way so that sc_main runs inside its context.
//
// It ends the process with std::_Exit once everything is written: the static
// destructors of SystemC, protobuf (its descriptor pools) and the C++ runtime
// only free memory the process is about to lose, and took 1.6 ms of the 12.9 of
// `tilesim --version` (docs/performance.md, step 31). cli::main has flushed and
// checked standard output by then; every output file is committed or removed
// before it returns. Under AddressSanitizer the process exits normally, so that
// LeakSanitizer still checks it.
#include <cstdio>
#include <cstdlib>

#include <sysc/kernel/sc_externs.h>

#include "sim/cli/cli.h"

extern "C" int sc_main(int argc, char* argv[]) { return tilesim::cli::main(argc, argv); }

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", /*overwrite=*/0);
  const int code = sc_core::sc_elab_and_sim(argc, argv);
#if defined(__SANITIZE_ADDRESS__)
  return code;
#else
  std::fflush(nullptr);
  std::_Exit(code);
#endif
}
