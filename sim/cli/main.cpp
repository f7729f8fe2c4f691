// The program's main(). libsystemc.so also defines one, which would print the
// SystemC copyright banner before any of our code runs; this one wins at link
// time, silences the banner (stderr carries only tilesim's own messages), and
// enters SystemC the standard way so that sc_main runs inside its context.
#include <cstdlib>

#include <sysc/kernel/sc_externs.h>

#include "sim/cli/cli.h"

extern "C" int sc_main(int argc, char* argv[]) { return tilesim::cli::main(argc, argv); }

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", /*overwrite=*/0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
