// Binding another TLM-2.0 memory in place of the built-in DRAM (the example of
// docs/architecture.md, "Binding another DRAM"), and through it the burst DMA
// engine's rules (docs/cycle-model.md, "Timed DRAM") with a memory whose timing
// is trivial: every burst accepted at once and answered 100 ns later.
// One simulation per TEST_CASE (SystemC elaborates once per process).
#include <catch2/catch.hpp>

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/peq_with_cb_and_phase.h>

#include <sstream>

#include "compiler/hw/hw_config.h"
#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/validator.h"
#include "sim/model/accelerator.h"

using namespace tilesim;

namespace {

// The smallest approximately timed target: END_REQ at once, BEGIN_RESP a fixed
// latency later through a payload event queue. No data (timing-only runs).
class FixedLatencyMemory : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<FixedLatencyMemory> socket;
  std::int64_t bursts = 0;

  FixedLatencyMemory(sc_core::sc_module_name name, sc_core::sc_time latency)
      : sc_core::sc_module(name), socket("socket"), latency_(latency), responses_(this, &FixedLatencyMemory::respond) {
    socket.register_nb_transport_fw(this, &FixedLatencyMemory::nb_transport_fw);
  }

 private:
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time&) {
    if (phase != tlm::BEGIN_REQ) return tlm::TLM_COMPLETED;  // END_RESP
    ++bursts;
    initiator_of_[&trans] = id;
    tlm::tlm_phase response = tlm::BEGIN_RESP;
    responses_.notify(trans, response, latency_);
    phase = tlm::END_REQ;
    return tlm::TLM_UPDATED;
  }
  void respond(tlm::tlm_generic_payload& trans, const tlm::tlm_phase&) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    tlm::tlm_phase phase = tlm::BEGIN_RESP;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket[initiator_of_[&trans]]->nb_transport_bw(trans, phase, delay);
  }

  sc_core::sc_time latency_;
  tlm_utils::peq_with_cb_and_phase<FixedLatencyMemory> responses_;
  std::map<const tlm::tlm_generic_payload*, int> initiator_of_;
};

// Two LOADs of one 32x32 tile each, of x [32,64] (row-major: 32 rows of
// 128 B, 256 B apart: 64 bursts of 64 B each) and of w [64,32].
const char kTwoLoads[] =
    "tilesim-schedule 1\nmodel hand\nsram_bytes 262144\n"
    "tensor 0 x input shape=[32,64] padded=[32,64]\n"
    "tensor 1 w param shape=[64,32] padded=[64,32]\n"
    "uops 2\n"
    "0 dma LOAD x[0,0]@0x0000 deps=-\n"
    "1 dma LOAD w[0,0]@0x1000 deps=-\n";

struct Run {
  std::int64_t cycles = 0;
  std::int64_t bursts = 0;
};

// The default machine (1 GHz, setup 64, 32 B/cycle) on DDR4-3200's 64-byte
// bursts, with its DRAM replaced by a 100 ns memory, running `text`.
Run run_on_fixed_latency(std::int64_t channels, std::int64_t max_outstanding, const char* text = kTwoLoads) {
  const HwConfig hw = parse_hw_config(
      "name: t\nsram:\n  size_kib: 256\ndram:\n  preset: ddr4-3200\n", "t.yaml",
      {"dma.channels=" + std::to_string(channels), "dma.max_outstanding=" + std::to_string(max_outstanding)});
  std::istringstream in(text);
  const sched::Schedule schedule = sched::read_schedule_text(in, "test.schedule");
  REQUIRE(sched::validate(schedule) == std::vector<std::string>{});
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  FixedLatencyMemory memory("memory", sc_core::sc_time(100, sc_core::SC_NS));
  const sched::TransferBytes bytes(schedule);
  sim::Accelerator top("accelerator", schedule, bytes, hw, nullptr, false,
                       [&](tlm::tlm_initiator_socket<>& dma_to_dram) { dma_to_dram.bind(memory.socket); });
  REQUIRE(top.dram == nullptr);
  sc_core::sc_start();
  return {top.activity.last_finish_cycle(), memory.bursts};
}

