// libFuzzer target: a hand-written schedule, checked, then simulated.
//
// Input: schedule text (docs/schedule-format.md). sched::load_schedule_text
// reads it and applies every check `tilesim run --schedule` applies, for a
// 256 KiB hardware SRAM. A schedule that passes and is small (at most
// kMaxSimUops uOps, kMaxSimBytes of padded tensors) is simulated on the
// default hardware with queue depths picked from the input's hash, with the
// math (seeded inputs) or timing only (the hash again).
// Oracles: only InputError may escape the checks; a schedule that passes
// simulates to the end with no SimulationStalled and no other exception; the
// simulator's traffic equals the schedule's totals, every graph output comes
// back at its shape, and the lower bound is no more than the simulated cycles.
// One input in eight is simulated twice: the second run, in a fresh context,
// must repeat the first's cycles and output values bit for bit.
//
// SystemC elaborates once per simulation context, so each simulation after
// the first runs in a fresh sc_simcontext (fresh_simulation_context below).
#include <systemc>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <typeinfo>

#include "compiler/schedule/schedule_file.h"
#include "compiler/support/input_error.h"
#include "fuzz/fuzz_common.h"
#include "kernels/kernel_set.h"
#include "sim/io/input_values.h"
#include "sim/model/simulate.h"

// libsystemc.so defines main() and calls sc_main; libFuzzer's main is used.
extern "C" int sc_main(int, char*[]) { return 0; }

namespace tilesim::fuzz {
namespace {

constexpr std::size_t kMaxSimUops = 512;
constexpr std::int64_t kMaxSimBytes = std::int64_t{64} << 20;
constexpr std::int64_t kHwSramKib = 256;

// Replaces the simulation context with a new one before every simulation but
// the first. The context made at start-up is kept alive: SystemC's static
// kernel objects (sc_event::none and others) refer to it until exit. Every
// later context is deleted when the next one replaces it, which frees its
// process table and registries; the modules of a simulation are gone by then
// (simulate() owns them), so nothing refers to it.
void fresh_simulation_context() {
  static sc_core::sc_simcontext* const startup = sc_core::sc_get_curr_simcontext();
  static bool used = false;
  if (!used) {
    used = true;
    return;
  }
  if (sc_core::sc_curr_simcontext != startup) delete sc_core::sc_curr_simcontext;
  sc_core::sc_curr_simcontext = new sc_core::sc_simcontext;
  sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
}

// Padded float32 bytes of the tensors with storage: what the DRAM model allocates.
std::int64_t padded_bytes(const sched::Schedule& s) {
  std::int64_t bytes = 0;
  for (const sched::TensorInfo& t : s.tensors) {
    if (!t.is_view()) bytes += t.dram_bytes();
  }
  return bytes;
}

void check_result(const sched::Schedule& s, const sim::SimResult& r, bool math) {
  const sim::SimStats& st = r.stats;
  if (st.loads != s.loads || st.stores != s.stores || st.tile_ops != s.execs || st.bytes_loaded != s.bytes_loaded ||
      st.bytes_stored != s.bytes_stored) {
    finding("the simulator's traffic differs from the schedule's totals");
  }
  if (st.bound_cycles() > st.cycles) {
    finding("lower bound " + std::to_string(st.bound_cycles()) + " above the simulated " + std::to_string(st.cycles) +
            " cycles");
  }
  if (!math) return;
  for (const sched::TensorInfo& t : s.tensors) {
    if (!t.is_graph_output) continue;
    const auto it = r.outputs.find(t.name);
    if (it == r.outputs.end()) finding("no values for output " + t.name);
    if (it->second.shape() != sched::true_dims(t)) finding("output " + t.name + " has the wrong shape");
  }
}

sim::SimResult run(const sched::Schedule& s, const HwConfig& hw, const std::map<std::string, HostTensor>& inputs,
                   const sim::SimOptions& options) {
  fresh_simulation_context();
  try {
    return sim::simulate(s, hw, inputs, options);
  } catch (const sim::SimulationStalled& e) {
    finding(std::string("a schedule that passed the checks stalled: ") + e.what());
  }
}

// A second run in a fresh context must repeat the first exactly.
void check_same(const sim::SimResult& a, const sim::SimResult& b) {
  const sim::SimStats &x = a.stats, &y = b.stats;
  if (x.cycles != y.cycles || x.dma_busy_cycles != y.dma_busy_cycles ||
      x.compute_busy_cycles != y.compute_busy_cycles || x.overlap_cycles != y.overlap_cycles) {
    finding("a second simulation in a fresh context gave other cycles");
  }
  for (const auto& [name, tensor] : a.outputs) {
    const auto it = b.outputs.find(name);
    if (it == b.outputs.end() || it->second.data.size() != tensor.data.size() ||
        std::memcmp(it->second.data.data(), tensor.data.data(), tensor.data.size() * sizeof(float)) != 0) {
      finding("a second simulation in a fresh context gave other values of " + name);
    }
  }
}

void simulate(const sched::Schedule& s, std::uint64_t hash) {
  if (s.uops.size() > kMaxSimUops || padded_bytes(s) > kMaxSimBytes) return;
  HwConfig hw;
  hw.name = "fuzz";
  hw.sram.size_kib = kHwSramKib;
  hw.dma.queue_depth = 1 + static_cast<std::int64_t>(hash % 4);
  hw.compute.queue_depth = 1 + static_cast<std::int64_t>(hash / 4 % 4);
  const bool math = (hash / 16) % 4 != 0;
  sim::SimOptions options;
  options.kernels = math ? &kernels::select_kernels("auto") : nullptr;
  const auto inputs = math ? seeded_inputs(s, kDefaultSeed) : std::map<std::string, HostTensor>{};
  const sim::SimResult result = run(s, hw, inputs, options);
  check_result(s, result, math);
  if ((hash / 64) % 8 == 0) check_same(result, run(s, hw, inputs, options));
}

}  // namespace
}  // namespace tilesim::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  TILESIM_FUZZ_GUARD({
    const tilesim::sched::Schedule s =
        tilesim::sched::load_schedule_text(in, "fuzz.schedule", tilesim::fuzz::kHwSramKib * 1024);
    tilesim::fuzz::simulate(s, tilesim::fuzz::hash_bytes(data, size));
  });
  return 0;
}
