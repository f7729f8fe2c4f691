#include "sim/stats/run_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>

#include <sstream>
#include "compiler/support/number_format.h"
#include "compiler/support/text_table.h"

namespace tilesim::sim {

namespace {

std::vector<LayerReport> layer_reports(const sched::Schedule& schedule, const SimStats& stats) {
  std::vector<LayerReport> layers;
  std::size_t longest = 0;
  for (std::size_t l = 0; l < stats.layers.size(); ++l) {
    const sched::LayerSummary& summary = schedule.layers[l];
    LayerReport r;
    r.name = summary.name, r.ops = summary.ops, r.shapes = summary.shapes, r.tiles = summary.tiles;
    r.plan = summary.plan;
    r.stats = stats.layers[l];
    r.loads_eliminated = summary.loads_eliminated;
    r.sram_peak_bytes = summary.sram_peak_bytes;
    const std::int64_t span = r.stats.cycles();
    r.share = stats.cycles ? static_cast<double>(span) / static_cast<double>(stats.cycles) : 0.0;
    r.efficiency = span ? static_cast<double>(r.stats.bound_cycles()) / static_cast<double>(span) : 1.0;
    if (span > stats.layers[longest].cycles()) longest = l;
    layers.push_back(std::move(r));
  }
  if (!layers.empty()) layers[longest].bottleneck = true;
  return layers;
}

}  // namespace

RunReport make_report(const sched::Schedule& schedule, const HwConfig& hw, const SimStats& stats,
                      const std::string& kernel, double wall_seconds, double sim_wall_seconds) {
  RunReport r;
  r.model = schedule.model;
  r.hw = hw.name;
  r.clock_mhz = hw.clock_mhz;
  r.stats = stats;
  r.loads_eliminated = schedule.loads_eliminated;
  r.sram_capacity_bytes = hw.sram.size_bytes();
  r.sram_peak_bytes = schedule.sram_peak_bytes;
  r.dram_preset = hw.dram.preset;
  r.dram_peak_bytes_per_second = hw.dram.peak_bytes_per_second();
  r.cycle_ps = hw.cycle_ps();
  r.sram_banks = hw.sram.banks.banks;
  r.kernel = kernel;
  r.wall_seconds = wall_seconds;
  r.sim_wall_seconds = sim_wall_seconds;
  r.layers = layer_reports(schedule, stats);
  r.energy = make_energy_report(hw, stats);
  return r;
}

namespace {

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// One channel's figures, or the sum over channels (docs/stats.md).
nlohmann::ordered_json dram_figures(const RunReport& r, const dram::DramChannelStats& d, double peak_bytes_per_second) {
  return {{"reads", d.reads},
          {"writes", d.writes},
          {"bytes", d.bytes},
          {"row_hits", d.row_hits},
          {"row_misses", d.row_misses},
          {"row_conflicts", d.row_conflicts},
          {"activates", d.activates},
          {"precharges", d.precharges},
          {"refreshes", d.refreshes},
          {"row_hit_rate", ratio(d.row_hits, d.reads + d.writes)},
          {"achieved_gb_per_s", r.achieved_gb_per_s(d.bytes)},
          {"peak_gb_per_s", peak_bytes_per_second / 1e9},
          {"mean_read_latency_ns", d.mean_read_latency_ps() / 1000.0},
          {"max_read_latency_ns", static_cast<double>(d.read_latency_max_ps) / 1000.0}};
}

nlohmann::ordered_json dram_json(const RunReport& r) {
  nlohmann::ordered_json j = {{"preset", r.dram_preset}};
  if (!r.stats.dram_timed) return j;
  j.update(dram_figures(r, r.stats.dram.total, r.dram_peak_bytes_per_second));
  const double channels = static_cast<double>(r.stats.dram.channels.size());
  j["channels"] = nlohmann::ordered_json::array();
  for (const dram::DramChannelStats& c : r.stats.dram.channels) {
    j["channels"].push_back(dram_figures(r, c, r.dram_peak_bytes_per_second / channels));
  }
  return j;
}

nlohmann::ordered_json sram_json(const RunReport& r) {
  nlohmann::ordered_json j = {
      {"capacity_bytes", r.sram_capacity_bytes}, {"peak_bytes", r.sram_peak_bytes}, {"banks", r.sram_banks}};
  SramRequesterStats sum;
  for (const SramRequesterStats& q : r.stats.sram) {
    sum.reads += q.reads;
    sum.writes += q.writes;
    sum.bytes_read += q.bytes_read;
    sum.bytes_written += q.bytes_written;
    sum.conflict_stall_cycles += q.conflict_stall_cycles;
    sum.bandwidth_stall_cycles += q.bandwidth_stall_cycles;
  }
  j.update({{"reads", sum.reads},
            {"writes", sum.writes},
            {"bytes_read", sum.bytes_read},
            {"bytes_written", sum.bytes_written},
            {"bank_conflict_stall_cycles", sum.conflict_stall_cycles},
            {"bandwidth_stall_cycles", sum.bandwidth_stall_cycles}});
  for (const SramRequesterStats& q : r.stats.sram) {
    j[q.name] = {{"requests", q.requests},
                 {"reads", q.reads},
                 {"writes", q.writes},
                 {"bytes_read", q.bytes_read},
                 {"bytes_written", q.bytes_written},
                 {"port_cycles", q.port_cycles},
                 {"bandwidth_stall_cycles", q.bandwidth_stall_cycles},
                 {"conflict_stall_cycles", q.conflict_stall_cycles},
                 {"conflicted_requests", q.conflicted_requests}};
  }
  return j;
}

nlohmann::ordered_json layer_json(std::size_t index, const LayerReport& l, const EnergyBreakdown& energy) {
  const LayerStats& s = l.stats;
  nlohmann::ordered_json j = {
      {"index", index},
      {"name", l.name},
      {"ops", l.ops},
      {"shapes", l.shapes},
      {"tiles", l.tiles},
      {"plan", l.plan},
      {"first_cycle", s.first_cycle},
      {"last_cycle", s.last_cycle},
      {"cycles", s.cycles()},
      {"share", l.share},
      {"dma",
       {{"bytes_loaded", s.bytes_loaded},
        {"bytes_stored", s.bytes_stored},
        {"loads", s.loads},
        {"stores", s.stores},
        {"loads_eliminated", l.loads_eliminated}}},
      {"compute", {{"tile_ops", s.execs}}},
      {"sram_peak_bytes", l.sram_peak_bytes},
      {"bound",
       {{"compute_cycles", s.bound_compute_cycles}, {"dma_cycles", s.bound_dma_cycles}, {"cycles", s.bound_cycles()}}},
      {"efficiency", l.efficiency},
      {"bottleneck", l.bottleneck}};
  add_layer_energy_json(energy, j);
  return j;
}

// The `layers` array, or null when the schedule does not say.
nlohmann::ordered_json layers_json(const RunReport& r) {
  if (!r.stats.layers_known) return nullptr;
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (std::size_t l = 0; l < r.layers.size(); ++l) layers.push_back(layer_json(l, r.layers[l], r.energy.layers[l]));
  return layers;
}

}  // namespace

std::string stats_json(const RunReport& r) {
  const SimStats& s = r.stats;
  nlohmann::ordered_json j;
  j["model"] = r.model;
  j["hw"] = r.hw;
  j["clock_mhz"] = r.clock_mhz;
  j["cycles"] = s.cycles;
  j["time_ns"] = r.time_ns();
  j["dma"] = {{"busy_cycles", s.dma_busy_cycles},
              {"bytes_loaded", s.bytes_loaded},
              {"bytes_stored", s.bytes_stored},
              {"loads", s.loads},
              {"stores", s.stores},
              {"loads_eliminated", r.loads_eliminated}};
  j["compute"] = {{"busy_cycles", s.compute_busy_cycles}, {"tile_ops", s.tile_ops}};
  j["overlap_cycles"] = s.overlap_cycles;
  j["sram"] = sram_json(r);
  j["dram"] = dram_json(r);
  j["bound"] = {
      {"compute_cycles", s.bound_compute_cycles}, {"dma_cycles", s.bound_dma_cycles}, {"cycles", s.bound_cycles()}};
  j["efficiency"] = r.efficiency();
  add_energy_json(r.energy, j);
  j["uops"] = s.uops;
  j["kernel"] = r.kernel;
  j["wall_seconds"] = r.wall_seconds;
  j["sim_wall_seconds"] = r.sim_wall_seconds;
  j["uops_per_second"] = r.sim_wall_seconds > 0 ? s.uops / r.sim_wall_seconds : 0.0;
  j["host_threads"] = r.host_threads;
  j["host_thread_check"] = nullptr;
  if (r.thread_check.made) {
    j["host_thread_check"] = {{"worker_matmul_ns", r.thread_check.worker_ns},
                              {"inline_matmul_ns", r.thread_check.inline_ns},
                              {"second_thread_kept", r.thread_check.kept_worker}};
  }
  j["layers"] = layers_json(r);
  return j.dump(2) + "\n";
}

namespace {

std::string percent(std::int64_t part, std::int64_t whole) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << (whole ? 100.0 * part / whole : 0.0) << "%";
  return out.str();
}

// "  DRAM   ddr4-3200: ..." for a timed DRAM only.
void write_dram_line(const RunReport& r, std::ostream& out) {
  if (!r.stats.dram_timed) return;
  const dram::DramChannelStats& d = r.stats.dram.total;
  out << "  DRAM              " << r.dram_preset << ": " << d.reads << " reads, " << d.writes << " writes, row hits "
      << percent(static_cast<std::int64_t>(d.row_hits), static_cast<std::int64_t>(d.reads + d.writes)) << ", "
      << std::setprecision(1) << r.achieved_gb_per_s(d.bytes) << " of " << r.dram_peak_bytes_per_second / 1e9
      << " GB/s, mean read latency " << d.mean_read_latency_ps() / 1000.0 << " ns\n";
}

// "  SRAM stalls ..." with banks only: the ideal SRAM never stalls.
void write_sram_line(const RunReport& r, std::ostream& out) {
  if (r.sram_banks == 0) return;
  std::int64_t conflict = 0, bandwidth = 0;
  std::ostringstream each_conflict, each_bandwidth;
  for (const SramRequesterStats& q : r.stats.sram) {
    conflict += q.conflict_stall_cycles;
    bandwidth += q.bandwidth_stall_cycles;
    each_conflict << (each_conflict.tellp() > 0 ? ", " : "") << q.name << " " << q.conflict_stall_cycles;
    each_bandwidth << (each_bandwidth.tellp() > 0 ? ", " : "") << q.name << " " << q.bandwidth_stall_cycles;
  }
  out << "  SRAM stalls       " << r.sram_banks << (r.sram_banks == 1 ? " bank" : " banks") << ": bank conflict "
      << conflict << " cycles (" << each_conflict.str() << "), bandwidth " << bandwidth << " cycles ("
      << each_bandwidth.str() << ")\n";
}

// The layers' rows, in `order`, under a heading; * marks the bottleneck.
void write_layer_table(const RunReport& r, const std::vector<std::size_t>& order, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {{"", "#", "layer", "ops", "start", "end", "cycles", "share", "loads",
                                                 "stores", "DMA bytes", "EXECs", "SRAM peak", "efficiency",
                                                 "energy uJ"}};
  for (const std::size_t l : order) {
    const LayerReport& x = r.layers[l];
    const LayerStats& s = x.stats;
    std::ostringstream efficiency, energy;
    efficiency << std::fixed << std::setprecision(3) << x.efficiency;
    energy << std::fixed << std::setprecision(3) << r.energy.layers[l].total_pj() * 1e-6;
    rows.push_back({x.bottleneck ? "*" : "", std::to_string(l), x.name, x.ops, std::to_string(s.first_cycle),
                    std::to_string(s.last_cycle), std::to_string(s.cycles()), percent(s.cycles(), r.stats.cycles),
                    std::to_string(s.loads), std::to_string(s.stores), std::to_string(s.bytes_loaded + s.bytes_stored),
                    std::to_string(s.execs), std::to_string(x.sram_peak_bytes), efficiency.str(), energy.str()});
  }
  write_table(rows, {false, true, false, false, true, true, true, true, true, true, true, true, true, true, true}, out,
              "   ");
}

// "  layers ..." and the table: every layer in schedule order when there are
// few or all_layers, else the longest few, longest first.
void write_layers(const RunReport& r, bool all_layers, std::ostream& out) {
  if (!r.stats.layers_known) {
    out << "  layers            unknown: the schedule gives no layer= for its uOps\n";
    return;
  }
  const auto bottleneck =
      std::find_if(r.layers.begin(), r.layers.end(), [](const LayerReport& l) { return l.bottleneck; });
  if (bottleneck == r.layers.end()) return;  // no layer (a validated schedule has one)
  std::vector<std::size_t> order(r.layers.size());
  for (std::size_t l = 0; l < order.size(); ++l) order[l] = l;
  out << "  layers            " << r.layers.size() << "; the bottleneck (*, the longest) is " << bottleneck->name
      << ": " << bottleneck->stats.cycles() << " cycles, " << percent(bottleneck->stats.cycles(), r.stats.cycles)
      << " of the run\n";
  if (!all_layers && order.size() > kSummaryAllLayers) {
    std::stable_sort(order.begin(), order.end(), [&r](std::size_t a, std::size_t b) {
      return r.layers[a].stats.cycles() > r.layers[b].stats.cycles();
    });
    order.resize(kSummaryTopLayers);
    out << "  the " << kSummaryTopLayers << " longest of " << r.layers.size()
        << " layers (--per-layer lists every one, stats.json has them all):\n";
  }
  write_layer_table(r, order, out);
}

}  // namespace

