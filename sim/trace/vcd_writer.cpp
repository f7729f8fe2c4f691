#include "sim/trace/vcd_writer.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace tilesim::sim {

namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 20;
// The most one value change takes: 'b', 64 digits, ' ', an id of at most 12
// letters (52^12 signals), '\n'.
constexpr std::size_t kMaxChangeBytes = 96;

// The eight binary digits of each byte value, most significant first, as the
// bytes of a little-endian word: written with one 8-byte store.
struct BitDigits {
  std::uint64_t of[256];
  constexpr BitDigits() : of() {
    for (int v = 0; v < 256; ++v) {
      for (int b = 0; b < 8; ++b) of[v] |= std::uint64_t('0' + ((v >> (7 - b)) & 1)) << (8 * b);
    }
  }
};
constexpr BitDigits kBitDigits;

// Stores `bytes` (<= 8) bytes of `word`, little-endian, at `at` with one
// 8-byte store (the buffer has room past them) and returns the end of them.
char* put_word(char* at, std::uint64_t word, int bytes) {
  std::memcpy(at, &word, sizeof word);
  return at + bytes;
}

// VCD identifier codes: letters only (any printable character is allowed,
// but '$' and '#' confuse readers that scan for keywords and timestamps), one
// each for the few signals a trace has, more when needed.
std::string id_code(std::size_t index) {
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id;
  do {
    id += kLetters[index % 52];
    index /= 52;
  } while (index > 0);
  return id;
}

// Splits "dram.ch0.busy" into its scopes {"dram", "ch0"} and returns "busy".
std::string split_scopes(const std::string& name, std::vector<std::string>& scopes) {
  scopes.clear();
  std::size_t from = 0;
  for (std::size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', from)) {
    scopes.push_back(name.substr(from, dot - from));
    from = dot + 1;
  }
  return name.substr(from);
}

}  // namespace

VcdTimescale vcd_timescale(std::int64_t cycle_ps) {
  if (cycle_ps % 1000 == 0) return {"1 ns", cycle_ps / 1000};
  return {"1 ps", cycle_ps};
}

VcdWriter::VcdWriter(const std::string& path, std::vector<VcdSignal> signals, std::int64_t cycle_ps,
                     std::int64_t from_cycle, std::int64_t to_cycle)
    : out_(std::make_unique<OutputStream>(path)),
      signals_(std::move(signals)),
      timescale_(vcd_timescale(cycle_ps)),
      from_(from_cycle),
      to_(to_cycle),
      pending_(signals_.size(), 0),
      buffer_(new char[kBufferBytes]) {
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    ids_.push_back(id_code(i));
    std::string line = ids_.back() + '\n';
    line.resize(8);
    std::uint64_t word = 0;
    std::memcpy(&word, line.data(), sizeof word);
    id_lines_.push_back(word);
  }
}

VcdWriter::~VcdWriter() = default;

void VcdWriter::begin(std::int64_t cycle) {
  started_ = true;
  pending_cycle_ = cycle;
  put("$version tilesim $end\n$timescale " + std::string(timescale_.unit) + " $end\n$scope module SystemC $end\n");
  std::vector<std::string> open, scopes;  // the scopes below SystemC now open, and the next signal's
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    const VcdSignal& s = signals_[i];
    const std::string leaf = split_scopes(s.name, scopes);
    std::size_t common = 0;
    while (common < open.size() && common < scopes.size() && open[common] == scopes[common]) ++common;
    for (; open.size() > common; open.pop_back()) put("$upscope $end\n");
    for (; open.size() < scopes.size(); open.push_back(scopes[open.size()])) {
      put("$scope module " + scopes[open.size()] + " $end\n");
    }
    put("$var wire " + std::to_string(s.width) + " " + ids_[i] + " " + leaf);
    if (s.width > 1) put(" [" + std::to_string(s.width - 1) + ":0]");
    put(" $end\n");
  }
  for (; !open.empty(); open.pop_back()) put("$upscope $end\n");
  put("$upscope $end\n$enddefinitions $end\n");
  drain(true);  // the header at once: a trace being written is never an empty file
}

