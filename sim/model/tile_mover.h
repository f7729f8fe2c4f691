// The data a DMA uOp moves, functionally, at the instant it completes: a LOAD
// copies its tile from the DRAM's spans (sched::tile_spans) into its SRAM
// slot, a STORE the other way. Shared by the DMA engine of the ideal DRAM and
// the burst engines of a timed one: timing is theirs, bytes are this.
//
// Contract: bytes move through the memories' DMI pointers when they grant
// them for the whole address space, else through transport_dbg (so another
// TLM-2.0 target bound as the DRAM gets the bytes too); a memory that refuses
// an access is a logic_error. With an ExecWorker (exec_worker.h) running the
// EXECs on another thread, every access to the SRAM waits for the EXECs
// submitted before it that touch the slot. A transpose view's LOAD reads the shown
// tensor's tile (c, r) and transposes it; a gather view's LOAD (im2col,
// relayout, ...) places each element where gather_tile puts it, 0 or -inf
// where it pads, reading it at its address through DMI, or else reading the
// spans of the distinct source elements in one access each; a scalar's LOAD
// spreads the value over the slot's first row; a bias tile fills row 0 of its
// slot only.
#pragma once

#include <tlm>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "compiler/schedule/dram_layout.h"
#include "compiler/schedule/schedule.h"
#include "sim/model/exec_worker.h"
#include "sim/model/tlm_bytes.h"

namespace tilesim::sim {

class TileMover {
 public:
  explicit TileMover(const sched::Schedule& schedule) : schedule_(schedule) {}
  // Once the sockets are bound (end_of_elaboration).
  void connect(tlm::tlm_fw_transport_if<>* dram, tlm::tlm_fw_transport_if<>* sram);
  // The worker whose EXECs share the SRAM (nullptr: EXECs run inline).
  void share_sram_with(ExecWorker* worker) { worker_ = worker; }
  // `uop` is an element of the schedule's uops (after a LOAD, the next
  // LOAD's DRAM rows are prefetched).
  void move(const sched::Uop& uop);

 private:
  // Through DMI where the memory grants it (inline: ~290 000 row copies in
  // the large MLP), else through transport_dbg.
  void access(tlm::tlm_command command, bool dram, std::uint64_t address, void* data, std::uint64_t bytes) {
    if (unsigned char* dmi = dram ? dram_dmi_ : sram_dmi_) {
      command == tlm::TLM_READ_COMMAND ? std::memcpy(data, dmi + address, bytes)
                                       : std::memcpy(dmi + address, data, bytes);
      return;
    }
    access_by_transport(command, dram, address, data, bytes);
  }
  void access_by_transport(tlm::tlm_command command, bool dram, std::uint64_t address, void* data, std::uint64_t bytes);
  void find_spans(const sched::TileRef& tile);
  void read_tile(const sched::TileRef& tile, float* out);
  void prefetch_next_load(const sched::Uop& uop);
  static constexpr std::size_t kPrefetchWindow = 16;  // uOps looked ahead for the next LOAD
  void write_tile(const sched::TileRef& tile, const float* in);
  void read_gathered_directly(const sched::TileRef& tile, float* out);
  template <typename Run>
  void read_runs(const sched::TensorInfo& x, const std::vector<Run>& runs, float* out);
  void place_gathered(float* out) const;
  void wait_for_slot(const sched::Uop& uop) {
    if (worker_) worker_->wait_for_sram(uop.addr, sched::kTileBytes);
  }

  const sched::Schedule& schedule_;
  tlm::tlm_fw_transport_if<>* dram_ = nullptr;
  tlm::tlm_fw_transport_if<>* sram_ = nullptr;
  unsigned char* dram_dmi_ = nullptr;
  unsigned char* sram_dmi_ = nullptr;
  ExecWorker* worker_ = nullptr;
  sched::DramSpans spans_;                         // of the tile being moved
  sched::DramSpans prefetch_spans_;                // of the next LOAD's tile, prefetched_
  sched::TileRef prefetched_;                      // none (tensor -1) once its spans are taken
  std::unique_ptr<sched::GatheredTile> gathered_;  // of a gather view tile read through DMI
  std::vector<sched::Im2colRun> im2col_runs_;      // of an im2col tile read through DMI
  std::vector<sched::GatherRun> gather_runs_;      // of a view tile gathered by rows, read through DMI
  float staging_[sched::kTileDim * sched::kTileDim];
  float tile_[sched::kTileDim * sched::kTileDim];  // the tile being moved
};

}  // namespace tilesim::sim
