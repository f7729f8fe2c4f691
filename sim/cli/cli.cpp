#include "sim/cli/cli.h"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/support/input_error.h"
#include "kernels/kernel_set.h"
#include "sim/cli/commands.h"
#include "sim/cli/exit_codes.h"
#include "sim/io/staged_file.h"

namespace tilesim::cli {

namespace {

const char kHelp[] =
    "Usage: tilesim [--help] [--version] COMMAND [ARGS...]\n"
    "\n"
    "Commands:\n"
    "  check-config FILE.yaml [--set KEY=VALUE]...\n"
    "                 load a hardware description and print it fully defaulted\n"
    "  compile --hw FILE.yaml --model FILE.yaml [--emit summary|schedule|graph]\n"
    "                 compile a model: fusion, tiling, lowering, SRAM schedule\n"
    "  run --hw FILE.yaml --model FILE.yaml [--vcd FILE.vcd] [--out-dir DIR] [--verify]\n"
    "                 simulate the model on the hardware, compute its outputs, show\n"
    "                 cycles, DMA/compute overlap and a waveform\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help and exit\n"
    "  --version      show version, commit, SystemC release and the tile kernels\n"
    "                 this CPU can run, and exit\n"
    "\n"
    "'tilesim COMMAND --help' shows a command's options. Errors are one line on\n"
    "stderr: 'tilesim: error: FILE:LINE: KEY: what is wrong (what was expected)'.\n"
    "\n"
    "Exit codes: 0 success, 1 internal error, 2 bad input (files or command line),\n"
    "3 verification failed, 4 an output could not be written (disk full; the old\n"
    "file is kept), 130/143 interrupted (SIGINT/SIGTERM).\n";

int dispatch(const std::vector<std::string>& global, const std::string& command, const std::vector<std::string>& args) {
  for (const auto& flag : global) {
    if (flag == "-h" || flag == "--help") {
      std::cout << "tilesim " << version_number()
                << ": discrete-event simulator of a small deep-learning accelerator\n\n"
                << kHelp;
      return kExitOk;
    }
    if (flag == "--version") {
      std::cout << version_text();
      return kExitOk;
    }
    throw InputError("command line", "", "unknown option " + quoted(flag),
                     "--help, --version or a command; see 'tilesim --help'");
  }
  if (command.empty()) {
    throw InputError("command line", "", "no command given", "check-config, compile or run; see 'tilesim --help'");
  }
  if (command == "check-config") return check_config_command(args, std::cout);
  if (command == "compile") return compile_command(args, std::cout);
  if (command == "run") return run_command(args, std::cout);
  throw InputError("command line", "", "unknown command " + quoted(command),
                   "check-config, compile or run; see 'tilesim --help'");
}

}  // namespace

int main(int argc, char** argv) {
  // Split at the first word that is not a flag: flags before it are global,
  // everything after it belongs to the command (so "run --help" is run's help).
  std::vector<std::string> global;
  std::string command;
  std::vector<std::string> args;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) global.emplace_back(argv[i]);
  if (i < argc) command = argv[i++];
  for (; i < argc; ++i) args.emplace_back(argv[i]);

  try {
    const int code = dispatch(global, command, args);
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "tilesim: error: cannot write to standard output\n";
      return kExitInternalError;
    }
    return code;
  } catch (const InputError& e) {
    std::cerr << "tilesim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const kernels::KernelUnavailable& e) {
    std::cerr << "tilesim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const WriteFailed& e) {
    std::cerr << "tilesim: error: " << e.what() << "\n";
    return kExitWriteFailed;
  } catch (const std::bad_alloc&) {
    std::cerr << "tilesim: internal error: out of memory\n";
    return kExitInternalError;
  } catch (const std::exception& e) {
    std::cerr << "tilesim: internal error: " << e.what() << "\n";
    return kExitInternalError;
  }
}

}  // namespace tilesim::cli
