#include "compiler/schedule/validator_layers.h"

#include <algorithm>
#include <string>

#include "compiler/schedule/saturating.h"
#include "compiler/schedule/tile_format.h"
#include "compiler/schedule/validator_structure.h"

namespace tilesim::sched {
namespace {

class LayerChecker {
 public:
  LayerChecker(const Schedule& s, const ScheduleTotals& counted, std::size_t max)
      : s_(s), counted_(counted), max_(max) {}

  std::vector<Problem> run() {
    if (s_.uop_layer.empty()) return {};
    if (s_.uop_layer.size() != s_.uops.size()) {
      error(Subject::Totals, 0,
            "the schedule gives the layer of " + std::to_string(s_.uop_layer.size()) + " uops but has " +
                std::to_string(s_.uops.size()) + " (expected one layer per uop, or none)");
      return problems_;
    }
    std::vector<std::int64_t> one_uop(s_.layers.size(), 0), uops(s_.layers.size(), 0);
    for (std::size_t i = 0; i < s_.uops.size() && !full(); ++i) {
      const std::uint32_t l = s_.uop_layer[i];
      if (l >= s_.layers.size()) {
        error(Subject::Uop, i,
              "uop " + std::to_string(i) + " " + format_uop_head(s_, s_.uops[i]) + ": layer " + std::to_string(l) +
                  " does not exist (expected a layer below " + std::to_string(s_.layers.size()) + ")");
        continue;
      }
      ++uops[l];
      one_uop[l] = std::max(one_uop[l], structure::uop_slot_bytes(s_.uops[i]));
    }
    if (!problems_.empty() || counted_.layers.size() != s_.layers.size()) return problems_;
    for (std::size_t l = 0; l < s_.layers.size() && !full(); ++l) check_layer(l, uops[l], one_uop[l]);
    return problems_;
  }

 private:
  const Schedule& s_;
  const ScheduleTotals& counted_;
  std::size_t max_;
  std::vector<Problem> problems_;

  bool full() const { return problems_.size() >= max_; }
  void error(Subject subject, std::size_t index, std::string text) {
    if (!full()) problems_.push_back(Problem{subject, index, std::move(text)});
  }

  void check_layer(std::size_t l, std::int64_t uops, std::int64_t one_uop) {
    const LayerSummary& layer = s_.layers[l];
    const std::string head = "layer " + std::to_string(l) + " " + layer.name + ": ";
    if (uops == 0) {
      error(Subject::Layer, l,
            head + "no uop belongs to it (expected at least one uop with layer=" + std::to_string(l) + ")");
      return;
    }
    const LayerTotals& c = counted_.layers[l];
    const std::pair<const char*, std::pair<std::int64_t, std::int64_t>> figures[] = {
        {"loads", {layer.loads, c.loads}},
        {"stores", {layer.stores, c.stores}},
        {"execs", {layer.execs, c.execs}},
        {"loads_eliminated", {layer.loads_eliminated, c.loads_eliminated}},
        {"dma_bytes", {layer.dma_bytes, saturating_add(c.bytes_loaded, c.bytes_stored)}},
        {"compulsory_bytes", {layer.compulsory_bytes, c.compulsory_bytes}}};
    for (const auto& [field, values] : figures) {
      if (values.first == values.second) continue;
      error(Subject::Layer, l,
            head + field + " = " + std::to_string(values.first) + " (expected " + std::to_string(values.second) +
                ", counted from its uops)");
    }
    if (layer.sram_peak_bytes >= one_uop && layer.sram_peak_bytes <= s_.sram_peak_bytes) return;
    error(Subject::Layer, l,
          head + "sram_peak_bytes = " + std::to_string(layer.sram_peak_bytes) + " (expected " +
              std::to_string(one_uop) + " to " + std::to_string(s_.sram_peak_bytes) +
              ": at least the slots one of its uops uses at once, at most the schedule's peak)");
  }
};

}  // namespace

std::vector<Problem> check_layers(const Schedule& schedule, const ScheduleTotals& counted, std::size_t max_errors) {
  return LayerChecker(schedule, counted, max_errors).run();
}

}  // namespace tilesim::sched
