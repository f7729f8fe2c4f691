#include "sim/io/input_values.h"

#include <algorithm>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <stdexcept>

#include "compiler/support/input_error.h"
#include "compiler/support/interrupt.h"
#include "compiler/support/yaml_reader.h"
#include "sim/io/tensor_file.h"

namespace tilesim {

namespace {

constexpr std::size_t kMaxListed = 12;  // names listed in an "expected one of" message

bool takes_values(const ir::Tensor& t) { return t.kind == ir::TensorKind::Input || t.kind == ir::TensorKind::Param; }

std::vector<std::string> value_names(const ir::Graph& graph) {
  std::vector<std::string> names;
  for (const auto& t : graph.tensors) {
    if (takes_values(t)) names.push_back(t.name);
  }
  return names;
}

std::string one_of(const std::vector<std::string>& names) {
  if (names.empty()) return "none: the model has no inputs or params";
  std::string text = "one of: ";
  for (std::size_t i = 0; i < names.size() && i < kMaxListed; ++i) text += (i > 0 ? ", " : "") + names[i];
  if (names.size() > kMaxListed) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

struct Assignment {
  std::string text;  // as given, for messages
  std::string name;
  std::string file;
};

Assignment parse_assignment(const std::string& text, const ir::Graph& graph) {
  const std::string location = "--input " + printable(text);
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw InputError(location, "", "no '='", "NAME=FILE.npy or NAME=FILE.pb, e.g. --input x=x.npy");
  }
  Assignment a{text, text.substr(0, eq), text.substr(eq + 1)};
  if (a.name.empty()) throw InputError(location, "", "the tensor name is empty", "NAME=FILE.npy or NAME=FILE.pb");
  const std::string key = printable(a.name);
  if (a.file.empty()) throw InputError(location, key, "the file name is empty", "NAME=FILE.npy or NAME=FILE.pb");
  const auto names = value_names(graph);
  const ir::TensorId id = graph.find(a.name);
  if (id == ir::kNone) {
    throw InputError(
        location, key,
        "model '" + graph.name + "' has no input or param " + quoted(a.name) + yaml::did_you_mean(a.name, names),
        one_of(names));
  }
  const ir::Tensor& tensor = graph.tensors[static_cast<std::size_t>(id)];
  if (!takes_values(tensor)) {
    throw InputError(location, key,
                     "'" + tensor.name + "' is " +
                         (tensor.kind == ir::TensorKind::Output ? "an output" : "an intermediate tensor") +
                         ", computed by the model",
                     "a graph input or param, " + one_of(names));
  }
  return a;
}

}  // namespace

std::uint64_t fnv1a64(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

// SplitMix64 in counter form: element i of a tensor is mix(key + (i + 1) * g),
// independent of every other element (a block may take every step-th), so
// the loop vectorises (a Mersenne Twister spent a third of a large run's wall
// time here). Its 64-bit multiplies vectorise only with AVX-512DQ (vpmullq):
// the function is compiled for it too and the CPU picks the version at load
// time (the results are the same integers either way). Without AVX-512,
// seeded_block_avx2 takes over (GCC leaves the loop scalar for AVX2).
namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kMix1 = 0xBF58476D1CE4E5B9ull, kMix2 = 0x94D049BB133111EBull;
constexpr std::int64_t kHalf = std::int64_t{1} << 23;

__attribute__((target_clones("arch=x86-64-v4", "default"))) void seeded_block(std::uint64_t key, std::size_t first,
                                                                              std::size_t count, std::size_t step,
                                                                              float* out) {
  const std::uint64_t base = key + (first + 1) * kGolden, stride = step * kGolden;  // wraps as the formula does
  for (std::size_t j = 0; j < count; ++j) {
    std::uint64_t z = base + j * stride;
    z = (z ^ (z >> 30)) * kMix1;
    z = (z ^ (z >> 27)) * kMix2;
    z ^= z >> 31;
    const auto top24 = static_cast<std::int64_t>(z >> 40);
    out[j] = static_cast<float>(top24 - kHalf) / static_cast<float>(kHalf);  // exact: |top24 - 2^23| <= 2^23
  }
}

#if defined(__x86_64__)
// z * c mod 2^64 in each 64-bit lane, from AVX2's 32 x 32 -> 64-bit
// multiplies: lo(z) lo(c) + (hi(z) lo(c) + lo(z) hi(c)) 2^32.
__attribute__((target("avx2"))) __m256i mul64(__m256i z, std::uint64_t c) {
  const __m256i c_lo = _mm256_set1_epi64x(static_cast<long long>(c & 0xFFFFFFFFu));
  const __m256i c_hi = _mm256_set1_epi64x(static_cast<long long>(c >> 32));
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(z, 32), c_lo), _mm256_mul_epu32(z, c_hi));
  return _mm256_add_epi64(_mm256_mul_epu32(z, c_lo), _mm256_slli_epi64(cross, 32));
}

