#include "sim/io/input_values.h"

#include <algorithm>
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
// time here). Its 64-bit
// multiplies vectorise only with AVX-512DQ (vpmullq): the function is compiled
// for it too and the CPU picks the version at load time (the results are the
// same integers either way).
namespace {

__attribute__((target_clones("arch=x86-64-v4", "default"))) void seeded_block(std::uint64_t key, std::size_t first,
                                                                              std::size_t count, std::size_t step,
                                                                              float* out) {
  constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;
  constexpr std::int64_t kHalf = std::int64_t{1} << 23;
  const std::uint64_t base = key + (first + 1) * kGolden, stride = step * kGolden;  // wraps as the formula does
  for (std::size_t j = 0; j < count; ++j) {
    std::uint64_t z = base + j * stride;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const auto top24 = static_cast<std::int64_t>(z >> 40);
    out[j] = static_cast<float>(top24 - kHalf) / static_cast<float>(kHalf);  // exact: |top24 - 2^23| <= 2^23
  }
}

}  // namespace

void seeded_fill(std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count, float* out,
                 std::size_t step) {
  const std::uint64_t key = seed ^ fnv1a64(name);
  constexpr std::size_t kBlock = std::size_t{1} << 20;  // elements between two looks at Ctrl-C
  for (std::size_t done = 0; done < count; done += kBlock) {
    poll_interrupt();
    seeded_block(key, first + done * step, std::min(kBlock, count - done), step, out + done);
  }
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
