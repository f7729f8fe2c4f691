#include "sim/trace/vcd_writer.h"

#include <algorithm>
#include <charconv>

namespace tilesim::sim {

namespace {

constexpr std::size_t kDrainBytes = std::size_t{1} << 20;

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
      pending_(signals_.size(), 0) {
  for (std::size_t i = 0; i < signals_.size(); ++i) ids_.push_back(id_code(i));
  buffer_.reserve(kDrainBytes + 4096);  // once: growing it copied the trace twice over
}

VcdWriter::~VcdWriter() = default;

void VcdWriter::begin(std::int64_t cycle) {
  started_ = true;
  pending_cycle_ = cycle;
  buffer_ +=
      "$version tilesim $end\n$timescale " + std::string(timescale_.unit) + " $end\n$scope module SystemC $end\n";
  std::vector<std::string> open, scopes;  // the scopes below SystemC now open, and the next signal's
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    const VcdSignal& s = signals_[i];
    const std::string leaf = split_scopes(s.name, scopes);
    std::size_t common = 0;
    while (common < open.size() && common < scopes.size() && open[common] == scopes[common]) ++common;
    for (; open.size() > common; open.pop_back()) buffer_ += "$upscope $end\n";
    for (; open.size() < scopes.size(); open.push_back(scopes[open.size()])) {
      buffer_ += "$scope module " + scopes[open.size()] + " $end\n";
    }
    buffer_ += "$var wire " + std::to_string(s.width) + " " + ids_[i] + " " + leaf;
    if (s.width > 1) buffer_ += " [" + std::to_string(s.width - 1) + ":0]";
    buffer_ += " $end\n";
  }
  for (; !open.empty(); open.pop_back()) buffer_ += "$upscope $end\n";
  buffer_ += "$upscope $end\n$enddefinitions $end\n";
  drain(true);  // the header at once: a trace being written is never an empty file
}

// One value change, formatted in a local buffer and appended once (a
// character at a time into the string was most of a traced run's cost).
void VcdWriter::emit(std::size_t signal, std::uint64_t value) {
  char text[96];  // 'b', 64 digits, ' ', an id of at most 12 letters (52^12 signals), '\n'
  char* end = text;
  if (signals_[signal].width == 1) {
    *end++ = value ? '1' : '0';
  } else if (value == kVcdNone && signals_[signal].width < 64) {
    end = std::copy_n("bz ", 3, end);
  } else {
    *end++ = 'b';
    for (int bit = value == 0 ? 0 : 63 - __builtin_clzll(value); bit >= 0; --bit) {
      *end++ = static_cast<char>('0' + ((value >> bit) & 1));
    }
    *end++ = ' ';
  }
  end = std::copy(ids_[signal].begin(), ids_[signal].end(), end);
  *end++ = '\n';
  buffer_.append(text, static_cast<std::size_t>(end - text));
}

void VcdWriter::flush_pending() {
  const bool first = written_.empty();
  if (!first && pending_ == written_) return;
  char stamp[24] = {'#'};
  char* end = std::to_chars(stamp + 1, stamp + sizeof stamp - 1, units(pending_cycle_)).ptr;
  *end++ = '\n';
  buffer_.append(stamp, static_cast<std::size_t>(end - stamp));
  stamped_cycle_ = pending_cycle_;
  if (first) buffer_ += "$dumpvars\n";
  for (std::size_t i = 0; i < signals_.size(); ++i) {
    if (first || pending_[i] != written_[i]) emit(i, pending_[i]);
  }
  if (first) buffer_ += "$end\n";
  written_ = pending_;
  drain(false);
}

void VcdWriter::drain(bool force) {
  if (buffer_.size() < kDrainBytes && !force) return;
  out_->write(buffer_.data(), buffer_.size());
  buffer_.clear();
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
  if (stop > (after_end ? stamped_cycle_ : pending_cycle_)) buffer_ += "#" + std::to_string(units(stop)) + "\n";
  drain(true);
  return out_->close();
}

}  // namespace tilesim::sim