// splitmix64's mix of four counters, shifted right by 40: each lane < 2^24.
// The mix's last step, z ^= z >> 31, leaves bits 40-63 as they are (z >> 71
// is 0), so it is left out.
__attribute__((target("avx2"))) __m256i top24(__m256i z) {
  z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), kMix1);
  z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), kMix2);
  return _mm256_srli_epi64(z, 40);
}

// The same values as seeded_block, eight a step: the 24-bit draws fit 32-bit
// lanes, so the subtraction and the conversion (exact either way) run there,
// and multiplying by 2^-23 is the division by 2^23 exactly.
__attribute__((target("avx2"))) void seeded_block_avx2(std::uint64_t key, std::size_t first, std::size_t count,
                                                       std::size_t step, float* out) {
  const std::uint64_t base = key + (first + 1) * kGolden, stride = step * kGolden;
  __m256i z = _mm256_setr_epi64x(static_cast<long long>(base), static_cast<long long>(base + stride),
                                 static_cast<long long>(base + 2 * stride), static_cast<long long>(base + 3 * stride));
  const __m256i four = _mm256_set1_epi64x(static_cast<long long>(4 * stride));
  const __m256i low_dwords = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const __m256i half = _mm256_set1_epi32(static_cast<int>(kHalf));
  const __m256 scale = _mm256_set1_ps(1.0f / static_cast<float>(kHalf));
  std::size_t j = 0;
  for (; j + 8 <= count; j += 8) {
    const __m256i a = _mm256_permutevar8x32_epi32(top24(z), low_dwords);
    z = _mm256_add_epi64(z, four);
    const __m256i b = _mm256_permutevar8x32_epi32(top24(z), low_dwords);
    z = _mm256_add_epi64(z, four);
    const __m256i draws = _mm256_permute2x128_si256(a, b, 0x20);
    _mm256_storeu_ps(out + j, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(draws, half)), scale));
  }
  seeded_block(key, first + j * step, count - j, step, out + j);
}
#endif

}  // namespace

namespace {

using SeededBlock = void (*)(std::uint64_t key, std::size_t first, std::size_t count, std::size_t step, float* out);

// The values through `block`, a pass at a time between looks at Ctrl-C.
void fill_with(SeededBlock block, std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count,
               float* out, std::size_t step) {
  const std::uint64_t key = seed ^ fnv1a64(name);
  for (std::size_t done = 0; done < count; done += kSeededValuesPerPoll) {
    poll_interrupt();
    block(key, first + done * step, std::min(kSeededValuesPerPoll, count - done), step, out + done);
  }
}

// AVX2's block where the CPU has AVX2, else none.
SeededBlock avx2_block() {
#if defined(__x86_64__)
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  if (has) return seeded_block_avx2;
#endif
  return nullptr;
}

// The compiler's AVX-512 version of seeded_block where the CPU has it (the
// AVX-512 parts of x86-64-v4, by names that clang knows too), else AVX2's,
// else the scalar loop.
SeededBlock block_for_cpu() {
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512vl");
  return !avx512 && avx2_block() ? avx2_block() : seeded_block;
}

}  // namespace

