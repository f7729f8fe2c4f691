// Runs a program to completion and captures what it printed, for tests that
// check the tilesim command line from the outside (exit code, exact stderr).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace tilesim::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that ended it, or 0
  std::string out;     // stdout
  std::string err;     // stderr
};

// argv[0] is the program path; no shell is involved. `cwd` empty: inherit.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd = "",
                          const std::function<bool()>& ready = nullptr, int delay_ms = 0, int signal = 0);

// Runs the tilesim binary built alongside the tests with these arguments.
ProcessResult run_tilesim(const std::vector<std::string>& args, const std::string& cwd = "");

// Runs tilesim and sends it `signal` once `ready()` holds (polled every 10 ms,
// for at most 60 s) and `delay_ms` more have passed.
ProcessResult run_tilesim_and_signal(const std::vector<std::string>& args, const std::string& cwd,
                                     const std::function<bool()>& ready, int delay_ms, int signal);

// The bytes of a file a run wrote ("" when it cannot be read).
std::string read_file(const std::string& path);

// Lines of a text (without the newlines); a trailing newline ends the last line.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace tilesim::test
