#include "compiler/frontend/onnx_loader.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/frontend/model_loader.h"
#include "compiler/support/input_error.h"

namespace tilesim::frontend {

namespace {

using ir::OpKind;
using ir::Shape;
using ir::TensorId;
using ir::TensorKind;

constexpr const char* kSupportedOps = "MatMul, Gemm, Relu, Add or Transpose";
// Protobuf refuses messages over 2 GiB anyway; a model near that is no use here.
constexpr std::int64_t kMaxOnnxBytes = std::int64_t{1} << 30;

std::string dtype_name(int type) {
  if (onnx::TensorProto_DataType_IsValid(type)) {
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
  }
  return "type " + std::to_string(type);
}

class OnnxImporter {
 public:
  explicit OnnxImporter(std::string path) : path_(std::move(path)) {}

  ir::Graph run() {
    onnx::ModelProto model = parse();
    const onnx::GraphProto& g = model.graph();
    graph_.name = g.name().empty() ? std::filesystem::path(path_).stem().string() : g.name();
    graph_.source = path_;
    for (const onnx::TensorProto& init : g.initializer()) add_initializer(init);
    for (const onnx::ValueInfoProto& input : g.input()) {
      if (graph_.find(input.name()) == ir::kNone) add_input(input);
    }
    for (const onnx::NodeProto& node : g.node()) add_node(node);
    for (const onnx::ValueInfoProto& output : g.output()) add_output(output);
    if (graph_.outputs.empty()) fail("graph", "has no outputs", "at least one graph output");
    graph_.relink();
    graph_.topological_order();  // a cycle is an error too
    return std::move(graph_);
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& expected) const {
    throw InputError(path_, key, problem, expected);
  }

  onnx::ModelProto parse() const {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path_, ec);
    if (ec) throw InputError(path_, "", "cannot open: " + ec.message(), "a readable ONNX file");
    if (static_cast<std::int64_t>(size) > kMaxOnnxBytes) {
      throw InputError(path_, "", "file is larger than 1 GiB", "an ONNX model of a size this simulator can run");
    }
    std::ifstream in(path_, std::ios::binary);
    onnx::ModelProto model;
    if (!in || !model.ParseFromIstream(&in)) {
      throw InputError(path_, "", "not an ONNX model (protobuf parsing failed)", "an ONNX ModelProto file");
    }
    if (!model.has_graph()) throw InputError(path_, "", "the model has no graph", "an ONNX model with a graph");
    return model;
  }

  static std::string node_key(const onnx::NodeProto& node) {
    return "node '" + (node.name().empty() ? node.output_size() ? node.output(0) : std::string("?") : node.name()) +
           "' (" + node.op_type() + ")";
  }

  Shape shape_of(const std::vector<std::int64_t>& dims, const std::string& key) const {
    if (dims.size() > 4) {
      fail(key, "has rank " + std::to_string(dims.size()), "a tensor of rank 0 to 4");
    }
    std::int64_t elements = 1;
    for (const std::int64_t d : dims) {
      if (d <= 0) fail(key, "has a dimension of " + std::to_string(d), "dimensions >= 1");
      elements *= d;
      if (elements > kMaxTensorElements) {
        fail(key, "has more than 2^31 elements", "tensors of at most 2^31 elements");
      }
    }
    return Shape::from_dims(dims);
  }

  TensorId add_tensor(const std::string& name, Shape shape, TensorKind kind, const std::string& key) {
    if (name.empty()) fail(key, "has an empty name", "named tensors");
    if (graph_.find(name) != ir::kNone) fail(key, "tensor '" + name + "' is defined twice", "unique tensor names");
    ir::Tensor t;
    t.name = name;
    t.shape = std::move(shape);
    t.kind = kind;
    return graph_.add_tensor(std::move(t));
  }

