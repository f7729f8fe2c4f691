#include "compiler/hw/compute_array.h"

#include <sstream>

#include "compiler/support/input_error.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim {

namespace {

constexpr char kDataflows[] = "output_stationary, weight_stationary or input_stationary";

Dataflow read_dataflow(yaml::MapReader& array) {
  const std::string text = array.string("dataflow", std::string("output_stationary"));
  for (const Dataflow d : {Dataflow::OutputStationary, Dataflow::WeightStationary, Dataflow::InputStationary}) {
    if (text == to_string(d)) return d;
  }
  array.fail("dataflow",
             "unknown dataflow " + quoted(text) +
                 yaml::did_you_mean(text, {"output_stationary", "weight_stationary", "input_stationary"}),
             kDataflows);
}

}  // namespace

const char* to_string(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::WeightStationary:
      return "weight_stationary";
    case Dataflow::InputStationary:
      return "input_stationary";
    case Dataflow::OutputStationary:
      break;
  }
  return "output_stationary";
}

ComputeArray read_compute_array(yaml::MapReader& compute) {
  if (!compute.has("array")) return {};
  if (compute.has("matmul_tile_cycles")) {
    compute.fail("matmul_tile_cycles", "given with compute.array, which derives it",
                 "one of the two: the array's rows, cols and dataflow, or the cycles of a tile matmul");
  }
  yaml::MapReader section = compute.section("array", false, "a mapping with keys rows, cols, dataflow");
  ComputeArray array;
  const yaml::IntRule side{1, kMaxArraySide, "multiply-accumulate cells"};
  array.rows = section.integer("rows", side, std::nullopt);
  array.cols = section.integer("cols", side, std::nullopt);
  array.dataflow = read_dataflow(section);
  section.finish();
  return array;
}

std::string compute_array_yaml(const ComputeArray& array, std::int64_t tile_cycles, std::int64_t streaming_cycles) {
  if (!array.given()) return "";
  std::ostringstream out;
  out << "  array:  # a 32x32x32 tile matmul: " << tile_cycles << " cycles, " << streaming_cycles
      << " behind one that keeps its stationary operand\n"
      << "    rows: " << array.rows << "\n"
      << "    cols: " << array.cols << "\n"
      << "    dataflow: " << to_string(array.dataflow) << "\n";
  return out.str();
}

}  // namespace tilesim
