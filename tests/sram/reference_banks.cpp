#include "tests/sram/reference_banks.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace tilesim::test {

namespace {

// Cycles an access needs on each bank: its bytes counted one by one.
std::map<std::int64_t, std::int64_t> cycles_per_bank(const SramBanksConfig& c, const sim::SramAccess& a) {
  std::map<std::int64_t, std::int64_t> bytes;
  for (std::int64_t byte = a.address; byte < std::int64_t{a.address} + a.bytes; ++byte) {
    ++bytes[(byte / c.interleave_bytes) % c.banks];
  }
  for (auto& [bank, n] : bytes) n = (n + c.bank_bytes_per_cycle - 1) / c.bank_bytes_per_cycle;
  return bytes;
}

struct Ports {
  const SramBanksConfig& c;
  std::map<std::int64_t, std::vector<bool>> used;  // by port number

  // The n earliest free cycles from `from`, one flag at a time.
  std::int64_t take(std::int64_t bank, bool write, std::int64_t from, std::int64_t n) {
    const std::int64_t number = c.ports_per_bank == SramPorts::OneReadWrite ? bank : 2 * bank + (write ? 1 : 0);
    std::vector<bool>& flags = used[number];
    std::int64_t cycle = from;
    for (; n > 0; ++cycle) {
      if (flags.size() <= static_cast<std::size_t>(cycle)) flags.resize(static_cast<std::size_t>(cycle) + 1, false);
      if (flags[static_cast<std::size_t>(cycle)]) continue;
      flags[static_cast<std::size_t>(cycle)] = true;
      --n;
    }
    return cycle;
  }
};

// Reads from the start; writes released so that the busiest bank's writes
// end at start + busy, but not before the reads are done.
std::int64_t serve_one(const SramBanksConfig& c, Ports& ports, const ReferenceRequest& r) {
  std::map<std::int64_t, std::int64_t> own_writes;
  for (const auto& a : r.accesses) {
    if (!a.is_write) continue;
    for (const auto& [bank, n] : cycles_per_bank(c, a)) own_writes[bank] += n;
  }
  std::int64_t most_writes = 0;
  for (const auto& [bank, n] : own_writes) most_writes = std::max(most_writes, n);

  const std::int64_t end = r.start + r.busy;
  std::int64_t reads_done = r.start;
  for (const auto& a : r.accesses) {
    if (a.is_write) continue;
    for (const auto& [bank, n] : cycles_per_bank(c, a)) {
      reads_done = std::max(reads_done, ports.take(bank, false, r.start, n));
    }
  }
  const std::int64_t release = std::max(end - most_writes, reads_done);
  std::int64_t writes_done = release;
  for (const auto& a : r.accesses) {
    if (!a.is_write) continue;
    for (const auto& [bank, n] : cycles_per_bank(c, a)) {
      writes_done = std::max(writes_done, ports.take(bank, true, release, n));
    }
  }
  return std::max({end, reads_done, writes_done});
}

}  // namespace

std::vector<sim::SramOutcome> reference_outcomes(const SramBanksConfig& c, const std::vector<ReferenceRequest>& in) {
  std::vector<sim::SramOutcome> out(in.size());
  if (c.banks == 0) {
    for (std::size_t i = 0; i < in.size(); ++i) out[i].finish = in[i].start + in[i].busy;
    return out;
  }
  std::vector<std::size_t> order(in.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return in[a].start != in[b].start ? in[a].start < in[b].start : in[a].who < in[b].who;
  });
  Ports shared{c, {}};
  for (const std::size_t i : order) {
    Ports alone{c, {}};  // the same request with every port to itself
    const std::int64_t finish = serve_one(c, shared, in[i]);
    const std::int64_t by_itself = serve_one(c, alone, in[i]);
    const std::int64_t end = in[i].start + in[i].busy;
    out[i] = sim::SramOutcome{finish, by_itself - end, finish - by_itself};
  }
  return out;
}

}  // namespace tilesim::test
