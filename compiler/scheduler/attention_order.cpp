#include "compiler/scheduler/attention_order.h"

#include <algorithm>
#include <numeric>

namespace tilesim::sched {

namespace {

bool is_matmul(const ir::Op& op) { return op.kind == ir::OpKind::MatMul || op.kind == ir::OpKind::FusedMatMul; }

bool is_elementwise(const ir::Op& op) {
  return ir::is_binary(op.kind) || ir::is_activation(op.kind) || op.kind == ir::OpKind::Scale;
}

std::size_t reads(const ir::Op& op, ir::TensorId t) {
  return static_cast<std::size_t>(std::count(op.inputs.begin(), op.inputs.end(), t));
}

// Matches a group starting at a matmul layer; the group's tensors between
// layers may stay on chip only if the group's own layers are all that read them.
class GroupMatcher {
 public:
  GroupMatcher(const std::vector<ir::OpId>& layers, const std::vector<ir::Op>& ops,
               const std::vector<TensorInfo>& tensors)
      : layers_(layers), ops_(ops), tensors_(tensors), readers_(tensors.size(), 0) {
    for (const ir::Op& op : ops) {
      if (op.dead) continue;
      for (const ir::TensorId t : op.inputs) ++readers_[static_cast<std::size_t>(t)];
    }
  }

  // The last layer of the group starting at `first`, or `first` when none does.
  std::size_t match(std::size_t first) const {
    if (!is_matmul(layer(first))) return first;
    ir::TensorId scores = layer(first).output;
    std::size_t k = first + 1;
    // The scale, the mask, a Where: element-wise, shape kept, the only reader.
    while (k < layers_.size() && is_elementwise(layer(k)) && inner(scores, reads(layer(k), scores)) &&
           same_tiles(layer(k).output, scores)) {
      scores = layer(k).output;
      ++k;
    }
    if (k + 2 >= layers_.size()) return first;
    const ir::Op& stats = layer(k);
    const ir::Op& softmax = layer(k + 1);
    const ir::Op& pv = layer(k + 2);
    if (stats.kind != ir::OpKind::SoftmaxStats || stats.inputs[0] != scores) return first;
    if (softmax.kind != ir::OpKind::Softmax || softmax.inputs[0] != scores || softmax.inputs[1] != stats.output) {
      return first;
    }
    if (!inner(scores, 2) || !inner(stats.output, 1)) return first;
    if (!is_matmul(pv) || pv.inputs[0] != softmax.output || !inner(softmax.output, 1)) return first;
    if (tensors_[pv.output].batch != tensors_[softmax.output].batch) return first;
    return k + 2;
  }

 private:
  // `t` is read exactly `expected` times, all by the next layer(s) of the group.
  bool inner(ir::TensorId t, std::size_t expected) const {
    const auto index = static_cast<std::size_t>(t);
    return expected > 0 && !tensors_[index].is_graph_output && readers_[index] == expected;
  }

  // Tile (r, c) of `a` is made from tile (r, c) of `b`: the same matrices, rows and columns.
  bool same_tiles(ir::TensorId a, ir::TensorId b) const {
    const TensorInfo& x = tensors_[a];
    const TensorInfo& y = tensors_[b];
    return x.batch == y.batch && x.rows == y.rows && x.cols == y.cols && x.dims == y.dims && x.layout == y.layout;
  }

  // Layer l of the lowering order.
  const ir::Op& layer(std::size_t l) const { return ops_[static_cast<std::size_t>(layers_[l])]; }

  const std::vector<ir::OpId>& layers_;
  const std::vector<ir::Op>& ops_;
  const std::vector<TensorInfo>& tensors_;
  std::vector<std::size_t> readers_;
};

}  // namespace

std::vector<LayerRange> find_attention_groups(const std::vector<ir::OpId>& layers, const std::vector<ir::Op>& ops,
                                              const std::vector<TensorInfo>& tensors) {
  const GroupMatcher matcher(layers, ops, tensors);
  std::vector<LayerRange> groups;
  for (std::size_t first = 0; first < layers.size(); ++first) {
    const std::size_t last = matcher.match(first);
    if (last == first) continue;
    groups.push_back(LayerRange{first, last});
    first = last;
  }
  return groups;
}

void interleave_rows(TileProgram& program, const TileSpace& space, const LayerRange& group) {
  const auto in_group = [&](std::uint32_t layer) { return layer >= group.first && layer <= group.last; };
  const auto begin = std::find_if(program.exec_layer.begin(), program.exec_layer.end(), in_group);
  const auto end = std::find_if_not(begin, program.exec_layer.end(), in_group);
  const auto offset = static_cast<std::size_t>(begin - program.exec_layer.begin());
  const auto count = static_cast<std::size_t>(end - begin);
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), offset);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return space.ref(program.execs[a].dst).row < space.ref(program.execs[b].dst).row;
  });
  std::vector<TileExec> execs(count);
  std::vector<std::uint32_t> layers(count);
  for (std::size_t i = 0; i < count; ++i) {
    execs[i] = program.execs[order[i]];
    layers[i] = program.exec_layer[order[i]];
  }
  std::copy(execs.begin(), execs.end(), program.execs.begin() + static_cast<std::ptrdiff_t>(offset));
  std::copy(layers.begin(), layers.end(), program.exec_layer.begin() + static_cast<std::ptrdiff_t>(offset));
}

}  // namespace tilesim::sched
