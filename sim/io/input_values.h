// The values of a graph's inputs and params for a run: from --input files or
// from a seeded generator. docs/formats.md documents both, including the
// exact derivation of the seeded values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/schedule/schedule.h"
#include "sim/io/host_tensor.h"

namespace tilesim {

// The seed used when --seed is not given.
inline constexpr std::uint64_t kDefaultSeed = 1;

// FNV-1a, 64 bit, over the bytes of `text`.
std::uint64_t fnv1a64(const std::string& text);

// `count` values in [-1, 1) for the tensor `name`: element i takes the 64-bit
// draw u = splitmix64-mix(key + (i + 1) * 0x9E3779B97F4A7C15) with key = seed
// XOR fnv1a64(name), and is ((u >> 40) - 2^23) / 2^23, a multiple of 2^-23
// exactly representable in float32. Identical on every platform;
// independent of other tensors (docs/formats.md).
std::vector<float> seeded_values(std::uint64_t seed, const std::string& name, std::size_t count);
// Values first, first + step, ... of the same sequence, `count` of them, into
// out[0 .. count).
void seeded_fill(std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count, float* out,
                 std::size_t step = 1);
// The two ways seeded_fill has, each the same bits (tests compare them):
// the formula a value at a time, which the compiler vectorises only for
// AVX-512 CPUs, and AVX2's eight values a step (false, nothing written, on a
// CPU without AVX2). seeded_fill takes the first on AVX-512 CPUs (x86-64-v4)
// and on CPUs without AVX2, the second elsewhere. Ctrl-C is looked at every
// kSeededValuesPerPoll values.
void seeded_fill_portable(std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count, float* out,
                          std::size_t step = 1);
bool seeded_fill_avx2(std::uint64_t seed, const std::string& name, std::size_t first, std::size_t count, float* out,
                      std::size_t step = 1);
inline constexpr std::size_t kSeededValuesPerPoll = std::size_t{1} << 20;

// Every graph input and param (by name) with its values at its true shape
// (HostTensor::from_dims(tensor.shape.dims(), ...)), in this order of choice:
//  1. the file of an "NAME=FILE.npy" or "NAME=FILE.pb" assignment (--input),
//     read with read_tensor_file, whose dims must equal the model's exactly
//     ([1, 5] is not [5]);
//  2. the param's stored values (ir::Tensor::values, an ONNX initializer);
//  3. seeded_values(seed, name, element count) in row-major order.
// Throws InputError "--input ASSIGNMENT: NAME: what is wrong (expected ...)"
// for a malformed assignment, an unknown name, a name given twice, a tensor
// that is not an input or param, or a shape mismatch (naming both shapes and
// the file); the readers' errors name the file. std::invalid_argument when a
// tensor's stored values do not fill its shape (a frontend bug).
std::map<std::string, HostTensor> make_inputs(const ir::Graph& graph, const std::vector<std::string>& assignments,
                                              std::uint64_t seed);

// Adds to `values` the params with stored values that the compiler's passes
// added to `compiled` (an average pool's divisors), which the model's own
// graph - the one make_inputs read for --verify - does not have.
void add_pass_params(const ir::Graph& compiled, std::map<std::string, HostTensor>& values);

// The inputs and params of `compiled` that carry their own values (stored
// ones, and the passes' params): with SimOptions::seed, everything a run
// without --input files and --verify needs on the host (issue 16: the seeded
// ones are generated straight into the simulated DRAM).
std::map<std::string, HostTensor> stored_inputs(const ir::Graph& compiled);

// Every input and param of a schedule (views excluded) at its true shape,
// seeded as make_inputs seeds them: a hand-written schedule's inputs.
std::map<std::string, HostTensor> seeded_inputs(const sched::Schedule& schedule, std::uint64_t seed);

}  // namespace tilesim
