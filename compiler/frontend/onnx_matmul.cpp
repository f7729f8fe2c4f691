#include "compiler/frontend/onnx_matmul.h"

#include "compiler/frontend/onnx_node_importer.h"

#include <onnx/onnx_pb.h>

#include <algorithm>

#include "compiler/frontend/onnx_broadcast.h"
#include "compiler/frontend/onnx_image.h"
#include "compiler/frontend/onnx_select.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;

class MatmulImporter : NodeImporter {
 public:
  using NodeImporter::NodeImporter;

  bool run() {
    const std::string& op = node_.op_type();
    if (op == "Transpose") {
      transpose();
    } else if (op == "MatMul") {
      matmul(b_.input_of(node_, 0), b_.input_of(node_, 1), out_);
    } else if (op == "Gemm") {
      gemm();
    } else {
      return false;
    }
    return true;
  }

 private:
  // A graph input or initializer in matrix layout: what a transposing LOAD reads.
  bool is_stored(TensorId id) const {
    const ir::TensorKind kind = b_.tensor(id).kind;
    return (kind == ir::TensorKind::Input || kind == ir::TensorKind::Param) && shape(id).layout == ir::Layout::Matrix;
  }

  // The transpose of a graph input or initializer, as a view the DMA reads
  // transposed. `why` names the attribute for the error.
  TensorId transposed(TensorId id, const std::string& why) {
    if (shape(id).rank == 2 && !is_stored(id)) {  // issue 14: a Permute view
      return permuted(b_, id, {1, 0}, b_.fresh(b_.tensor(id).name + ".T"), key_);
    }
    if (shape(id).rank < 2) fail(why + " of a rank-" + std::to_string(shape(id).rank) + " tensor", "rank 2 or more");
    Shape s = shape(id);
    std::swap(s.rows, s.cols);
    return emit(OpKind::Transpose, {id}, b_.fresh(b_.tensor(id).name + ".T"), s);
  }

  void transpose() {
    const TensorId x = b_.input_of(node_, 0);
    const int rank = shape(x).rank;
    std::vector<std::int64_t> identity;
    for (int i = 0; i < rank; ++i) identity.push_back(i);
    std::vector<std::int64_t> perm =
        attributes_.perm ? *attributes_.perm : std::vector<std::int64_t>(identity.rbegin(), identity.rend());
    if (!std::is_permutation(perm.begin(), perm.end(), identity.begin(), identity.end())) {
      fail("perm " + list_text(perm) + " is not a permutation of the " + std::to_string(rank) + " dims of " +
               ir::to_string(shape(x)),
           "each of 0 to " + std::to_string(rank - 1) + " once");
    }
    std::vector<std::int64_t> last_two_swapped = identity;
    if (rank >= 2) std::swap(last_two_swapped[rank - 1], last_two_swapped[rank - 2]);
    // The swap of the last two dims of a stored tensor stays the transposing
    // LOAD (its cycles); any other Transpose is a Permute view (issue 14), as
    // is a graph output (stored through a copy).
    if (rank < 2 || perm != last_two_swapped || !is_stored(x) || b_.is_graph_output(out_)) {
      permuted(b_, x, perm, out_, key_);
      return;
    }
    Shape s = shape(x);
    std::swap(s.rows, s.cols);
    emit(OpKind::Transpose, {x}, out_, s);
  }

  Shape matmul_shape(const Shape& a, const Shape& b) const {
    if (a.rank < 2 || b.rank < 2) {
      fail("multiplies shapes " + ir::to_string(a) + " and " + ir::to_string(b),
           "operands of rank 2 to 4 (no rank-1 vectors)");
    }
    if (a.cols != b.rows) {
      fail("shapes " + ir::to_string(a) + " and " + ir::to_string(b) + " do not match", "[..., M, K] @ [..., K, N]");
    }
    if (b.rank > 2 && b.batch_dims != a.batch_dims) {
      fail("batch dims of " + ir::to_string(a) + " and " + ir::to_string(b) + " differ",
           "equal batch dims, or a 2-D right operand");
    }
    Shape out = a;
    out.cols = b.cols;
    return out;
  }

  // Storage rows and columns are the operands' last two dims only in matrix layout.
  TensorId matmul(TensorId a, TensorId b, const std::string& name) {
    a = matrix_form(b_, a, key_);
    b = matrix_form(b_, b, key_);
    return emit(OpKind::MatMul, {a, b}, name, matmul_shape(shape(a), shape(b)));
  }

  void gemm() {
    TensorId a = b_.input_of(node_, 0), b = b_.input_of(node_, 1);
    if (shape(a).rank != 2 || shape(b).rank != 2) {
      fail("has operands " + ir::to_string(shape(a)) + " and " + ir::to_string(shape(b)), "rank-2 A and B");
    }
    if (attributes_.trans_a) a = transposed(a, "transA");
    if (attributes_.trans_b) b = transposed(b, "transB");
    const bool has_c = has_input(node_, 2);
    const bool scaled = attributes_.alpha != 1.0f;
    const std::string product = !has_c && !scaled ? out_ : b_.fresh(out_ + ".ab");
    TensorId p = matmul(a, b, product);
    if (scaled) p = emit(OpKind::Scale, {p}, has_c ? b_.fresh(out_ + ".alpha_ab") : out_, shape(p), attributes_.alpha);
    if (!has_c) return;
    TensorId c = b_.input_of(node_, 2);
    const Shape ps = shape(p);  // copies: emit() grows the tensor table
    const Shape cs = shape(c);
    if (const auto refusal = gemm_c_refusal(cs, ps, attributes_, b_.opset())) fail(refusal->problem, refusal->expected);
    if (attributes_.beta != 1.0f)
      c = emit(OpKind::Scale, {c}, b_.fresh(node_.input(2) + ".beta"), cs, attributes_.beta);
    emit(OpKind::Add, {p, c}, out_, ps);
  }
};

}  // namespace

bool import_matmul(OnnxGraphBuilder& builder, const onnx::NodeProto& node, const NodeAttributes& attributes,
                   const std::string& key) {
  return MatmulImporter(builder, node, attributes, key).run();
}

}  // namespace tilesim::frontend
