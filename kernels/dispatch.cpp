// Run-time choice of a kernel set: what this build contains, what this CPU
// can run, capped by the TILESIM_CPU_MAX environment variable (read on every
// call, so tests can change it). Rules: docs/kernels.md.
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/backends.h"
#include "kernels/kernel_set.h"

namespace tilesim::kernels {
namespace {

// Instruction-set levels, ordered: a level implies the ones below it.
enum class Level { reference = 0, avx2 = 1, avx512 = 2 };

const char* level_name(Level l) {
  switch (l) {
    case Level::avx512:
      return "avx512";
    case Level::avx2:
      return "avx2";
    case Level::reference:
      break;
  }
  return "reference";
}

const char* level_needs(Level l) { return l == Level::avx512 ? "AVX-512F and FMA" : "AVX2 and FMA"; }

constexpr bool built(Level l) {
#ifdef TILESIM_HAVE_AVX512
  (void)l;
  return true;
#else
  return l != Level::avx512;
#endif
}

// What the CPU (and OS: __builtin_cpu_supports checks the saved register
// state) supports.
Level cpu_level() {
  __builtin_cpu_init();
  const bool fma = __builtin_cpu_supports("fma");
  if (fma && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2")) return Level::avx512;
  if (fma && __builtin_cpu_supports("avx2")) return Level::avx2;
  return Level::reference;
}

// TILESIM_CPU_MAX, if set and non-empty, caps the detected level.
struct Cap {
  bool set = false;
  Level level = Level::avx512;
  std::string text;
};

Cap read_cap() {
  Cap cap;
  const char* env = std::getenv("TILESIM_CPU_MAX");
  if (!env || !*env) return cap;
  cap.set = true;
  cap.text = env;
  for (Level l : {Level::reference, Level::avx2, Level::avx512}) {
    if (cap.text == level_name(l)) {
      cap.level = l;
      return cap;
    }
  }
  throw KernelUnavailable("TILESIM_CPU_MAX='" + cap.text + "' is not one of: reference, avx2, avx512");
}

Level usable_level(const Cap& cap) {
  const Level cpu = cpu_level();
  return (cap.set && cap.level < cpu) ? cap.level : cpu;
}

std::vector<std::string> available_for(Level usable) {
  std::vector<std::string> names;
  for (Level l : {Level::avx512, Level::avx2, Level::reference})
    if (built(l) && l <= usable) names.emplace_back(level_name(l));
  return names;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const KernelSet& kernels_of(Level l) {
  switch (l) {
#ifdef TILESIM_HAVE_AVX512
    case Level::avx512:
      return detail::avx512_kernels();
#else
    case Level::avx512:
      break;
#endif
    case Level::avx2:
      return detail::avx2_kernels();
    case Level::reference:
      break;
  }
  return reference_kernels();
}

}  // namespace

std::vector<std::string> available_kernels() { return available_for(usable_level(read_cap())); }

std::string auto_kernel_name() { return available_kernels().front(); }

const KernelSet& select_kernels(const std::string& name) {
  const Cap cap = read_cap();
  const Level usable = usable_level(cap);
  const auto available = available_for(usable);
  if (name == "auto") return select_kernels(available.front());

  for (Level l : {Level::reference, Level::avx2, Level::avx512}) {
    if (name != level_name(l)) continue;
    if (!built(l))
      throw KernelUnavailable("kernel '" + name +
                              "' is not in this build (TILESIM_ENABLE_AVX512=OFF; available: " + join(available) + ")");
    if (l > usable) {
      const bool cpu_has_it = l <= cpu_level();
      throw KernelUnavailable(
          "kernel '" + name + "' needs a CPU with " + level_needs(l) + "; " +
          (cpu_has_it ? "TILESIM_CPU_MAX=" + cap.text + " hides it" : std::string("this CPU lacks it")) +
          " (available: " + join(available) + ")");
    }
    return kernels_of(l);
  }
  throw KernelUnavailable("unknown kernel set '" + name + "' (valid: auto, reference, avx2, avx512)");
}

}  // namespace tilesim::kernels
