// select_kernels / available_kernels / auto_kernel_name, with and without the
// TILESIM_CPU_MAX cap.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>

#include "kernels/kernel_set.h"

using namespace tilesim::kernels;

namespace {

// Sets (or, with nullptr, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("kernels: auto picks the best available kernel set", "[kernels][dispatch]") {
  ScopedEnv no_cap("TILESIM_CPU_MAX", nullptr);
  const auto names = available_kernels();
  REQUIRE(!names.empty());
  CHECK(names.back() == "reference");
  CHECK(auto_kernel_name() == names.front());
  CHECK(std::string(select_kernels("auto").name) == names.front());
  for (const auto& n : names) CHECK(std::string(select_kernels(n).name) == n);
  CHECK(&select_kernels("reference") == &reference_kernels());
  // Best first: avx512 before avx2 before reference, whichever are present.
  const std::vector<std::string> order = {"avx512", "avx2", "reference"};
  std::vector<std::string> expected;
  for (const auto& n : order)
    if (contains(names, n)) expected.push_back(n);
  CHECK(names == expected);
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) CHECK(contains(names, "avx2"));
#endif
}

TEST_CASE("kernels: an unknown kernel name is rejected with the list of valid names", "[kernels][dispatch]") {
  CHECK_THROWS_AS(select_kernels("sse"), KernelUnavailable);
  CHECK_THROWS_WITH(select_kernels("AVX2"), "unknown kernel set 'AVX2' (valid: auto, reference, avx2, avx512)");
  CHECK_THROWS_WITH(select_kernels(""), "unknown kernel set '' (valid: auto, reference, avx2, avx512)");
}

TEST_CASE("kernels: TILESIM_CPU_MAX=reference leaves only the reference", "[kernels][dispatch]") {
  bool cpu_has_avx2, cpu_has_avx512;
  {
    ScopedEnv no_cap("TILESIM_CPU_MAX", nullptr);
    cpu_has_avx2 = contains(available_kernels(), "avx2");
    cpu_has_avx512 = contains(available_kernels(), "avx512");
  }
  ScopedEnv cap("TILESIM_CPU_MAX", "reference");
  CHECK(available_kernels() == std::vector<std::string>{"reference"});
  CHECK(auto_kernel_name() == "reference");
  CHECK(std::string(select_kernels("auto").name) == "reference");
  CHECK_THROWS_AS(select_kernels("avx2"), KernelUnavailable);
  CHECK_THROWS_WITH(select_kernels("avx2"),
                    std::string("kernel 'avx2' needs a CPU with AVX2 and FMA; ") +
                        (cpu_has_avx2 ? "TILESIM_CPU_MAX=reference hides it" : "this CPU lacks it") +
                        " (available: reference)");
  if (cpu_has_avx512)
    CHECK_THROWS_WITH(select_kernels("avx512"),
                      "kernel 'avx512' needs a CPU with AVX-512F and FMA; TILESIM_CPU_MAX=reference hides it "
                      "(available: reference)");
}

TEST_CASE("kernels: TILESIM_CPU_MAX=avx2 hides AVX-512", "[kernels][dispatch]") {
  bool cpu_has_avx2;
  {
    ScopedEnv no_cap("TILESIM_CPU_MAX", nullptr);
    cpu_has_avx2 = contains(available_kernels(), "avx2");
  }
  if (!cpu_has_avx2) return;
  ScopedEnv cap("TILESIM_CPU_MAX", "avx2");
  CHECK(available_kernels() == std::vector<std::string>{"avx2", "reference"});
  CHECK(std::string(select_kernels("auto").name) == "avx2");
  CHECK_THROWS_AS(select_kernels("avx512"), KernelUnavailable);
}

TEST_CASE("kernels: TILESIM_CPU_MAX is re-read on every call, empty means no cap", "[kernels][dispatch]") {
  std::vector<std::string> uncapped;
  {
    ScopedEnv no_cap("TILESIM_CPU_MAX", nullptr);
    uncapped = available_kernels();
  }
  {
    ScopedEnv empty("TILESIM_CPU_MAX", "");
    CHECK(available_kernels() == uncapped);
  }
  {
    ScopedEnv top("TILESIM_CPU_MAX", "avx512");  // a cap above the CPU changes nothing
    CHECK(available_kernels() == uncapped);
  }
  {
    ScopedEnv cap("TILESIM_CPU_MAX", "reference");
    CHECK(auto_kernel_name() == "reference");
  }
  ScopedEnv no_cap("TILESIM_CPU_MAX", nullptr);
  CHECK(auto_kernel_name() == uncapped.front());
}

TEST_CASE("kernels: a misspelt TILESIM_CPU_MAX is an error, not silently ignored", "[kernels][dispatch]") {
  ScopedEnv bad("TILESIM_CPU_MAX", "AVX2");
  CHECK_THROWS_WITH(select_kernels("auto"), "TILESIM_CPU_MAX='AVX2' is not one of: reference, avx2, avx512");
  CHECK_THROWS_AS(available_kernels(), KernelUnavailable);
}