// One LOAD of an im2col tile: x [1,3,5,6] in nhwc is one tile at address 0,
// (row h*6 + w, col c) at (32 r + c) 4; a 3x3 stride-2 pad-1 window set
// touches every pixel, so the LOAD gathers 30 spans of 12 B (3 channels) at
// 128 r: one 64-byte burst each, 30 bursts (a whole tile takes 64).
const char kGatherLoad[] =
    "tilesim-schedule 1\nmodel gather\nsram_bytes 262144\n"
    "tensor 0 x input shape=[30,3] padded=[32,32] dims=[1,3,5,6] layout=nhwc\n"
    "tensor 1 xcol intermediate shape=[9,27] padded=[32,32] dims=[1,9,27] view=im2col(x) kernel=3x3 stride=2x2 "
    "dilation=1x1 pad=1x1 out=3x3 channel_stride=3 pad_value=0\n"
    "0 dma LOAD xcol[0,0]@0x0000 deps=-\n";

}  // namespace

TEST_CASE("one burst in flight: every burst pays the whole latency", "[sim][external]") {
  // I = ceil(64 / 32) = 2 cycles a burst; latency 100 cycles; M = 1, so burst j
  // waits for burst j-1's slot: t_0 = 0 + 64 (setup), t_j = t_{j-1} + 100;
  // t_63 = 64 + 63 * 100 = 6364, done 6464. The second LOAD starts at
  // t_63 + I = 6366 and issues from 6430 — but its first burst needs the slot
  // burst 63 holds until 6464: t_0' = 6464, t_63' = 6464 + 6300 = 12764,
  // done 12864 = the run's cycles. 128 bursts in all.
  const Run r = run_on_fixed_latency(1, 1);
  CHECK(r.cycles == 12864);
  CHECK(r.bursts == 128);
}

TEST_CASE("sixteen bursts in flight hide most of the latency", "[sim][external]") {
  // M = 16: bursts 0..15 at 64 + 2j (64..94); burst 16 waits for burst 0's slot
  // (free at 164), then t_j = t_{j-16} + 100 for every later j (100 > 16 * 2):
  // t_j = 64 + 100 * floor(j / 16) + 2 * (j mod 16), t_63 = 64 + 300 + 30 = 394,
  // done 494. The second LOAD starts at t_63 + 2 = 396, first burst at 460 —
  // slots: burst 48 (t 364) frees at 464, so t_0' = 464 and, as above,
  // t_j' = 464 + 100 * floor(j / 16) + 2 * (j mod 16): t_63' = 794, done 894.
  const Run r = run_on_fixed_latency(1, 16);
  CHECK(r.cycles == 894);
  CHECK(r.bursts == 128);
}

TEST_CASE("two engines take one LOAD each and overlap them", "[sim][external]") {
  // E = 2: LOAD 0 goes to engine 0, LOAD 1 to engine 1, both start at cycle 0
  // and run the first LOAD's timeline of the case above: done at 494 each.
  const Run r = run_on_fixed_latency(2, 16);
  CHECK(r.cycles == 494);
  CHECK(r.bursts == 128);
}

TEST_CASE("a gather LOAD issues the bursts of its gathered spans, one in flight", "[sim][external][views]") {
  // M = 1: t_0 = 64 (setup), t_j = t_{j-1} + 100: t_29 = 2964, done 3064 (its
  // own cost, 64 + ceil(360 / 32) = 76, is long over).
  const Run r = run_on_fixed_latency(1, 1, kGatherLoad);
  CHECK(r.cycles == 3064);
  CHECK(r.bursts == 30);
}

TEST_CASE("a gather LOAD issues the bursts of its gathered spans, sixteen in flight", "[sim][external][views]") {
  // M = 16, I = 2: bursts 0..15 at 64 + 2j; burst 16 waits for burst 0's slot
  // (free at 164), then t_j = t_{j-16} + 100: t_29 = t_13 + 100 = 190, done 290.
  const Run r = run_on_fixed_latency(1, 16, kGatherLoad);
  CHECK(r.cycles == 290);
  CHECK(r.bursts == 30);
}
