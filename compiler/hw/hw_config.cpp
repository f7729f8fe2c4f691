#include "compiler/hw/hw_config.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

#include "compiler/hw/cost_model.h"
#include "compiler/hw/energy_model.h"
#include "compiler/support/input_error.h"
#include "compiler/support/number_format.h"
#include "compiler/support/yaml_reader.h"

namespace tilesim {

namespace {

using yaml::IntRule;
using yaml::MapReader;
using yaml::NumberRule;

// Upper bounds keep every derived product (bytes, cycles) far from int64 overflow.
// 4 GiB: schedules address SRAM with 32-bit byte addresses.
constexpr std::int64_t kMaxSramKib = std::int64_t{4} << 20;
constexpr std::int64_t kMaxCycles = std::int64_t{1} << 32;
constexpr std::int64_t kMaxBytesPerCycle = std::int64_t{1} << 20;
constexpr std::int64_t kMaxQueueDepth = 4096;
constexpr std::int64_t kMaxDmaChannels = 64;
constexpr std::int64_t kMaxOutstanding = 4096;
constexpr std::int64_t kMaxVectorLanes = 1024;  // a whole tile in one cycle

constexpr char kTopKeys[] = "a mapping with keys name, clock_mhz, sram, dma, compute, dram, energy";

sched::DramLayout read_layout(MapReader& dram) {
  const std::string text = dram.string("layout", std::string("row_major"));
  if (const auto layout = sched::parse_dram_layout(text)) return *layout;
  dram.fail("layout",
            tilesim::quoted(text) + " is not a DRAM layout" + yaml::did_you_mean(text, {"row_major", "tile_major"}),
            "row_major or tile_major");
}

// On the ideal DRAM a tile's transfer has a fixed cost; on a timed one the
// DRAM decides, and only the engine's own part is fixed.
std::string setup_comment(const HwConfig& c) {
  const std::int64_t cycles = CostModel(c).transfer_cycles(sched::kTileBytes);
  if (c.dram.ideal) return "  # one 4 KiB tile: " + std::to_string(cycles) + " cycles\n";
  return "  # one 4 KiB tile: at least " + std::to_string(cycles) + " cycles, the rest the DRAM's\n";
}

// The vector unit's pass over a tile: given in cycles, or derived from its
// lanes (issue 15), one element per lane per cycle, never both.
void read_vector_unit(MapReader& compute, ComputeConfig& config) {
  if (!compute.has("vector_lanes")) {
    config.vector_tile_cycles =
        compute.integer("vector_tile_cycles", IntRule{1, kMaxCycles, "cycles"}, ComputeConfig{}.vector_tile_cycles);
    return;
  }
  if (compute.has("vector_tile_cycles")) {
    compute.fail("vector_tile_cycles", "given with compute.vector_lanes, which derives it",
                 "one of the two: the vector unit's lanes, or the cycles of one pass over a tile");
  }
  config.vector_lanes = compute.integer("vector_lanes", IntRule{1, kMaxVectorLanes, "float32 lanes"}, std::nullopt);
  const std::int64_t tile = sched::kTileDim * sched::kTileDim;
  config.vector_tile_cycles = (tile + config.vector_lanes - 1) / config.vector_lanes;
}

std::string vector_yaml(const ComputeConfig& c) {
  if (c.vector_lanes == 0) return "  vector_tile_cycles: " + std::to_string(c.vector_tile_cycles) + "\n";
  return "  vector_lanes: " + std::to_string(c.vector_lanes) +
         "  # one pass over a tile: " + std::to_string(c.vector_tile_cycles) + " cycles\n";
}

// Either the array (its derived cycles as a comment) or the explicit cycles.
std::string matmul_yaml(const HwConfig& c) {
  if (!c.compute.array.given()) return "  matmul_tile_cycles: " + std::to_string(c.compute.matmul_tile_cycles) + "\n";
  const CostModel costs(c);
  return compute_array_yaml(c.compute.array, costs.exec_cycles(sched::ExecKind::MatMul),
                            costs.matmul_streaming_cycles());
}

// What the energy model derives from the figures above, as comments.
std::string energy_comments(const HwConfig& c) {
  // Four significant digits: a comment, not a value read back.
  const auto short_number = [](double v) {
    std::ostringstream out;
    if (std::fabs(v) >= 1e4)
      out << std::fixed << std::setprecision(0);
    else
      out << std::setprecision(4);
    out << v;
    return out.str();
  };
  const EnergyModel model(c);
  const AreaEstimate area = model.area();
  std::ostringstream out;
  out << "  # derived (docs/energy.md): " << short_number(model.mac_cells()) << " MAC cells, "
      << short_number(model.vector_lanes()) << " vector lanes; SRAM " << short_number(model.sram_read_pj_per_byte())
      << " pJ per byte read, " << short_number(model.sram_write_pj_per_byte()) << " written; DRAM "
      << short_number(model.dram_pj_per_byte_moved()) << " pJ per byte moved\n";
  if (!c.dram.ideal) {
    out << "  # derived DRAM commands, per rank: ACT+PRE " << short_number(model.dram_activate_pj())
        << " pJ, read burst " << short_number(model.dram_read_burst_pj()) << " pJ, write burst "
        << short_number(model.dram_write_burst_pj()) << " pJ, REF " << short_number(model.dram_refresh_pj())
        << " pJ; background " << short_number(model.dram_background_mw()) << " mW\n";
  }
  out << "  # derived leakage " << short_number(model.leakage_mw()) << " mW; area " << short_number(area.total_mm2())
      << " mm2 (MAC array " << short_number(area.mac_array_mm2) << ", vector unit "
      << short_number(area.vector_unit_mm2) << ", SRAM " << short_number(area.sram_mm2) << ")\n";
  return out.str();
}

HwConfig read(const yaml::Document& doc) {
  MapReader root = doc.root(kTopKeys);
  HwConfig config;
  config.name = root.string("name", std::nullopt);
  config.clock_mhz = root.number("clock_mhz", NumberRule{0.0, 1e6, "MHz"}, 1000.0);

  MapReader sram = root.section("sram", true, std::string("a mapping with keys size_kib, ") + kSramBanksKeys);
  config.sram.size_kib =
      sram.integer("size_kib", IntRule{kMinSramKib, kMaxSramKib, "KiB; 12 holds one tile operation"}, std::nullopt);
  config.sram.banks = read_sram_banks(sram, config.sram.size_bytes());  // finishes the section

  const DmaConfig dma_defaults;
  MapReader dma =
      root.section("dma", false,
                   "a mapping with keys bytes_per_cycle, setup_cycles, queue_depth, transpose_cycles, channels, "
                   "max_outstanding");
  config.dma.bytes_per_cycle =
      dma.integer("bytes_per_cycle", IntRule{1, kMaxBytesPerCycle, "bytes per cycle"}, dma_defaults.bytes_per_cycle);
  config.dma.setup_cycles = dma.integer("setup_cycles", IntRule{0, kMaxCycles, "cycles"}, dma_defaults.setup_cycles);
  config.dma.queue_depth = dma.integer("queue_depth", IntRule{1, kMaxQueueDepth, "uOps"}, dma_defaults.queue_depth);
  config.dma.transpose_cycles =
      dma.integer("transpose_cycles", IntRule{0, kMaxCycles, "cycles"}, dma_defaults.transpose_cycles);
  config.dma.channels = dma.integer("channels", IntRule{1, kMaxDmaChannels, "DMA engines"}, dma_defaults.channels);
  config.dma.max_outstanding = dma.integer(
      "max_outstanding", IntRule{1, kMaxOutstanding, "bursts in flight per engine"}, dma_defaults.max_outstanding);
  dma.finish();

  const ComputeConfig compute_defaults;
  MapReader compute =
      root.section("compute", false,
                   "a mapping with keys matmul_tile_cycles or array, vector_tile_cycles or vector_lanes, queue_depth, "
                   "activation_tile_cycles, transcendental_tile_cycles, reduce_tile_cycles, divide_tile_cycles");
  config.compute.array = read_compute_array(compute);  // issue 15
  config.compute.matmul_tile_cycles =
      compute.integer("matmul_tile_cycles", IntRule{1, kMaxCycles, "cycles"}, compute_defaults.matmul_tile_cycles);
  read_vector_unit(compute, config.compute);
  config.compute.queue_depth =
      compute.integer("queue_depth", IntRule{1, kMaxQueueDepth, "uOps"}, compute_defaults.queue_depth);
  // Multi-pass vector work scales with the vector unit unless given.
  const auto passes = [&](std::int64_t n) { return std::min(n * config.compute.vector_tile_cycles, kMaxCycles); };
  config.compute.activation_tile_cycles =
      compute.integer("activation_tile_cycles", IntRule{1, kMaxCycles, "cycles"}, passes(2));
  config.compute.transcendental_tile_cycles =
      compute.integer("transcendental_tile_cycles", IntRule{1, kMaxCycles, "cycles"}, passes(4));
  // Row reductions (issue 14).
  config.compute.reduce_tile_cycles =
      compute.integer("reduce_tile_cycles", IntRule{1, kMaxCycles, "cycles"}, passes(2));
  config.compute.divide_tile_cycles =
      compute.integer("divide_tile_cycles", IntRule{1, kMaxCycles, "cycles"}, passes(2));  // issue 14
  compute.finish();

  MapReader dram = root.section("dram", false, "a mapping with key preset and the keys of docs/config-reference.md");
  config.dram = read_dram_config(dram);
  config.dram_layout = read_layout(dram);
  dram.finish();

  MapReader energy = root.section("energy", false, "a mapping with key preset and the keys of docs/energy.md");
  config.energy = read_energy_config(energy);  // finishes the section

  root.finish();
  return config;
}

HwConfig with_overrides(yaml::Document doc, const std::string& source, const std::vector<std::string>& overrides) {
  for (const auto& assignment : overrides) doc.apply_override(assignment);
  HwConfig config = read(doc);
  config.source = source;
  return config;
}

}  // namespace

bool HwConfig::operator==(const HwConfig& o) const {
  return name == o.name && clock_mhz == o.clock_mhz && sram.size_kib == o.sram.size_kib && sram.banks == o.sram.banks &&
         dma.bytes_per_cycle == o.dma.bytes_per_cycle && dma.setup_cycles == o.dma.setup_cycles &&
         dma.queue_depth == o.dma.queue_depth && dma.transpose_cycles == o.dma.transpose_cycles &&
         dma.channels == o.dma.channels && dma.max_outstanding == o.dma.max_outstanding &&
         compute.matmul_tile_cycles == o.compute.matmul_tile_cycles && compute.array == o.compute.array &&
         compute.vector_tile_cycles == o.compute.vector_tile_cycles && compute.vector_lanes == o.compute.vector_lanes &&
         compute.queue_depth == o.compute.queue_depth &&
         compute.activation_tile_cycles == o.compute.activation_tile_cycles &&
         compute.transcendental_tile_cycles == o.compute.transcendental_tile_cycles &&
         compute.reduce_tile_cycles == o.compute.reduce_tile_cycles &&
         compute.divide_tile_cycles == o.compute.divide_tile_cycles && dram == o.dram && dram_layout == o.dram_layout &&
         energy == o.energy;
}

HwConfig load_hw_config(const std::string& path, const std::vector<std::string>& overrides) {
  return with_overrides(yaml::Document::load_file(path), path, overrides);
}

HwConfig parse_hw_config(const std::string& text, const std::string& name, const std::vector<std::string>& overrides) {
  return with_overrides(yaml::Document::parse(text, name), name, overrides);
}

std::string to_yaml(const HwConfig& c) {
  YAML::Emitter name;
  name << c.name;
  std::ostringstream out;
  out << "name: " << name.c_str() << "\n"
      << "clock_mhz: " << format_number(c.clock_mhz) << "  # one cycle = " << format_number(c.cycle_ns()) << " ns\n"
      << "sram:\n"
      << "  size_kib: " << c.sram.size_kib << "  # " << c.sram.size_bytes() << " bytes, "
      << c.sram.size_bytes() / sched::kTileBytes << " tiles of 4 KiB\n"
      << sram_banks_yaml(c.sram.banks) << "dma:\n"
      << "  bytes_per_cycle: " << c.dma.bytes_per_cycle << "\n"
      << "  setup_cycles: " << c.dma.setup_cycles << setup_comment(c) << "  queue_depth: " << c.dma.queue_depth << "\n"
      << "  transpose_cycles: " << c.dma.transpose_cycles << "\n"
      << "  channels: " << c.dma.channels << "  # DMA engines (a timed DRAM only)\n"
      << "  max_outstanding: " << c.dma.max_outstanding << "  # bursts in flight per engine (a timed DRAM only)\n"
      << "compute:\n"
      << matmul_yaml(c) << vector_yaml(c.compute) << "  queue_depth: " << c.compute.queue_depth << "\n"
      << "  activation_tile_cycles: " << c.compute.activation_tile_cycles << "  # hard_sigmoid, hard_swish\n"
      << "  transcendental_tile_cycles: " << c.compute.transcendental_tile_cycles
      << "  # sigmoid, tanh, exp, erf, pow, gelu\n"
      << "  reduce_tile_cycles: " << c.compute.reduce_tile_cycles << "  # reduce_sum, reduce_max, row statistics\n"
      << "  divide_tile_cycles: " << c.compute.divide_tile_cycles << "  # div, reciprocal, sqrt\n"
      << dram_yaml(c.dram) << "  layout: " << sched::to_string(c.dram_layout)
      << "  # tensors in DRAM: row_major (a tile is 32 strided rows) or tile_major (4 KiB contiguous)\n"
      << energy_yaml(c.energy) << energy_comments(c);
  return out.str();
}

}  // namespace tilesim
