#include "compiler/frontend/size_limits.h"

#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

// Products of up to four padded dims, each below 2^64.
__extension__ typedef unsigned __int128 Wide;

std::string decimal(Wide value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return digits;
}

// The dims the tiling pass gives the tensor: [batch..., rows, cols] with rows
// and cols rounded up to tiles; [1, cols] for rank 0 and 1. In uint64, which
// holds any int64 dimension rounded up.
std::vector<std::uint64_t> padded_dims(const ir::Shape& s) {
  const auto up = [](std::int64_t n) {
    const auto tile = static_cast<std::uint64_t>(ir::kTileDim);
    return (static_cast<std::uint64_t>(n) + tile - 1) / tile * tile;
  };
  std::vector<std::uint64_t> dims(s.batch_dims.begin(), s.batch_dims.end());
  dims.push_back(s.rank <= 1 ? 1 : up(s.rows));
  dims.push_back(up(s.cols));
  return dims;
}

// The product of the padded dims, exactly, or "more than 2^127" when even 128
// bits cannot hold it (several dims beyond 2^32).
std::string product_text(const std::vector<std::uint64_t>& dims, Wide* product, bool* overflow) {
  *product = 1;
  *overflow = false;
  const Wide max = ~Wide{0};
  for (const std::uint64_t d : dims) {
    if (d != 0 && *product > max / d) {
      *overflow = true;
      return "more than 2^127";
    }
    *product *= d;
  }
  return decimal(*product);
}

std::string dims_text(const std::vector<std::uint64_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

// The refusal of a tensor over the element limit, or nothing (then `elements` is its padded size).
std::optional<Refusal> over_limit(const std::string& name, const std::string& shape_text,
                                  const std::vector<std::uint64_t>& padded, Wide* elements) {
  bool overflow = false;
  const std::string elements_text = product_text(padded, elements, &overflow);
  if (overflow || *elements > static_cast<Wide>(kMaxTensorElements)) {
    return Refusal{"tensor " + quoted(name) + " of shape " + shape_text + " pads to " + dims_text(padded) + " = " +
                       elements_text + " elements",
                   "at most 2147483648 (2^31) elements per padded tensor"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Refusal> elements_refusal(const std::string& name, const std::vector<std::int64_t>& dims) {
  if (dims.size() > static_cast<std::size_t>(kMaxRank)) {
    return Refusal{"tensor " + quoted(name) + " has rank " + std::to_string(dims.size()), "a tensor of rank 0 to 4"};
  }
  const auto up = [](std::int64_t n) {
    const auto tile = static_cast<std::uint64_t>(ir::kTileDim);
    return (static_cast<std::uint64_t>(n) + tile - 1) / tile * tile;
  };
  const std::size_t rank = dims.size();
  std::vector<std::uint64_t> padded(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(rank < 2 ? 0 : rank - 2));
  padded.push_back(rank < 2 ? 1 : up(dims[rank - 2]));
  padded.push_back(rank == 0 ? up(1) : up(dims[rank - 1]));
  std::string shown = "[";
  for (std::size_t i = 0; i < rank; ++i) shown += (i ? ", " : "") + std::to_string(dims[i]);
  Wide elements = 0;
  return over_limit(name, shown + "]", padded, &elements);
}

std::optional<Refusal> SizeBudget::add(const std::string& name, const ir::Shape& shape) {
  Wide elements = 0;
  if (auto refusal = over_limit(name, ir::to_string(shape), padded_dims(shape), &elements)) return refusal;
  // elements <= 2^31, so one tensor is at most 8 GiB and the sum of those
  // below the limit plus one more cannot overflow int64.
  const std::int64_t total = total_bytes_ + static_cast<std::int64_t>(elements) * 4;
  if (total > kMaxModelBytes) {
    return Refusal{
        "with tensor " + quoted(name) + " the model's padded tensors total " + std::to_string(total) + " bytes",
        "at most 68719476736 bytes (64 GiB) of padded float32 tensors in all"};
  }
  total_bytes_ = total;
  return std::nullopt;
}

std::optional<Refusal> dims_refusal(const std::vector<std::int64_t>& dims) {
  if (dims.size() > static_cast<std::size_t>(kMaxRank)) {
    return Refusal{"has rank " + std::to_string(dims.size()), "a tensor of rank 0 to 4"};
  }
  for (const std::int64_t d : dims) {
    if (d <= 0) return Refusal{"has a dimension of " + std::to_string(d), "dimensions >= 1"};
  }
  return std::nullopt;
}

}  // namespace tilesim::frontend
