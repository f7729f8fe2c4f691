#include "tests/sim/timed_compare.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "sim/model/simulate.h"
#include "tests/sim/timed_replay.h"

namespace tilesim::test {
namespace {

static_assert(std::is_trivially_copyable_v<RunFigures>, "RunFigures crosses a pipe as bytes");

// SimStats::dram exists only once the simulator reports it: the member is
// named in a template, so it is looked up only when enabled.
template <bool kEnabled, typename Stats>
void copy_dram_stats(const Stats& stats, dram::DramChannelStats* out) {
  if constexpr (kEnabled) *out = stats.dram.total;
}

void write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n <= 0) return;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

// The child: 'F' and the figures, or 'E' and a message. Never returns.
[[noreturn]] void child(int fd, const sched::Schedule& schedule, const HwConfig& hw) {
  ::alarm(300);  // a hung simulation ends the child, not the test run
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  try {
    const sim::SimStats stats = sim::simulate(schedule, hw, {}, sim::SimOptions{}).stats;
    RunFigures f;
    f.cycles = stats.cycles;
    f.dma_busy_cycles = stats.dma_busy_cycles;
    f.compute_busy_cycles = stats.compute_busy_cycles;
    f.overlap_cycles = stats.overlap_cycles;
    copy_dram_stats<kSimReportsDramStats>(stats, &f.dram);
    write_all(fd, "F", 1);
    write_all(fd, &f, sizeof f);
  } catch (const std::exception& e) {
    write_all(fd, "E", 1);
    write_all(fd, e.what(), std::strlen(e.what()));
  }
  ::_exit(0);
}

}  // namespace

RunFigures simulate_in_child(const sched::Schedule& schedule, const HwConfig& hw) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("simulate_in_child: pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("simulate_in_child: fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    child(fds[1], schedule, hw);
  }
  ::close(fds[1]);
  const std::string reply = read_all(fds[0]);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (reply.size() == 1 + sizeof(RunFigures) && reply[0] == 'F') {
    RunFigures f;
    std::memcpy(&f, reply.data() + 1, sizeof f);
    return f;
  }
  if (!reply.empty() && reply[0] == 'E') throw std::runtime_error("simulate: " + reply.substr(1));
  throw std::runtime_error("simulate: the child process died (wait status " + std::to_string(status) + ")");
}

void compare_dram_stats(const dram::DramChannelStats& simulator, const dram::DramChannelStats& replay) {
  CHECK(simulator.reads == replay.reads);
  CHECK(simulator.writes == replay.writes);
  CHECK(simulator.row_hits == replay.row_hits);
  CHECK(simulator.row_misses == replay.row_misses);
  CHECK(simulator.row_conflicts == replay.row_conflicts);
  CHECK(simulator.refreshes == replay.refreshes);
}

void compare_with_simulator(const sched::Schedule& schedule, const HwConfig& hw) {
  const TimedReplay replay = timed_replay(schedule, hw);
  RunFigures sim;
  try {
    sim = simulate_in_child(schedule, hw);
  } catch (const std::runtime_error& e) {
    FAIL_CHECK(e.what());
    return;
  }
  CHECK(sim.cycles == replay.cycles);
  CHECK(sim.dma_busy_cycles == replay.dma_busy_cycles);
  CHECK(sim.compute_busy_cycles == replay.compute_busy_cycles);
  CHECK(sim.overlap_cycles == replay.overlap_cycles);
  if (kSimReportsDramStats) compare_dram_stats(sim.dram, replay.dram.total);
}

}  // namespace tilesim::test
