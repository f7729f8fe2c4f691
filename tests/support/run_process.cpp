#include "tests/support/run_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace tilesim::test {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

namespace {

std::string slurp_and_remove(const std::string& path) {
  std::string text = read_file(path);
  std::remove(path.c_str());
  return text;
}

std::string temp_path() {
  char templ[] = "/tmp/tilesim-test-XXXXXX";
  const int fd = mkstemp(templ);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  return templ;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd,
                          const std::function<bool()>& ready, int delay_ms, int signal) {
  // Output goes to files rather than pipes: no deadlock however much is printed.
  const std::string out_path = temp_path();
  const std::string err_path = temp_path();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);

  if (ready) {
    for (int waited = 0; waited < 6000 && !ready(); ++waited) usleep(10000);
    usleep(static_cast<useconds_t>(delay_ms) * 1000);
    kill(pid, signal);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = slurp_and_remove(out_path);
  result.err = slurp_and_remove(err_path);
  return result;
}

ProcessResult run_tilesim(const std::vector<std::string>& args, const std::string& cwd) {
  std::vector<std::string> argv{TILESIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, cwd);
}

ProcessResult run_tilesim_and_signal(const std::vector<std::string>& args, const std::string& cwd,
                                     const std::function<bool()>& ready, int delay_ms, int signal) {
  std::vector<std::string> argv{TILESIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, cwd, ready, delay_ms, signal);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace tilesim::test
