// SramBanks on random traffic: against the naive reference of the same rules
// (tests/sram/reference_banks.h), whatever order requests of one cycle come
// in and whenever finish() is asked; and on machine-like traffic, where the
// default configuration and one with enough banks and width never move a
// finish time.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "sim/memory/sram/sram_banks.h"
#include "tests/sram/reference_banks.h"

using namespace tilesim;
using sim::SramAccess;
using test::ReferenceRequest;

namespace {

template <typename T>
T pick(std::mt19937_64& rng, std::initializer_list<T> values) {
  std::uniform_int_distribution<std::size_t> index(0, values.size() - 1);
  return *(values.begin() + index(rng));
}

std::int64_t uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

SramBanksConfig random_config(std::mt19937_64& rng) {
  SramBanksConfig c;
  c.banks = pick<std::int64_t>(rng, {1, 2, 3, 4, 8});
  c.bank_bytes_per_cycle = pick<std::int64_t>(rng, {4, 16, 60, 64, 256, 4096});
  c.ports_per_bank = pick(rng, {SramPorts::OneReadWrite, SramPorts::OneReadOneWrite});
  c.interleave_bytes = pick<std::int64_t>(rng, {4, 64, 256, 4096});
  return c;
}

// Requests in call order: non-decreasing starts (many equal), the requesters
// of one start in random order.
std::vector<ReferenceRequest> random_requests(std::mt19937_64& rng) {
  std::vector<ReferenceRequest> requests(static_cast<std::size_t>(uniform(rng, 1, 40)));
  for (ReferenceRequest& r : requests) {
    r.who = static_cast<std::size_t>(uniform(rng, 0, 2));
    r.start = 16 * uniform(rng, 0, 60);
    r.busy = uniform(rng, 0, 300);
    for (std::int64_t n = uniform(rng, 0, 4); n > 0; --n) {
      const auto bytes = static_cast<std::uint32_t>(pick<std::int64_t>(rng, {4, 128, 4096, uniform(rng, 1, 5000)}));
      r.accesses.push_back(
          SramAccess{static_cast<std::uint32_t>(uniform(rng, 0, 65535)), bytes, uniform(rng, 0, 1) == 1});
    }
  }
  std::shuffle(requests.begin(), requests.end(), rng);
  std::stable_sort(requests.begin(), requests.end(),
                   [](const ReferenceRequest& a, const ReferenceRequest& b) { return a.start < b.start; });
  return requests;
}

}  // namespace

TEST_CASE("SramBanks matches the naive reference on random traffic", "[sram]") {
  std::mt19937_64 rng(12);
  for (int round = 0; round < 400; ++round) {
    const SramBanksConfig config = round % 10 == 0 ? SramBanksConfig{} : random_config(rng);
    const auto requests = random_requests(rng);
    const auto expected = test::reference_outcomes(config, requests);
    INFO("round " << round << ": " << config.banks << " banks x " << config.bank_bytes_per_cycle << " B, "
                  << to_string(config.ports_per_bank) << ", interleave " << config.interleave_bytes);

    // Each request made in call order; before it, finish() asked for a random
    // half of the open tickets that started earlier (the contract allows that).
    sim::SramBanks sram(config, {"a", "b", "c"});
    std::vector<sim::SramTicket> tickets;
    std::vector<sim::SramOutcome> got(requests.size());
    std::vector<std::size_t> open;
    auto ask = [&](std::size_t i) { got[i] = sram.finish(tickets[i]); };
    for (std::size_t i = 0; i < requests.size(); ++i) {
      std::shuffle(open.begin(), open.end(), rng);
      for (auto it = open.begin(); it != open.end();) {
        if (requests[*it].start < requests[i].start && uniform(rng, 0, 1) == 1) {
          ask(*it);
          it = open.erase(it);
        } else {
          ++it;
        }
      }
      const ReferenceRequest& r = requests[i];
      tickets.push_back(sram.request(r.who, r.start, r.busy, r.accesses));
      open.push_back(i);
    }
    std::shuffle(open.begin(), open.end(), rng);
    for (const std::size_t i : open) ask(i);

    std::int64_t conflicts[3] = {0, 0, 0}, bandwidth[3] = {0, 0, 0};
    for (std::size_t i = 0; i < requests.size(); ++i) {
      INFO("request " << i);
      REQUIRE(got[i].finish == expected[i].finish);
      REQUIRE(got[i].bandwidth_stall_cycles == expected[i].bandwidth_stall_cycles);
      REQUIRE(got[i].conflict_stall_cycles == expected[i].conflict_stall_cycles);
      conflicts[requests[i].who] += expected[i].conflict_stall_cycles;
      bandwidth[requests[i].who] += expected[i].bandwidth_stall_cycles;
    }
    for (std::size_t who = 0; who < 3; ++who) {
      CHECK(sram.stats()[who].conflict_stall_cycles == conflicts[who]);
      CHECK(sram.stats()[who].bandwidth_stall_cycles == bandwidth[who]);
    }
  }
}