  void add_initializer(const onnx::TensorProto& init) {
    const std::string key = "initializer '" + init.name() + "'";
    std::vector<std::int64_t> dims(init.dims().begin(), init.dims().end());
    const Shape shape = shape_of(dims, key);
    const std::int64_t count = shape.batch() * shape.rows * shape.cols;
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(count));
    if (init.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
      fail(key, "stores its data in an external file", "initializers stored inside the model");
    }
    if (init.data_type() == onnx::TensorProto_DataType_FLOAT) {
      if (!init.raw_data().empty()) {
        if (init.raw_data().size() != static_cast<std::size_t>(count) * 4) {
          fail(key,
               "raw data of " + std::to_string(init.raw_data().size()) + " bytes for " + std::to_string(count) +
                   " floats",
               "4 bytes per element");
        }
        values.resize(static_cast<std::size_t>(count));
        std::memcpy(values.data(), init.raw_data().data(), init.raw_data().size());
      } else {
        values.assign(init.float_data().begin(), init.float_data().end());
      }
    } else if (init.data_type() == onnx::TensorProto_DataType_DOUBLE) {
      if (!init.raw_data().empty()) {
        if (init.raw_data().size() != static_cast<std::size_t>(count) * 8) {
          fail(key,
               "raw data of " + std::to_string(init.raw_data().size()) + " bytes for " + std::to_string(count) +
                   " doubles",
               "8 bytes per element");
        }
        for (std::int64_t i = 0; i < count; ++i) {
          double v = 0;
          std::memcpy(&v, init.raw_data().data() + 8 * i, 8);
          values.push_back(static_cast<float>(v));
        }
      } else {
        for (const double v : init.double_data()) values.push_back(static_cast<float>(v));
      }
    } else {
      fail(key, "has data type " + dtype_name(init.data_type()), "FLOAT (float32) tensors only");
    }
    if (static_cast<std::int64_t>(values.size()) != count) {
      fail(key, "holds " + std::to_string(values.size()) + " values for shape " + ir::to_string(shape),
           std::to_string(count) + " values");
    }
    const TensorId id = add_tensor(init.name(), shape, TensorKind::Param, key);
    graph_.tensors[id].values = std::move(values);
  }

