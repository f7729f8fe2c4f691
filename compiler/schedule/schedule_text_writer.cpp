#include <charconv>
#include <ostream>

#include "compiler/schedule/schedule_text.h"
#include "compiler/schedule/tile_format.h"
#include "compiler/schedule/view_text.h"

namespace tilesim::sched {
namespace {

// A bare word when it needs no quoting, else "..." with \" \\ \n \t \xNN escapes.
std::string text_value(const std::string& s) {
  bool bare = !s.empty();
  for (unsigned char c : s) bare = bare && c > 0x20 && c != '"' && c != '\\' && c != 0x7f;
  if (bare) return s;
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// One matrix's shape: [cols] for rank 0 and 1 (one row), else [rows,cols].
std::string shape(int rank, std::int64_t rows, std::int64_t cols) {
  if (rank <= 1) return "[" + std::to_string(cols) + "]";
  return "[" + std::to_string(rows) + "," + std::to_string(cols) + "]";
}

// The optional fields after padded=: dram= when the tensor has an address;
// batch= when not 1; dims= when given, and
// dims=[] for rank 0; rank= when the reader could not infer it from those
// (from dims= when present, else from shape=: 1 or 2); the layout and view
// fields (view_text.h).
std::string tensor_extras(const Schedule& s, const TensorInfo& t) {
  std::string out;
  if (t.dram_address) out += " dram=" + format_dram_addr(*t.dram_address);
  const bool dims = !t.dims.empty() || t.rank == 0;
  const int inferred = dims ? static_cast<int>(t.dims.size()) : (t.rank <= 1 ? 1 : 2);
  if (t.rank != inferred) out += " rank=" + std::to_string(t.rank);
  if (t.batch != 1) out += " batch=" + std::to_string(t.batch);
  if (dims) {
    out += " dims=[";
    for (std::size_t i = 0; i < t.dims.size(); ++i) out += (i ? "," : "") + std::to_string(t.dims[i]);
    out += "]";
  }
  out += layout_fields(t);
  if (t.is_view()) {
    const bool known = t.view.of >= 0 && static_cast<std::size_t>(t.view.of) < s.tensors.size();
    out +=
        view_fields(t, known ? s.tensors[static_cast<std::size_t>(t.view.of)].name : "#" + std::to_string(t.view.of));
  }
  return out;
}

void append_number(std::string& out, std::int64_t value) {
  char buf[24];
  out.append(buf, static_cast<std::size_t>(std::to_chars(buf, buf + sizeof buf, value).ptr - buf));
}

// "name[row,col]@0x1000" without temporaries: millions of these per schedule.
void append_operand(std::string& out, const Schedule& s, const TileRef& tile, std::uint32_t addr) {
  if (tile.valid() && static_cast<std::size_t>(tile.tensor) < s.tensors.size()) {
    out += s.tensors[static_cast<std::size_t>(tile.tensor)].name;
    out += '[';
    append_number(out, tile.row);
    out += ',';
    append_number(out, tile.col);
    out += ']';
  } else {
    out += format_tile(s, tile);
  }
  char buf[12];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = "0123456789abcdef"[addr & 15];
    addr >>= 4;
  } while (addr != 0 || end - p < 4);
  out += "@0x";
  out.append(p, static_cast<std::size_t>(end - p));
}

// " min=0 max=6": the kind's named constants (" clip min=0 max=6" for a
// matmul's fused clip); " params=#N" for an index outside the table (an
// invalid schedule, written as it is).
void append_params(std::string& out, const Uop& x, const ExecParams* params) {
  if (!params) {
    out += " params=#";
    append_number(out, x.params);
    return;
  }
  // A matmul's fused activation: its name, then its constants.
  const ExecKind kind = x.exec == ExecKind::MatMul ? params->fused : x.exec;
  if (x.exec == ExecKind::MatMul && kind != ExecKind::MatMul) {
    out += ' ';
    out += to_string(kind);
  }
  for (int i = 0; i < 2; ++i) {
    const char* name = param_name(kind, i);
    if (!name) continue;
    out += ' ';
    out += name;
    out += '=';
    out += format_scale(params->param[i]);
  }
}

}  // namespace

void write_schedule_text(const Schedule& s, std::ostream& out) {
  out << "tilesim-schedule 1\n";
  out << "model " << text_value(s.model) << "\n";
  out << "sram_bytes " << s.sram_bytes << "\n";
  out << "dram_layout " << to_string(s.dram_layout) << "\n";
  for (std::size_t i = 0; i < s.tensors.size(); ++i) {
    const TensorInfo& t = s.tensors[i];
    out << "tensor " << i << " " << text_value(t.name) << " " << to_string(t.role)
        << " shape=" << shape(t.rank, t.rows, t.cols) << " padded=" << shape(t.rank, t.padded_rows, t.padded_cols)
        << tensor_extras(s, t) << (t.is_graph_output ? " graph_output" : "") << "\n";
  }
  out << "totals loads=" << s.loads << " stores=" << s.stores << " execs=" << s.execs
      << " loads_eliminated=" << s.loads_eliminated << " bytes_loaded=" << s.bytes_loaded
      << " bytes_stored=" << s.bytes_stored << " sram_peak_bytes=" << s.sram_peak_bytes
      << " compulsory_loads=" << s.compulsory_loads << " compulsory_bytes=" << s.compulsory_bytes << "\n";
  for (const LayerSummary& l : s.layers) {
    out << "layer name=" << text_value(l.name) << " ops=" << text_value(l.ops) << " shapes=" << text_value(l.shapes)
        << " tiles=" << text_value(l.tiles) << " plan=" << text_value(l.plan) << " loads=" << l.loads
        << " stores=" << l.stores << " execs=" << l.execs << " loads_eliminated=" << l.loads_eliminated
        << " dma_bytes=" << l.dma_bytes << " sram_peak_bytes=" << l.sram_peak_bytes
        << " compulsory_bytes=" << l.compulsory_bytes << "\n";
  }
  out << "uops " << s.uops.size() << "\n";
  std::string chunk;
  for (std::size_t id = 0; id < s.uops.size(); ++id) {
    const Uop& x = s.uops[id];
    append_number(chunk, static_cast<std::int64_t>(id));
    chunk += ' ';
    chunk += to_string(x.unit());
    chunk += ' ';
    chunk += to_string(x.kind);
    if (x.kind == UopKind::Exec) {
      chunk += ' ';
      chunk += to_string(x.exec);
    }
    chunk += ' ';
    append_operand(chunk, s, x.tile, x.addr);
    if (x.kind == UopKind::Exec) {
      chunk += " <-";
      const ExecParams* params = x.params < s.exec_params.size() ? &s.exec_params[x.params] : nullptr;
      for (int i = 0; i < kMaxSrcs; ++i) {
        if (!x.src[i].valid()) continue;
        const bool matmul = x.exec == ExecKind::MatMul;  // layer_norm's gamma and beta are positional
        chunk += matmul && i == 2 ? " bias " : matmul && i == 3 ? " residual " : " ";
        append_operand(chunk, s, x.src[i], x.src_addr[i]);
        if (params && i < 2 && params->form[i] != Broadcast::Tile) {
          chunk += ':';
          chunk += to_string(params->form[i]);
        }
      }
      if (x.zero_init) chunk += " zero_init";
      if (x.relu) chunk += " relu";
      append_params(chunk, x, params);
    }
    chunk += " deps=";
    if (x.dep == kNoUop)
      chunk += '-';
    else
      append_number(chunk, x.dep);
    if (id < s.uop_layer.size()) {
      chunk += " layer=";
      append_number(chunk, s.uop_layer[id]);
    }
    chunk += '\n';
    if (chunk.size() > (1 << 16)) {
      out << chunk;
      chunk.clear();
    }
  }
  out << chunk;
}

}  // namespace tilesim::sched