namespace {

// One unit's uOp on the machine of docs/cycle-model.md at its defaults.
struct MachineUop {
  std::size_t who;  // 0 dma, 1 compute
  std::int64_t start, busy;
  std::vector<SramAccess> accesses;
};

bool overlap(const MachineUop& a, const MachineUop& b) {
  return a.start < b.start + b.busy && b.start < a.start + a.busy;
}

// Whether `a` and `b` touch one tile and one of them writes it: the hazards
// a schedule's dependencies never let two running uOps have.
bool hazard(const MachineUop& a, const MachineUop& b) {
  for (const auto& x : a.accesses) {
    for (const auto& y : b.accesses) {
      if (x.address == y.address && (x.is_write || y.is_write)) return true;
    }
  }
  return false;
}

// Tile slot addresses in a 256 KiB SRAM.
std::uint32_t slot(std::mt19937_64& rng) { return static_cast<std::uint32_t>(uniform(rng, 0, 63) * 4096); }

MachineUop random_uop(std::mt19937_64& rng, std::size_t who) {
  MachineUop u{who, 0, 0, {}};
  if (who == 0) {  // LOAD of a tile, bias row or scalar, or STORE of a tile: 64 + bytes / 32
    const bool store = uniform(rng, 0, 3) == 0;
    const std::uint32_t bytes = store ? 4096 : pick<std::uint32_t>(rng, {4096, 4096, 128, 4});
    u.busy = 64 + (bytes + 31) / 32;
    u.accesses.push_back(SramAccess{slot(rng), bytes, !store});
  } else {  // matmul (64) reading 2-3 tiles and maybe a bias row, or a vector op (8) reading 1-2
    const bool matmul = uniform(rng, 0, 1) == 1;
    u.busy = matmul ? 64 : 8;
    for (std::int64_t n = matmul ? uniform(rng, 2, 3) : uniform(rng, 1, 2); n > 0; --n) {
      u.accesses.push_back(SramAccess{slot(rng), 4096, false});
    }
    if (uniform(rng, 0, 3) == 0) u.accesses.push_back(SramAccess{slot(rng), 128, false});
    u.accesses.push_back(SramAccess{slot(rng), 4096, true});
  }
  return u;
}

// Both units busy most of the time, overlapping, back to back or after short
// gaps, with slots drawn again until no running pair has a hazard.
std::vector<MachineUop> machine_traffic(std::mt19937_64& rng) {
  std::vector<MachineUop> uops;
  std::int64_t free_at[2] = {0, uniform(rng, 0, 100)};
  for (int n = 0; n < 300; ++n) {
    const std::size_t who = free_at[0] <= free_at[1] ? 0 : 1;
    MachineUop u = random_uop(rng, who);
    u.start = free_at[who] + (uniform(rng, 0, 2) == 0 ? uniform(rng, 1, 40) : 0);
    for (int tries = 0; std::any_of(uops.begin(), uops.end(),
                                    [&](const MachineUop& o) { return o.who != who && overlap(o, u) && hazard(o, u); });
         ++tries) {
      REQUIRE(tries < 1000);
      const std::int64_t start = u.start;
      u = random_uop(rng, who);
      u.start = start;
    }
    free_at[who] = u.start + u.busy;
    uops.push_back(u);
  }
  std::stable_sort(uops.begin(), uops.end(),
                   [](const MachineUop& a, const MachineUop& b) { return a.start < b.start; });
  return uops;
}

// Finish of every uOp, requests in start order, finish() asked at the end.
std::vector<sim::SramOutcome> serve_all(const SramBanksConfig& config, const std::vector<MachineUop>& uops,
                                        std::int64_t* conflict_stalls) {
  sim::SramBanks sram(config, {"dma", "compute"});
  std::vector<sim::SramTicket> tickets;
  for (const MachineUop& u : uops) tickets.push_back(sram.request(u.who, u.start, u.busy, u.accesses));
  std::vector<sim::SramOutcome> out;
  for (const auto& t : tickets) out.push_back(sram.finish(t));
  *conflict_stalls = sram.stats()[0].conflict_stall_cycles + sram.stats()[1].conflict_stall_cycles;
  return out;
}

}  // namespace

TEST_CASE("machine-like traffic: the default and enough banks and width never move a finish", "[sram]") {
  // Enough: one 4 KiB tile slot per bank (64 banks x 4096 B interleave = the
  // 256 KiB SRAM), a tile in one port cycle. Running uOps never share a tile
  // one of them writes, so the only meeting is two reads of one tile, which
  // costs the later one a cycle of the slack it has.
  const SramBanksConfig enough_1rw{64, 4096, SramPorts::OneReadWrite, 4096};
  const SramBanksConfig enough_1r1w{64, 4096, SramPorts::OneReadOneWrite, 4096};
  const SramBanksConfig narrow{1, 32, SramPorts::OneReadWrite, 64};
  std::mt19937_64 rng(2024);
  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    const auto uops = machine_traffic(rng);
    for (const SramBanksConfig& config : {SramBanksConfig{}, enough_1rw, enough_1r1w}) {
      INFO(config.banks << " banks, " << to_string(config.ports_per_bank));
      std::int64_t conflicts = -1;
      const auto out = serve_all(config, uops, &conflicts);
      for (std::size_t i = 0; i < uops.size(); ++i) REQUIRE(out[i].finish == uops[i].start + uops[i].busy);
      CHECK(conflicts == 0);
    }
    // The same traffic on one narrow bank does meet: stalls of both kinds.
    std::int64_t conflicts = 0;
    const auto out = serve_all(narrow, uops, &conflicts);
    CHECK(conflicts > 0);
    CHECK(std::any_of(out.begin(), out.end(), [](const auto& o) { return o.bandwidth_stall_cycles > 0; }));
  }
}