// One value change, formatted in place in the buffer, the digits a byte at a
// time (a string append per change, a library call each, was a third of a
// traced run's cost).
void VcdWriter::emit(std::size_t signal, std::uint64_t value) {
  char* const start = room(kMaxChangeBytes);
  char* end = start;
  if (signals_[signal].width == 1) {
    *end++ = value ? '1' : '0';
  } else if (value == kVcdNone && signals_[signal].width < 64) {
    end = std::copy_n("bz ", 3, end);
  } else {
    *end++ = 'b';
    const int top = value == 0 ? 0 : 63 - __builtin_clzll(value);  // the highest bit set (no leading zeros)
    const int lead = top % 8 + 1;                                    // digits of the highest byte
    end = put_word(end, kBitDigits.of[(value >> (top - lead + 1)) & 0xFF] >> (8 * (8 - lead)), lead);
    for (int byte = top / 8 - 1; byte >= 0; --byte) end = put_word(end, kBitDigits.of[(value >> (8 * byte)) & 0xFF], 8);
    *end++ = ' ';
  }
  const std::string& id = ids_[signal];
  if (id.size() < 8) {  // a short id (any trace's first 52^2 signals) and its newline: one store
    end = put_word(end, id_lines_[signal], static_cast<int>(id.size()) + 1);
  } else {
    end = std::copy(id.begin(), id.end(), end);
    *end++ = '\n';
  }
  used_ += static_cast<std::size_t>(end - start);
}

char* VcdWriter::room(std::size_t bytes) {
  if (used_ + bytes > kBufferBytes) drain(true);
  return buffer_.get() + used_;
}

void VcdWriter::put(const std::string& text) {
  if (text.size() > kBufferBytes) {  // a longer line than the buffer: straight out
    drain(true);
    out_->write(text.data(), text.size());
    return;
  }
  used_ = static_cast<std::size_t>(std::copy(text.begin(), text.end(), room(text.size())) - buffer_.get());
}

void VcdWriter::flush_pending() {
  const bool first = written_.empty();
  if (!first && pending_ == written_) return;
  char* const stamp = room(24);  // '#', 19 digits, '\n'
  *stamp = '#';
  char* end = std::to_chars(stamp + 1, stamp + 22, units(pending_cycle_)).ptr;
  *end++ = '\n';
  used_ += static_cast<std::size_t>(end - stamp);
  stamped_cycle_ = pending_cycle_;
  if (first) put("$dumpvars\n");
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    if (first || pending_[i] != written_[i]) emit(i, pending_[i]);
  }
  if (first) put("$end\n");
  written_ = pending_;
  drain(false);
}

void VcdWriter::drain(bool force) {
  if (used_ < kBufferBytes / 2 && !force) return;
  out_->write(buffer_.get(), used_);
  used_ = 0;
}

void VcdWriter::record(std::int64_t cycle, const std::vector<std::uint64_t>& values) {
  if (!started_) {
    if (cycle < from_) {  // before the window: only the latest state matters
      pending_ = values;
      return;
    }
    begin(from_);  // with the state of that moment, pending_
  }
  if (to_ >= 0 && cycle >= to_) return;  // after the window: frozen
  if (cycle != pending_cycle_) {
    flush_pending();
    pending_cycle_ = cycle;
  }
  pending_ = values;
}

StagedFile VcdWriter::finish(std::int64_t end_cycle) {
  if (!started_) begin(std::min(from_, end_cycle));
  const std::int64_t stop = to_ >= 0 ? std::min(to_, end_cycle) : end_cycle;
  // A change recorded after the end (a DRAM instant rounded up past the
  // cycle an interrupted run stopped at) is not part of the trace.
  const bool after_end = !written_.empty() && pending_cycle_ > stop;
  if (!after_end) flush_pending();
  if (stop > (after_end ? stamped_cycle_ : pending_cycle_)) put("#" + std::to_string(units(stop)) + "\n");
  drain(true);
  return out_->close();
}

}  // namespace tilesim::sim