bool seeded_fill_avx2(std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count, float* out,
                      std::size_t step) {
  const SeededBlock block = avx2_block();
  if (block) fill_with(block, seed, name, first, count, out, step);
  return block != nullptr;
}

void seeded_fill_portable(std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count, float* out,
                          std::size_t step) {
  fill_with(seeded_block, seed, name, first, count, out, step);
}

void seeded_fill(std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count, float* out,
                 std::size_t step) {
  static const SeededBlock block = block_for_cpu();
  fill_with(block, seed, name, first, count, out, step);
}

std::vector<float> seeded_values(std::uint64_t seed, const std::string& name, std::size_t count) {
  std::vector<float> values(count);  // in huge pages when large (sim/cli/huge_page_new.cpp)
  seeded_fill(seed, name, 0, count, values.data());
  return values;
}

std::map<std::string, HostTensor> make_inputs(const ir::Graph& graph, const std::vector<std::string>& assignments,
                                              std::uint64_t seed) {
  // Check every assignment before reading any file.
  std::map<std::string, Assignment> given;
  for (const auto& text : assignments) {
    Assignment a = parse_assignment(text, graph);
    const auto [it, fresh] = given.emplace(a.name, a);
    if (!fresh) {
      throw InputError("--input " + printable(text), printable(a.name),
                       "given twice (first as --input " + printable(it->second.text) + ")", "each tensor at most once");
    }
  }

  std::map<std::string, HostTensor> values;
  for (const auto& tensor : graph.tensors) {
    if (!takes_values(tensor)) continue;
    const std::vector<std::int64_t> dims = tensor.shape.dims();
    HostTensor host;
    const auto it = given.find(tensor.name);
    if (it != given.end()) {
      host = read_tensor_file(it->second.file);
      if (host.shape() != dims) {
        throw InputError("--input " + printable(it->second.text), tensor.name,
                         "shape " + host.shape_text() + " in " + printable(it->second.file) +
                             " does not match the model's " + ir::to_string(tensor.shape),
                         "the model's shape");
      }
    } else {
      std::int64_t count = 1;
      for (const std::int64_t d : dims) count *= d;
      if (!tensor.values.empty()) {
        if (tensor.values.size() != static_cast<std::size_t>(count)) {
          throw std::invalid_argument("make_inputs: '" + tensor.name + "' stores " +
                                      std::to_string(tensor.values.size()) + " values for shape " +
                                      ir::to_string(tensor.shape));
        }
        host = HostTensor::from_dims(dims, tensor.values);
      } else {
        host = HostTensor::from_dims(dims, seeded_values(seed, tensor.name, static_cast<std::size_t>(count)));
      }
    }
    values.emplace(tensor.name, std::move(host));
  }
  return values;
}

void add_pass_params(const ir::Graph& compiled, std::map<std::string, HostTensor>& values) {
  for (const ir::Tensor& t : compiled.tensors) {
    if (t.kind == ir::TensorKind::Param && !t.values.empty() && !values.count(t.name)) {
      values.emplace(t.name, HostTensor::from_dims(t.shape.dims(), t.values));
    }
  }
}

std::map<std::string, HostTensor> stored_inputs(const ir::Graph& compiled) {
  std::map<std::string, HostTensor> values;
  for (const ir::Tensor& t : compiled.tensors) {
    if (takes_values(t) && !t.values.empty()) values.emplace(t.name, HostTensor::from_dims(t.shape.dims(), t.values));
  }
  add_pass_params(compiled, values);
  return values;
}

std::map<std::string, HostTensor> seeded_inputs(const sched::Schedule& schedule, std::uint64_t seed) {
  std::map<std::string, HostTensor> inputs;
  for (const auto& t : schedule.tensors) {
    if (t.is_view() || (t.role != sched::TensorRole::Input && t.role != sched::TensorRole::Param)) continue;
    HostTensor host = HostTensor::from_dims(sched::true_dims(t), {});
    host.data = seeded_values(seed, t.name, static_cast<std::size_t>(host.element_count()));
    inputs.emplace(t.name, std::move(host));
  }
  return inputs;
}

}  // namespace tilesim
