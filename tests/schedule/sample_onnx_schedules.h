// Hand-built schedules for the ONNX extensions of the contract: stacks of
// matrices, Add repeating over a stack, scalars, transposed views and Scale.
// Dependencies come from the tests' resolver.
#pragma once

#include "tests/schedule/schedule_builder.h"

namespace tilesim::sched::testing {

// c[2,64,32] = a[2,64,64] @ w, w one [64,32] matrix shared by both (shared_b)
// or a stack [2,64,32]: 2 matrices x 2 tile rows x 2 K steps, ping/pong slots.
inline Builder batched_matmul(bool shared_b) {
  Builder b(6 * kTileBytes, shared_b ? "bmm_shared" : "bmm");
  const auto a = b.stack("a", TensorRole::Input, {2}, 64, 64);
  const auto w = shared_b ? b.tensor("w", TensorRole::Param, 64, 32) : b.stack("w", TensorRole::Param, {2}, 64, 32);
  const auto c = b.stack("c", TensorRole::Output, {2}, 64, 32);
  std::uint32_t step = 0;
  for (std::int32_t m = 0; m < 2; ++m) {
    for (std::int32_t i = 0; i < 2; ++i) {
      const std::int32_t row = m * 2 + i;
      const std::uint32_t acc = static_cast<std::uint32_t>(4 + row % 2) * kTileBytes;
      for (std::int32_t k = 0; k < 2; ++k, ++step) {
        const std::uint32_t pa = (step % 2) * kTileBytes, pb = (2 + step % 2) * kTileBytes;
        const TileRef wt = T(w, (shared_b ? 0 : m) * 2 + k, 0);
        b.load(T(a, row, k), pa);
        b.load(wt, pb);
        b.matmul({T(c, row, 0), acc}, {T(a, row, k), pa}, {wt, pb}, k == 0);
      }
      b.store(T(c, row, 0), acc);
    }
  }
  resolve_deps(b.schedule());
  return b;
}

// y[2,64,32] = x[2,64,32] + z[64,32]: z repeats over the stack, so y's tile
// row r adds z's row r % 2.
inline Builder add_over_stack() {
  Builder b(6 * kTileBytes, "add_stack");
  const auto x = b.stack("x", TensorRole::Input, {2}, 64, 32);
  const auto z = b.tensor("z", TensorRole::Param, 64, 32);
  const auto y = b.stack("y", TensorRole::Output, {2}, 64, 32);
  for (std::int32_t r = 0; r < 4; ++r) {
    const std::uint32_t base = static_cast<std::uint32_t>(r % 2 * 3 * kTileBytes);
    const std::uint32_t tile = static_cast<std::uint32_t>(kTileBytes);
    b.load(T(x, r, 0), base);
    b.load(T(z, r % 2, 0), base + tile);
    b.elementwise(ExecKind::Add, {T(y, r, 0), base + 2 * tile}, {{T(x, r, 0), base}, {T(z, r % 2, 0), base + tile}});
    b.store(T(y, r, 0), base + 2 * tile);
  }
  resolve_deps(b.schedule());
  return b;
}

// y[32,64] = x[32,32] @ w[32,64] + s with the rank-0 scalar s fused as the
// bias of both column tiles, and h[32,32] = x + s as a bias_add: s's one tile
// (0,0) serves every column; its LOAD moves 4 bytes.
inline Builder scalar_bias() {
  Builder b(6 * kTileBytes, "scalar_bias");
  const auto x = b.tensor("x", TensorRole::Input, 32, 32);
  const auto w = b.tensor("w", TensorRole::Param, 32, 64);
  const auto s = b.scalar("s", TensorRole::Param);
  const auto y = b.tensor("y", TensorRole::Output, 32, 64);
  const auto h = b.tensor("h", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);                                                                      // 0
  b.load(T(w, 0, 0), 0x1000);                                                                      // 1
  b.load(T(w, 0, 1), 0x2000);                                                                      // 2
  b.load(T(s, 0, 0), 0x3000);                                                                      // 3
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, kNoUop, false,  // 4
           {T(s, 0, 0), 0x3000});
  b.matmul({T(y, 0, 1), 0x5000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 1), 0x2000}, true, kNoUop, false,  // 5
           {T(s, 0, 0), 0x3000});
  b.store(T(y, 0, 0), 0x4000);                                                                       // 6
  b.store(T(y, 0, 1), 0x5000);                                                                       // 7
  b.elementwise(ExecKind::Add, {T(h, 0, 0), 0x1000}, {{T(x, 0, 0), 0x0000}, {T(s, 0, 0), 0x3000}});  // 8
  b.store(T(h, 0, 0), 0x1000);                                                                       // 9
  resolve_deps(b.schedule());
  return b;
}

// y[32,32] = x[32,64] @ wt where wt = transpose(w), w a [32,64] param: the
// LOAD of wt[k,0] reads w[0,k] transposed; wt itself has no storage.
inline Builder view_matmul() {
  Builder b(5 * kTileBytes, "view_matmul");
  const auto x = b.tensor("x", TensorRole::Input, 32, 64);
  const auto w = b.tensor("w", TensorRole::Param, 32, 64);
  const auto wt = b.view("wt", w);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);                                                          // 0
  b.load(T(wt, 0, 0), 0x1000);                                                         // 1
  b.load(T(x, 0, 1), 0x2000);                                                          // 2
  b.load(T(wt, 1, 0), 0x3000);                                                         // 3
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 0), 0x0000}, {T(wt, 0, 0), 0x1000}, true);   // 4
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 1), 0x2000}, {T(wt, 1, 0), 0x3000}, false);  // 5
  b.store(T(y, 0, 0), 0x4000);                                                         // 6
  resolve_deps(b.schedule());
  return b;
}

// y[32,32] = x[32,32] * 0.5.
inline Builder scale_tile(float factor = 0.5f) {
  Builder b(2 * kTileBytes, "scale");
  const auto x = b.tensor("x", TensorRole::Input, 32, 32);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);                                   // 0
  b.scale({T(y, 0, 0), 0x1000}, {T(x, 0, 0), 0x0000}, factor);  // 1
  b.store(T(y, 0, 0), 0x1000);                                  // 2
  resolve_deps(b.schedule());
  return b;
}

}  // namespace tilesim::sched::testing
