// Whole-process figures for bench/run.sh: the least wall time and the least
// process time (user + system CPU, as wait4 reports it for the child, in
// microseconds) of REPEATS runs of a command, its stdout discarded. Process
// time is the figure the start-up and end-to-end targets name; on a
// shared VM it also moves less than wall time with the other guests' load.
//
//   process_time REPEATS COMMAND [ARGS...]
// prints "wall_seconds cpu_seconds" (each the least of the runs); exit 1
// with one line on stderr when the command cannot start or any run fails,
// exit 2 for a bad REPEATS.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

struct Run {
  bool ok = false;
  double wall = 0, cpu = 0;
};

// One run of argv[0] with stdout on /dev/null.
Run run_once(char** argv) {
  Run r;
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child < 0) return r;
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDOUT_FILENO);
    ::execvp(argv[0], argv);
    std::fprintf(stderr, "process_time: error: cannot run %s: %s\n", argv[0], std::strerror(errno));
    std::_Exit(127);
  }
  int status = 0;
  rusage usage{};
  if (::wait4(child, &status, 0, &usage) != child) return r;
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc >= 3 ? std::atoi(argv[1]) : 0;
  if (repeats < 1) {
    std::fprintf(stderr, "process_time: error: usage: process_time REPEATS COMMAND [ARGS...] (REPEATS >= 1)\n");
    return 2;
  }
  double wall = 1e30, cpu = 1e30;
  for (int i = 0; i < repeats; ++i) {
    const Run r = run_once(argv + 2);
    if (!r.ok) {
      std::fprintf(stderr, "process_time: error: %s failed (run %d of %d)\n", argv[2], i + 1, repeats);
      return 1;
    }
    wall = std::min(wall, r.wall);
    cpu = std::min(cpu, r.cpu);
  }
  std::printf("%.6f %.6f\n", wall, cpu);
  return 0;
}