void write_summary(const RunReport& r, std::ostream& out, bool all_layers) {
  const SimStats& s = r.stats;
  out << std::fixed;
  out << "model " << r.model << " on " << r.hw << " (" << format_number(r.clock_mhz) << " MHz), kernel " << r.kernel
      << "\n"
      << "  cycles            " << s.cycles << "  (" << std::setprecision(3) << r.time_ns() / 1000.0 << " us)\n"
      << "  DMA busy          " << s.dma_busy_cycles << " cycles, " << percent(s.dma_busy_cycles, s.cycles) << "\n"
      << "  compute busy      " << s.compute_busy_cycles << " cycles, " << percent(s.compute_busy_cycles, s.cycles)
      << "\n"
      << "  overlap           " << s.overlap_cycles << " cycles, " << percent(s.overlap_cycles, s.cycles) << "\n"
      << "  DMA traffic       " << s.bytes_loaded << " B loaded in " << s.loads << " loads, " << s.bytes_stored
      << " B stored in " << s.stores << " stores\n";
  write_dram_line(r, out);
  out << "  loads eliminated  " << r.loads_eliminated << "\n"
      << "  SRAM peak         " << r.sram_peak_bytes << " of " << r.sram_capacity_bytes << " B\n";
  write_sram_line(r, out);
  out << "  lower bound       " << s.bound_cycles() << " cycles (compute " << s.bound_compute_cycles << ", DMA "
      << s.bound_dma_cycles << "), efficiency " << std::setprecision(3) << r.efficiency() << "\n";
  write_energy_lines(r.energy, out);
  out << std::fixed << "  wall time         " << std::setprecision(3) << r.wall_seconds << " s, of which simulation "
      << r.sim_wall_seconds << " s: " << std::setprecision(0)
      << (r.sim_wall_seconds > 0 ? s.uops / r.sim_wall_seconds : 0.0) << " uOps/s (" << s.uops << " uOps)\n";
  write_layers(r, all_layers, out);
}

}  // namespace tilesim::sim