  Shape declared_shape(const onnx::ValueInfoProto& info, const std::string& key) const {
    if (!info.type().has_tensor_type()) fail(key, "is not a tensor", "a float32 tensor");
    const auto& tt = info.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto_DataType_FLOAT) {
      fail(key, "has element type " + dtype_name(tt.elem_type()), "FLOAT (float32) tensors only");
    }
    if (!tt.has_shape()) fail(key, "has no shape", "a static shape");
    std::vector<std::int64_t> dims;
    for (const auto& dim : tt.shape().dim()) {
      if (!dim.has_dim_value()) {
        fail(key, "has a dynamic dimension" + (dim.has_dim_param() ? " '" + dim.dim_param() + "'" : std::string()),
             "static dimensions (export with fixed shapes)");
      }
      dims.push_back(dim.dim_value());
    }
    return shape_of(dims, key);
  }

  void add_input(const onnx::ValueInfoProto& input) {
    const std::string key = "input '" + input.name() + "'";
    add_tensor(input.name(), declared_shape(input, key), TensorKind::Input, key);
  }

  TensorId input_of(const onnx::NodeProto& node, int index) const {
    if (index >= node.input_size() || node.input(index).empty()) {
      fail(node_key(node), "has no input " + std::to_string(index), "the inputs the op requires");
    }
    const TensorId id = graph_.find(node.input(index));
    if (id == ir::kNone) {
      fail(node_key(node), "reads tensor '" + node.input(index) + "', which nothing defines before it",
           "graph inputs, initializers or outputs of earlier nodes");
    }
    return id;
  }

  const Shape& shape(TensorId id) const { return graph_.tensors[id].shape; }

  TensorId new_intermediate(const std::string& name, const Shape& s, const std::string& key) {
    return add_tensor(name, s, TensorKind::Intermediate, key);
  }

  TensorId emit(OpKind kind, std::vector<TensorId> inputs, const std::string& out_name, const Shape& out_shape,
                const std::string& key, float scale = 1.0f) {
    const TensorId out = graph_.find(out_name) == ir::kNone ? new_intermediate(out_name, out_shape, key) : ir::kNone;
    if (out == ir::kNone) fail(key, "writes tensor '" + out_name + "', which is already defined", "unique names");
    ir::Op op;
    op.kind = kind;
    op.inputs = std::move(inputs);
    op.output = out;
    op.scale = scale;
    graph_.add_op(std::move(op));
    return out;
  }

  // A fresh name for a tensor the import introduces (a Gemm's intermediate).
  std::string fresh(const std::string& base) {
    for (int i = 0;; ++i) {
      const std::string name = base + (i ? "." + std::to_string(i) : "");
      if (graph_.find(name) == ir::kNone) return name;
    }
  }

  bool is_stored(TensorId id) const {
    const TensorKind kind = graph_.tensors[id].kind;
    return kind == TensorKind::Input || kind == TensorKind::Param;
  }

  // The transpose of a graph input or initializer, as a view the DMA reads
  // transposed. `why` names the attribute or op for the error.
  TensorId transposed(TensorId id, const onnx::NodeProto& node, const std::string& why) {
    const std::string key = node_key(node);
    if (!is_stored(id)) {
      fail(key, why + " of a computed tensor ('" + graph_.tensors[id].name + "') is not supported",
           "a transposed graph input or initializer (the DMA engine transposes while loading)");
    }
    if (shape(id).rank < 2)
      fail(key, why + " of a rank-" + std::to_string(shape(id).rank) + " tensor", "rank 2 or more");
    Shape s = shape(id);
    std::swap(s.rows, s.cols);
    return emit(OpKind::Transpose, {id}, fresh(graph_.tensors[id].name + ".T"), s, key);
  }

  static float float_attr(const onnx::NodeProto& node, const char* name, float fallback) {
    for (const auto& a : node.attribute()) {
      if (a.name() == name) return a.has_f() ? a.f() : static_cast<float>(a.i());
    }
    return fallback;
  }
  static std::int64_t int_attr(const onnx::NodeProto& node, const char* name, std::int64_t fallback) {
    for (const auto& a : node.attribute()) {
      if (a.name() == name) return a.i();
    }
    return fallback;
  }

  // Add's broadcasting, as the hardware can do it; `a` is the larger operand.
  void check_add_broadcast(const Shape& a, const Shape& b, const std::string& key) const {
    if (a == b || b.is_scalar()) return;
    const bool row = b.rows == 1 && b.cols == a.cols && b.batch() == 1;
    if (row) return;
    const auto& ab = a.batch_dims;
    const auto& bb = b.batch_dims;
    const bool suffix = b.rows == a.rows && b.cols == a.cols && bb.size() <= ab.size() &&
                        std::equal(bb.rbegin(), bb.rend(), ab.rbegin());
    if (suffix) return;
    fail(key, "broadcasts " + ir::to_string(b) + " over " + ir::to_string(a),
         "equal shapes, a scalar, a row [N] or [1, N], or the trailing dims of the other operand");
  }

  void add_node(const onnx::NodeProto& node) {
    const std::string key = node_key(node);
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      fail(key, "is in domain '" + node.domain() + "'", "the default ONNX domain");
    }
    const std::string& op = node.op_type();
    if (op != "MatMul" && op != "Gemm" && op != "Relu" && op != "Add" && op != "Transpose") {
      fail(key, "unsupported op", "one of " + std::string(kSupportedOps));
    }
    if (node.output_size() != 1 || node.output(0).empty()) fail(key, "does not have exactly one output", "one output");
    const std::string& out = node.output(0);

    if (op == "Relu") {
      const TensorId x = input_of(node, 0);
      emit(OpKind::Relu, {x}, out, shape(x), key);
    } else if (op == "Add") {
      TensorId a = input_of(node, 0), b = input_of(node, 1);
      if (shape(b).rank > shape(a).rank || (shape(b).rank == shape(a).rank && shape(a).is_scalar())) std::swap(a, b);
      check_add_broadcast(shape(a), shape(b), key);
      emit(OpKind::Add, {a, b}, out, shape(a), key);
    } else if (op == "Transpose") {
      const TensorId x = input_of(node, 0);
      const int rank = shape(x).rank;
      std::vector<std::int64_t> perm;
      for (const auto& a : node.attribute()) {
        if (a.name() == "perm") perm.assign(a.ints().begin(), a.ints().end());
      }
      std::vector<std::int64_t> last_two_swapped;
      for (int i = 0; i < rank; ++i) last_two_swapped.push_back(i);
      if (rank >= 2) std::swap(last_two_swapped[rank - 1], last_two_swapped[rank - 2]);
      const bool reversed_default = perm.empty() && rank == 2;
      if (rank < 2 || !(reversed_default || perm == last_two_swapped)) {
        fail(key, "permutes the dims of a rank-" + std::to_string(rank) + " tensor in a way the hardware cannot",
             "a swap of the last two dims (a rank-2 transpose)");
      }
      if (!is_stored(x)) {
        fail(key, "transposes a computed tensor ('" + graph_.tensors[x].name + "')",
             "a Transpose of a graph input or initializer (the DMA engine transposes while loading)");
      }
      Shape s = shape(x);
      std::swap(s.rows, s.cols);
      emit(OpKind::Transpose, {x}, out, s, key);
    } else if (op == "MatMul") {
      add_matmul(node, input_of(node, 0), input_of(node, 1), out, key);
    } else {
      add_gemm(node, out, key);
    }
  }

  Shape matmul_shape(const Shape& a, const Shape& b, const std::string& key) const {
    if (a.rank < 2 || b.rank < 2) {
      fail(key, "multiplies shapes " + ir::to_string(a) + " and " + ir::to_string(b),
           "operands of rank 2 to 4 (no rank-1 vectors)");
    }
    if (a.cols != b.rows) {
      fail(key, "shapes " + ir::to_string(a) + " and " + ir::to_string(b) + " do not match",
           "[..., M, K] @ [..., K, N]");
    }
    if (b.rank > 2 && b.batch_dims != a.batch_dims) {
      fail(key, "batch dims of " + ir::to_string(a) + " and " + ir::to_string(b) + " differ",
           "equal batch dims, or a 2-D right operand");
    }
    Shape out = a;
    out.cols = b.cols;
    return out;
  }

  TensorId add_matmul(const onnx::NodeProto&, TensorId a, TensorId b, const std::string& out, const std::string& key) {
    return emit(OpKind::MatMul, {a, b}, out, matmul_shape(shape(a), shape(b), key), key);
  }

  void add_gemm(const onnx::NodeProto& node, const std::string& out, const std::string& key) {
    const float alpha = float_attr(node, "alpha", 1.0f);
    const float beta = float_attr(node, "beta", 1.0f);
    for (const auto& [name, value] : {std::pair<const char*, float>{"alpha", alpha}, {"beta", beta}}) {
      if (!std::isfinite(value)) {
        std::ostringstream shown;
        shown << value;
        fail(key, std::string(name) + " is " + shown.str(), "a finite number");
      }
    }
    const std::int64_t trans_a = int_attr(node, "transA", 0), trans_b = int_attr(node, "transB", 0);
    TensorId a = input_of(node, 0), b = input_of(node, 1);
    if (shape(a).rank != 2 || shape(b).rank != 2) {
      fail(key, "has operands " + ir::to_string(shape(a)) + " and " + ir::to_string(shape(b)), "rank-2 A and B");
    }
    if (trans_a) a = transposed(a, node, "transA");
    if (trans_b) b = transposed(b, node, "transB");
    const bool has_c = node.input_size() > 2 && !node.input(2).empty();
    const bool scaled = alpha != 1.0f;
    const bool last_is_product = !has_c && !scaled;
    const std::string product = last_is_product ? out : fresh(out + ".ab");
    TensorId p = add_matmul(node, a, b, product, key);
    if (scaled) p = emit(OpKind::Scale, {p}, has_c ? fresh(out + ".alpha_ab") : out, shape(p), key, alpha);
    if (!has_c) return;
    TensorId c = input_of(node, 2);
    const Shape ps = shape(p);  // copies: emit() grows the tensor table
    const Shape cs = shape(c);
    const bool ok = cs.is_scalar() || (cs.rank == 1 && cs.cols == ps.cols) ||
                    (cs.rank == 2 && cs.rows == 1 && cs.cols == ps.cols) || (cs.rank == 2 && cs == ps);
    if (!ok) {
      fail(key, "has C of shape " + ir::to_string(cs) + " for a product of shape " + ir::to_string(ps),
           "C of shape [], [1], [N], [1, N] or [M, N]");
    }
    if (beta != 1.0f) c = emit(OpKind::Scale, {c}, fresh(node.input(2) + ".beta"), cs, key, beta);
    emit(OpKind::Add, {p, c}, out, ps, key);
  }

  void add_output(const onnx::ValueInfoProto& output) {
    const std::string key = "output '" + output.name() + "'";
    const TensorId id = graph_.find(output.name());
    if (id == ir::kNone) fail(key, "is not produced by any node", "an output of some node");
    ir::Tensor& t = graph_.tensors[id];
    if (t.kind != TensorKind::Intermediate) {
      fail(key, "is a graph input or initializer, not computed", "an output of some node");
    }
    if (graph_.ops[t.producer].kind == OpKind::Transpose) {
      fail(key, "is the result of a Transpose",
           "a Transpose that feeds a MatMul or another op (the hardware "
           "transposes while loading, not in place)");
    }
    if (output.type().has_tensor_type() &&
        output.type().tensor_type().elem_type() != onnx::TensorProto_DataType_FLOAT) {
      fail(key, "has element type " + dtype_name(output.type().tensor_type().elem_type()), "FLOAT (float32)");
    }
    t.kind = TensorKind::Output;
    graph_.outputs.push_back(id);
  }

  std::string path_;
  ir::Graph graph_;
};

}  // namespace

ir::Graph load_onnx(const std::string& path) { return OnnxImporter(path).run(); }

ir::Graph load_any_model(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".onnx" ? load_onnx(path) : load_model(path);
}

}  // namespace tilesim::frontend
