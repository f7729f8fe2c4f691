// Every model error, with its exact message. The model text is built from a
// fixed header so that line numbers are easy to read off:
//   1 name: m
//   2 inputs:
//   3   x: [128, 64]
//   4 params:
//   5   w1: [64, 32]
//   6   b1: [32]
//   7 ops: ...
#include <catch2/catch.hpp>

#include <string>

#include "compiler/frontend/model_loader.h"
#include "compiler/passes/pipeline.h"
#include "compiler/support/input_error.h"

namespace {

const std::string kHead = "name: m\ninputs:\n  x: [128, 64]\nparams:\n  w1: [64, 32]\n  b1: [32]\n";

std::string error_of(const std::string& text) {
  try {
    tilesim::ir::Graph g = tilesim::frontend::parse_model(text, "model.yaml");
    tilesim::passes::run_default_passes(g);
  } catch (const tilesim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// The header, the given ops (one per line, each "- {...}") and outputs.
std::string model(const std::string& ops, const std::string& outputs = "[y]") {
  return kHead + "ops:\n" + ops + "outputs: " + outputs + "\n";
}

}  // namespace

TEST_CASE("a valid model has no error", "[frontend][errors]") {
  CHECK(error_of(model("  - {op: matmul, inputs: [x, w1], output: h}\n"
                       "  - {op: add, inputs: [h, b1], output: y}\n")) == "(no error)");
}

TEST_CASE("op errors: unknown op, arity, names", "[frontend][errors]") {
  CHECK(error_of(model("  - {op: lstm, inputs: [x, w1], output: y}\n")) ==
        "model.yaml:8: ops[0].op: unknown op 'lstm' (expected one of: add, avg_pool, clip, conv, div, erf, exp, "
        "flatten, gelu, global_avg_pool, global_max_pool, hard_sigmoid, hard_swish, layer_norm, leaky_relu, matmul, "
        "max, max_pool, min, mul, neg, pow, reciprocal, reduce_max, reduce_mean, reduce_sum, relu, reshape, sigmoid, "
        "softmax, sqrt, sub, tanh)");
  CHECK(error_of(model("  - {op: rleu, inputs: [x], output: y}\n")) ==
        "model.yaml:8: ops[0].op: unknown op 'rleu', did you mean 'relu'? (expected one of: add, avg_pool, clip, conv, "
        "div, erf, exp, flatten, gelu, global_avg_pool, global_max_pool, hard_sigmoid, hard_swish, layer_norm, "
        "leaky_relu, matmul, max, max_pool, min, mul, neg, pow, reciprocal, reduce_max, reduce_mean, reduce_sum, relu, "
        "reshape, sigmoid, softmax, sqrt, sub, tanh)");
  CHECK(error_of(model("  - {op: add, inputs: [x], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs: add takes 2 inputs, got 1 (expected a list of 2 tensor names, e.g. [x, w1])");
  CHECK(error_of(model("  - {op: relu, inputs: [], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs: relu takes 1 input, got 0 (expected a list of 1 tensor name, e.g. [h1])");
  CHECK(error_of(model("  - {op: relu, inputs: [x], output: 'y!'}\n", "['y!']")) ==
        "model.yaml:8: ops[0].output: tensor name 'y!' has the character '!' "
        "(expected a name of letters, digits and _ . : / -)");
  CHECK(error_of(model("  - {op: relu, inputs: [x], output: y, extra: 1}\n")) ==
        "model.yaml:8: ops[0].extra: unknown key (expected one of: inputs, op, output)");
  CHECK(error_of(model("  - {op: relu, inputs: [[x]], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs[0]: is a sequence (expected a tensor name)");
  CHECK(error_of(model("  - [relu, x, y]\n")) ==
        "model.yaml:8: ops[0]: is a sequence (expected a mapping with keys op, inputs, output)");
}

TEST_CASE("tensor errors: undefined, produced twice, writing an input or param", "[frontend][errors]") {
  CHECK(error_of(model("  - {op: matmul, inputs: [x, w2], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs[1]: undefined tensor 'w2', did you mean 'w1'? "
        "(expected a graph input, a param or an op's output)");
  CHECK(error_of(model("  - {op: relu, inputs: [zebra], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs[0]: undefined tensor 'zebra' "
        "(expected a graph input, a param or an op's output)");
  CHECK(error_of(model("  - {op: relu, inputs: [x], output: y}\n"
                       "  - {op: relu, inputs: [y], output: y}\n")) ==
        "model.yaml:9: ops[1].output: tensor 'y' is produced twice (first by ops[0] on line 8) "
        "(expected each tensor written by one op)");
  CHECK(error_of(model("  - {op: relu, inputs: [x], output: x}\n", "[x]")) ==
        "model.yaml:8: ops[0].output: writes 'x', a graph input declared on line 3 "
        "(expected the name of a new tensor)");
  CHECK(error_of(model("  - {op: add, inputs: [b1, b1], output: b1}\n", "[b1]")) ==
        "model.yaml:8: ops[0].output: writes 'b1', a graph param declared on line 6 "
        "(expected the name of a new tensor)");
  CHECK(error_of("name: m\ninputs: {x: [2, 2]}\nparams: {x: [2, 2]}\n"
                 "ops: [{op: relu, inputs: [x], output: y}]\noutputs: [y]\n") ==
        "model.yaml:3: params.x: tensor 'x' is already declared as an input on line 2 "
        "(expected unique tensor names)");
  CHECK(error_of("name: m\ninputs: {'': [2, 2]}\nops: [{op: relu, inputs: [x], output: y}]\noutputs: [y]\n") ==
        "model.yaml:2: inputs: tensor name is empty (expected a name of letters, digits and _ . : / -)");
}

TEST_CASE("a cycle names a tensor on it and its line", "[frontend][errors]") {
  CHECK(error_of(model("  - {op: matmul, inputs: [x, w1], output: h0}\n"
                       "  - {op: add, inputs: [h0, h2], output: h1}\n"
                       "  - {op: relu, inputs: [h1], output: h2}\n"
                       "  - {op: relu, inputs: [h2], output: y}\n")) ==
        "model.yaml:9: ops: cycle through tensor 'h1': h1 -> h2 -> h1 (expected an acyclic graph)");
}

TEST_CASE("shape mismatches say both shapes", "[frontend][errors]") {
  CHECK(error_of(model("  - {op: matmul, inputs: [x, w1], output: h}\n"
                       "  - {op: matmul, inputs: [h, w1], output: y}\n")) ==
        "model.yaml:9: ops[1].inputs: shapes [128, 32] and [64, 32] do not match for matmul "
        "(expected [M, K] @ [K, N])");
  CHECK(error_of(model("  - {op: matmul, inputs: [b1, w1], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs: shapes [32] and [64, 32] do not match for matmul "
        "(expected [M, K] @ [K, N])");
  CHECK(error_of(model("  - {op: add, inputs: [x, w1], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs: shapes [128, 64] and [64, 32] do not match for add "
        "(expected dims that are equal or 1, aligned at the last: [r, c] and [c], [r, 1] and [1, c], ...)");
  CHECK(error_of(model("  - {op: add, inputs: [b1, x], output: y}\n")) ==
        "model.yaml:8: ops[0].inputs: shapes [32] and [128, 64] do not match for add "
        "(expected dims that are equal or 1, aligned at the last: [r, c] and [c], [r, 1] and [1, c], ...)");
}

TEST_CASE("outputs errors", "[frontend][errors]") {
  const std::string op = "  - {op: matmul, inputs: [x, w1], output: y}\n";
  CHECK(error_of(model(op, "[y, w1]")) ==
        "model.yaml:9: outputs[1]: 'w1' is a graph param, which no op produces (expected the output of an op)");
  CHECK(error_of(model(op, "[x]")) ==
        "model.yaml:9: outputs[0]: 'x' is a graph input, which no op produces (expected the output of an op)");
  CHECK(error_of(model(op, "[z]")) == "model.yaml:9: outputs[0]: undefined tensor 'z' (expected the output of an op)");
  CHECK(error_of(model(op, "[y, y]")) == "model.yaml:9: outputs[1]: 'y' is listed twice (expected each output once)");
  CHECK(error_of(model(op, "[]")) == "model.yaml:9: outputs: is an empty list (expected at least one op output)");
  CHECK(error_of(model(op, "y")) == "model.yaml:9: outputs: is a scalar (expected a list of tensor names, e.g. [y])");
  CHECK(error_of(kHead + "ops: []\noutputs: [y]\n") ==
        "model.yaml:7: ops: is an empty list (expected at least one op)");
  CHECK(error_of(kHead + "outputs: [y]\n") ==
        "model.yaml:1: ops: missing required key "
        "(expected a list of ops, each {op: ..., inputs: [...], output: ...})");
}

TEST_CASE("shape errors: rank, dimensions, sizes", "[frontend][errors]") {
  const std::string tail = "ops: [{op: relu, inputs: [x], output: y}]\noutputs: [y]\n";
  CHECK(error_of("name: m\ninputs: {x: [1, 2, 3, 4, 5]}\n" + tail) ==
        "model.yaml:2: inputs.x: has rank 5 (expected a shape of 1 to 4 dims: [cols], [rows, cols], [C, H, W] or [N, "
        "C, H, W])");
  CHECK(error_of("name: m\ninputs: {x: []}\n" + tail) ==
        "model.yaml:2: inputs.x: has rank 0 (expected a shape of 1 to 4 dims: [cols], [rows, cols], [C, H, W] or [N, "
        "C, H, W])");
  CHECK(error_of("name: m\ninputs: {x: {rows: 2}}\n" + tail) ==
        "model.yaml:2: inputs.x: is a mapping (expected a shape of 1 to 4 dims: [cols], [rows, cols], [C, H, W] or [N, "
        "C, H, W])");
  CHECK(error_of("name: m\ninputs:\n  x: [0, 2]\n" + tail) ==
        "model.yaml:3: inputs.x[0]: 0 is too small (expected an integer from 1 to 2147483648)");
  CHECK(error_of("name: m\ninputs:\n  x: [-4, 2]\n" + tail) ==
        "model.yaml:3: inputs.x[0]: -4 is too small (expected an integer from 1 to 2147483648)");
  CHECK(error_of("name: m\ninputs:\n  x: [2, 1e3]\n" + tail) ==
        "model.yaml:3: inputs.x[1]: '1e3' is not an integer (expected an integer from 1 to 2147483648)");
  CHECK(error_of("name: m\ninputs:\n  x: [2, 2147483649]\n" + tail) ==
        "model.yaml:3: inputs.x[1]: 2147483649 is too large (expected an integer from 1 to 2147483648)");
  CHECK(error_of("name: m\ninputs:\n  x: [50000, 50000]\n" + tail) ==
        "model.yaml:3: inputs.x: tensor 'x' of shape [50000, 50000] pads to [50016, 50016] = 2501600256 elements "
        "(expected at most 2147483648 (2^31) elements per padded tensor)");
  // The largest tensor allowed: exactly 2^31 padded elements.
  CHECK(error_of("name: m\ninputs:\n  x: [32768, 65536]\n" + tail) == "(no error)");
  // A rank-1 tensor pads to one row, not 32.
  CHECK(error_of("name: m\ninputs:\n  x: [2147483648]\n" + tail) == "(no error)");
}

TEST_CASE("the model's padded tensors may not exceed 64 GiB", "[frontend][errors]") {
  // Each [32768, 65536] tensor is 8 GiB; x, y and six params reach exactly 64 GiB.
  std::string text = "name: m\ninputs:\n  x: [32768, 65536]\nparams:\n";
  for (int i = 0; i < 6; ++i) text += "  w" + std::to_string(i) + ": [32768, 65536]\n";
  text += "ops:\n  - {op: add, inputs: [x, w0], output: y}\n";
  CHECK(error_of(text + "outputs: [y]\n") == "(no error)");
  CHECK(error_of(text + "  - {op: relu, inputs: [y], output: z}\noutputs: [z]\n") ==
        "model.yaml:13: ops[1].output: with tensor 'z' the model's padded tensors total 77309411328 bytes "
        "(expected at most 68719476736 bytes (64 GiB) of padded float32 tensors in all)");
}

TEST_CASE("document errors: keys, YAML, encoding", "[frontend][errors]") {
  CHECK(error_of("name: m\ninput: {x: [2, 2]}\n") ==
        "model.yaml:2: input: unknown key, did you mean 'inputs'? "
        "(expected one of: inputs, name, ops, outputs, params)");
  CHECK(error_of("name: m\nname: n\n") ==
        "model.yaml:2: name: duplicate key (first given on line 1) (expected each key once)");
  CHECK(error_of("name: m\ninputs: {x: [2, 2]\n") ==
        "model.yaml:3: not valid YAML: end of map flow not found (expected a YAML document)");
  CHECK(error_of("name: m\ninputs: {x: *dims}\n") ==
        "model.yaml:2: not valid YAML: the referenced anchor is not defined (expected a YAML document)");
  CHECK(error_of("name: \xff\n") == "model.yaml:1: byte 0xff is not valid UTF-8 (expected a UTF-8 YAML text file)");
  CHECK(error_of("- name: m\n") ==
        "model.yaml:1: the document is a sequence (expected a mapping with keys name, inputs, params, ops, outputs)");
  CHECK(error_of("inputs: {x: [2, 2]}\nops: [{op: relu, inputs: [x], output: y}]\noutputs: [y]\n") ==
        "model.yaml:1: name: missing required key (expected a string)");
}

TEST_CASE("load_model reports an unreadable file", "[frontend][errors]") {
  try {
    tilesim::frontend::load_model("/nonexistent/model.yaml");
    FAIL("no error");
  } catch (const tilesim::InputError& e) {
    CHECK(std::string(e.what()) ==
          "/nonexistent/model.yaml: cannot open: No such file or directory (expected a readable YAML file)");
  }
}

TEST_CASE("image op errors: windows, groups, weights, pools, reshapes", "[frontend][errors][images]") {
  // Ten lines of declarations; the first op is on line 11.
  const auto image_model = [](const std::string& op) {
    return "name: m\ninputs:\n  x: [1, 4, 8, 8]\n  v: [4, 8]\nparams:\n  w: [6, 4, 3, 3]\n  wg: [6, 3, 3, 3]\n"
           "  w3: [6, 4, 3]\n  b: [5]\nops:\n" +
           op + "\noutputs: [y]\n";
  };
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, w], output: y, pads: [1, 1]}")) ==
        "model.yaml:11: ops[0].pads: has 2 values (expected [top, left, bottom, right], each from 0 to 65536)");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, w], output: y, strides: [0, 1]}")) ==
        "model.yaml:11: ops[0].strides[0]: 0 is too small (expected an integer from 1 to 65536)");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, wg], output: y, group: 2}")) ==
        "model.yaml:11: ops[0].group: is 2 for input [1, 4, 8, 8] and weights [6, 3, 3, 3] (expected a group count "
        "dividing the input channels (C) and the output channels (OC), with weights [OC, C/group, KH, KW])");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, wg], output: y}")) ==
        "model.yaml:11: ops[0].inputs: group is 1 for input [1, 4, 8, 8] and weights [6, 3, 3, 3] (expected a group "
        "count dividing the input channels (C) and the output channels (OC), with weights [OC, C/group, KH, KW])");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, w3], output: y}")) ==
        "model.yaml:11: ops[0].inputs: weights 'w3' are [6, 4, 3] (expected rank-4 weights [OC, C/group, KH, KW] "
        "used by this Conv only (2-D convolution))");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, w, b], output: y}")) ==
        "model.yaml:11: ops[0].inputs: bias 'b' is [5] (expected [6], one value per output channel)");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, v], output: y}")) ==
        "model.yaml:11: ops[0].inputs: weights 'v' are a graph input (expected a param [OC, C/group, KH, KW])");
  CHECK(error_of(image_model("  - {op: conv, inputs: [v, w], output: y}")) ==
        "model.yaml:11: ops[0].inputs: input is [4, 8], a rank-2 tensor (expected a rank-4 image [N, C, H, W] (1-D "
        "and 3-D windows are not supported))");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, w], output: h}\n  - {op: conv, inputs: [h, w], output: y}")) ==
        "model.yaml:11: ops[0].inputs: weights 'w' are shared with another node (expected weights for one Conv)");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x], output: y}")) ==
        "model.yaml:11: ops[0].inputs: conv takes 2 or 3 inputs, got 1 (expected a list of 2 or 3 tensor names, e.g. "
        "[x, w] or [x, w, b])");
  CHECK(error_of(image_model("  - {op: conv, inputs: [x, w], output: y, dilations: [4, 4]}")) ==
        "model.yaml:11: ops[0].inputs: the window (kernel [3, 3], dilations [4, 4]) is larger than the padded input "
        "[1, 4, 8, 8] (expected an output of at least one pixel)");
  CHECK(error_of(image_model("  - {op: max_pool, inputs: [x], output: y}")) ==
        "model.yaml:11: ops[0].kernel: missing required key (expected [kh, kw], each from 1 to 65536)");
  CHECK(error_of(image_model("  - {op: max_pool, inputs: [x], output: y, kernel: [9, 9]}")) ==
        "model.yaml:11: ops[0].kernel: the window (kernel [9, 9], dilations [1, 1]) is larger than the padded input "
        "[1, 4, 8, 8] (expected an output of at least one pixel)");
  CHECK(error_of(image_model("  - {op: max_pool, inputs: [v], output: y, kernel: [2, 2]}")) ==
        "model.yaml:11: ops[0].inputs: input is [4, 8], a rank-2 tensor (expected a rank-4 image [N, C, H, W] (1-D "
        "and 3-D windows are not supported))");
  CHECK(error_of(image_model("  - {op: global_avg_pool, inputs: [v], output: y}")) ==
        "model.yaml:11: ops[0].inputs: input is [4, 8], a rank-2 tensor (expected a rank-4 image [N, C, H, W] (1-D "
        "and 3-D windows are not supported))");
  CHECK(error_of(image_model("  - {op: max_pool, inputs: [x], output: y, kernel: [2, 2], count_include_pad: 1}")) ==
        "model.yaml:11: ops[0].count_include_pad: unknown key (expected one of: ceil_mode, dilations, inputs, kernel, "
        "op, output, pads, strides)");
  CHECK(error_of(image_model("  - {op: avg_pool, inputs: [x], output: y, kernel: [2, 2], pads: [2, 0, 0, 0]}")) ==
        "model.yaml:11: ops[0].pads: the window of output pixel (0, 0) holds only padding (input [1, 4, 8, 8]) "
        "(expected pads that leave every window an input pixel, or count_include_pad 1)");
  // The first such pixel in row-major order: row 8 is padding only, no column is.
  CHECK(error_of(image_model("  - {op: avg_pool, inputs: [x], output: y, kernel: [2, 2], pads: [0, 0, 3, 0]}")) ==
        "model.yaml:11: ops[0].pads: the window of output pixel (8, 0) holds only padding (input [1, 4, 8, 8]) "
        "(expected pads that leave every window an input pixel, or count_include_pad 1)");
  // Column 9 is padding only: row 0 has that pixel first.
  CHECK(error_of(image_model("  - {op: avg_pool, inputs: [x], output: y, kernel: [2, 2], pads: [0, 0, 3, 3]}")) ==
        "model.yaml:11: ops[0].pads: the window of output pixel (0, 8) holds only padding (input [1, 4, 8, 8]) "
        "(expected pads that leave every window an input pixel, or count_include_pad 1)");
  CHECK(error_of(image_model("  - {op: avg_pool, inputs: [x], output: y, kernel: [2, 2], ceil_mode: 2}")) ==
        "model.yaml:11: ops[0].ceil_mode: 2 is too large (expected an integer from 0 to 1)");
  CHECK(error_of(image_model("  - {op: avg_pool, inputs: [x], output: y, kernel: [2, 2, 2]}")) ==
        "model.yaml:11: ops[0].kernel: has 3 values (expected [kh, kw], each from 1 to 65536)");
  CHECK(error_of(image_model("  - {op: flatten, inputs: [v], output: y, axis: 3}")) ==
        "model.yaml:11: ops[0].axis: is 3 for a rank-2 input (expected an axis in [-2, 2])");
  CHECK(error_of(image_model("  - {op: reshape, inputs: [x], output: y, shape: [3, -1]}")) ==
        "model.yaml:11: ops[0].shape: shape [3, -1] does not hold the 256 elements of the input [1, 4, 8, 8] "
        "(expected a shape whose dims multiply to the input's element count)");
  CHECK(error_of(image_model("  - {op: reshape, inputs: [x], output: y, shape: [-1, -1]}")) ==
        "model.yaml:11: ops[0].shape: shape [-1, -1] has two -1s (expected at most one -1 (the dim inferred from the "
        "others))");
  CHECK(error_of(image_model("  - {op: reshape, inputs: [v], output: y, shape: [0, 0, 0]}")) ==
        "model.yaml:11: ops[0].shape: shape [0, 0, 0] has 0 at index 2, but the input [4, 8] has 2 dims (expected 0 "
        "only at an index where the input has a dim to copy)");
  CHECK(error_of(image_model("  - {op: reshape, inputs: [x], output: y, shape: [1, 2, 2, 2, 32]}")) ==
        "model.yaml:11: ops[0].shape: has 5 dims (expected a list of 1 to 4 dims, e.g. [2, -1]: a size, 0 (the input's "
        "dim) or -1 (inferred))");
  CHECK(error_of(image_model("  - {op: reshape, inputs: [x], output: y}")) ==
        "model.yaml:11: ops[0].shape: missing required key (expected a list of 1 to 4 dims, e.g. [2, -1]: a size, 0 "
        "(the input's dim) or -1 (inferred))");
  CHECK(error_of(image_model("  - {op: add, inputs: [x, b], output: y}")) ==
        "model.yaml:11: ops[0].inputs: shapes [1, 4, 8, 8] and [5] do not match for add (expected dims that are equal "
        "or 1, aligned at the last: [r, c] and [c], [r, 1] and [1, c], ...)");
}
