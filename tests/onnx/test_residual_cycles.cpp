// Exact cycles of a ResNet-style residual join, y = relu(conv_a(x) + b +
// conv_b(x)), compiled and run end to end on the ideal machine
// (configs/hw/default.yaml), the figures derived in the comments from
// docs/cycle-model.md as in test_conv_cycles.cpp, the math checked by --verify.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

#include "tests/onnx/onnx_builders.h"
#include "tests/support/run_process.h"

using namespace tilesim;
using namespace tilesim::test;

namespace {

const std::string kSource = TILESIM_SOURCE_DIR;

// x [1,4,2,2]; a = Conv1x1(x, wa, ba), s = Conv1x1(x, ws) (the shortcut, no
// bias), y = Relu(a + s): both convs' results are nhwc [4, 4] images.
onnx::ModelProto residual_model() {
  onnx::ModelProto m = new_model(13);
  auto* g = m.mutable_graph();
  g->set_name("residual_join");
  for (const char* conv : {"a", "s"}) {
    const std::string w = std::string("w") + conv;
    auto* n = add_node(
        g, "Conv", conv[0] == 'a' ? std::vector<std::string>{"x", w, "ba"} : std::vector<std::string>{"x", w}, conv);
    set_ints(n, "kernel_shape", {1, 1});
    std::vector<float> values(16);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>((i * 5 + conv[0]) % 7) / 4 - 0.75f;
    add_initializer(g, w, {4, 4, 1, 1}, values);
  }
  add_initializer(g, "ba", {4}, {0.1f, -0.2f, 0.3f, -0.4f});
  add_node(g, "Add", {"a", "s"}, "sum");
  add_node(g, "Relu", {"sum"}, "y");
  set_shape(g->add_input(), "x", {1, 4, 2, 2});
  set_shape(g->add_output(), "y", {1, 4, 2, 2});
  return m;
}

}  // namespace

TEST_CASE("residual cycles: conv + bias + residual + relu in one matmul pass, worked out by hand",
          "[onnx][conv][cycles][residual]") {
  // Fusion (fusion_pass.h): a's matmul takes its bias ba, then the residual
  // s (nhwc [4, 4] like a's product, the shortcut conv's result), then the
  // relu: one FusedMatMul "matmul+add+add+relu" writing y.nhwc, whose last
  // (and only: K = 1) step reads s's tile as src[3]; s stays a plain matmul,
  // ordered first since y.nhwc reads it. The graph output y (nchw) is copied
  // out of y.nhwc through the relayout view y.view (a gather, a `scale` EXEC,
  // a STORE), as in test_conv_cycles.cpp. At 256 KiB the compiler emits
  //    0 LOAD s.im2col[0,0]   1 LOAD ws[0,0]   2 EXEC matmul s (deps 1)
  //    3 LOAD a.im2col[0,0]   4 LOAD wa[0,0]   5 LOAD ba[0,0]
  //    6 EXEC matmul y.nhwc <- a.im2col wa bias ba residual s relu (deps 5)
  //    7 STORE y.nhwc[0,0] (deps 6)   8 LOAD y.view[0,0]   9 EXEC scale (deps 8)
  //   10 STORE y[0,0] (deps 9)
  // s[0,0] stays in SRAM from EXEC 2 to EXEC 6 (the one load eliminated) and is
  // never stored. Transfers (cycle-model.md: setup 64 + ceil(bytes / 32)):
  // each im2col tile of the 1x1 conv gathers x's 4 channels x 4 pixels = 16
  // elements, 64 B: 66; a weight tile 4096 B: 192; the bias row 128 B: 68;
  // the y.view gather 16 elements: 66; a STORE 192. A matmul EXEC, with its
  // fused bias, residual and relu, 64 (matmul_tile_cycles); the scale 8.
  //   DMA      LOAD 0 [0,66) LOAD 1 [66,258)
  //   compute  EXEC 2 [258,322)                       (under LOAD 3: overlap 64)
  //   DMA      LOAD 3 [258,324) LOAD 4 [324,516) LOAD 5 [516,584)
  //   compute  EXEC 6 [584,648)                       (DMA idle: STORE 7 waits)
  //   DMA      STORE 7 [648,840) LOAD 8 [840,906)
  //   compute  EXEC 9 [906,914)                       (DMA idle)
  //   DMA      STORE 10 [914,1106)
  // Cycles 1106; DMA busy 66 + 192 + 66 + 192 + 68 + 192 + 66 + 192 = 1034;
  // compute busy 64 + 64 + 8 = 136; overlap 64. Loaded 64 + 4096 + 64 + 4096
  // + 128 + 64 = 8512 B; stored 2 tiles, 8192 B. Unfused, the add and the
  // relu would be two more vector EXECs (8 each) on y.nhwc's tile.
  // Bound: compute 136; compulsory bytes wa 4096 + ws 4096 + ba 128 + x's 16
  // distinct gathered elements 64 (both im2col views read the same ones) + y
  // 4096 = 12480, DMA 12480 / 32 = 390.
  write_model(residual_model(), "residual_join.onnx");
  const auto r =
      run_tilesim({"run", "--hw", kSource + "/configs/hw/default.yaml", "--model", "residual_join.onnx", "--set",
                   "sram.size_kib=256", "--verify", "--stats-json", "residual_join.json", "--force"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("verify y:") != std::string::npos);
  std::ifstream in("residual_join.json");
  const auto s = nlohmann::json::parse(in);
  CHECK(s["cycles"] == 1106);
  CHECK(s["dma"]["busy_cycles"] == 1034);
  CHECK(s["compute"]["busy_cycles"] == 136);
  CHECK(s["compute"]["tile_ops"] == 3);
  CHECK(s["overlap_cycles"] == 64);
  CHECK(s["dma"]["loads"] == 6);
  CHECK(s["dma"]["stores"] == 2);
  CHECK(s["dma"]["bytes_loaded"] == 8512);
  CHECK(s["dma"]["bytes_stored"] == 8192);
  CHECK(s["bound"]["compute_cycles"] == 136);
  CHECK(s["bound"]["dma_cycles"] == 390);
  REQUIRE(s["layers"].size() == 3);
  const std::vector<std::string> names = {"s", "y.nhwc", "y"};
  const std::vector<int> first = {0, 258, 840}, last = {322, 840, 1106};
  for (std::size_t l = 0; l < 3; ++l) {
    INFO("layer " << l);
    CHECK(s["layers"][l]["name"] == names[l]);
    CHECK(s["layers"][l]["first_cycle"] == first[l]);
    CHECK(s["layers"][l]["last_cycle"] == last[l]);
  }
  CHECK(s["layers"][1]["ops"] == "matmul+add+add+relu");
}
