// The hand-built schedules the validator and text-form tests share.
#pragma once

#include "tests/schedule/schedule_builder.h"

namespace tilesim::sched::testing {

// y[32,32] = x[32,32] @ w[32,32]: LOAD x, LOAD w, EXEC, STORE in 12 KiB.
inline Builder one_tile_matmul() {
  Builder b(3 * kTileBytes, "one_tile");
  const auto x = b.tensor("x", TensorRole::Input, 32, 32);
  const auto w = b.tensor("w", TensorRole::Param, 32, 32);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);                                                           // 0
  b.load(T(w, 0, 0), 0x1000);                                                           // 1
  b.matmul({T(y, 0, 0), 0x2000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, 1);  // 2
  b.store(T(y, 0, 0), 0x2000, 2);                                                       // 3
  return b;
}

// y[32,32] = x[32,64] @ w[64,32]: two K steps, step 1's operands loaded into
// their own (pong) slots before step 0 runs, in 20 KiB.
inline Builder two_k_double_buffered() {
  Builder b(5 * kTileBytes, "two_k");
  const auto x = b.tensor("x", TensorRole::Input, 32, 64);
  const auto w = b.tensor("w", TensorRole::Param, 64, 32);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);                                                            // 0
  b.load(T(w, 0, 0), 0x1000);                                                            // 1
  b.load(T(x, 0, 1), 0x2000);                                                            // 2
  b.load(T(w, 1, 0), 0x3000);                                                            // 3
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, 1);   // 4
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 1), 0x2000}, {T(w, 1, 0), 0x3000}, false, 3);  // 5
  b.store(T(y, 0, 0), 0x4000, 5);                                                        // 6
  return b;
}

// y[32,32] = relu(x[32,96] @ w[96,32] + b[32]): three K steps with ping/pong
// operand slots reused (step 2 loads over step 0's operands once step 0 is
// done), bias and relu fused on the last step, in 28 KiB.
inline Builder three_k_ping_pong() {
  Builder b(7 * kTileBytes, "three_k");
  const auto x = b.tensor("x", TensorRole::Input, 32, 96);
  const auto w = b.tensor("w", TensorRole::Param, 96, 32);
  const auto bias = b.tensor("b", TensorRole::Param, 1, 32, 1);
  const auto y = b.tensor("y", TensorRole::Output, 32, 32);
  b.load(T(x, 0, 0), 0x0000);                                                            // 0
  b.load(T(w, 0, 0), 0x1000);                                                            // 1
  b.load(T(x, 0, 1), 0x2000);                                                            // 2
  b.load(T(w, 1, 0), 0x3000);                                                            // 3
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, 1);   // 4
  b.load(T(x, 0, 2), 0x0000, 4);                                                         // 5
  b.load(T(w, 2, 0), 0x1000);                                                            // 6
  b.load(T(bias, 0, 0), 0x5000);                                                         // 7
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 1), 0x2000}, {T(w, 1, 0), 0x3000}, false, 3);  // 8
  b.matmul({T(y, 0, 0), 0x4000}, {T(x, 0, 2), 0x0000}, {T(w, 2, 0), 0x1000}, false, 7,   // 9
           true, {T(bias, 0, 0), 0x5000});
  b.store(T(y, 0, 0), 0x4000, 9);  // 10
  return b;
}

// y[64,32] = x[64,32] @ w[32,32] in 12 KiB, x[1,0] prefetched. With
// `seed_bug` the accumulator of y[0,0] is allocated over the live x[1,0] (the
// seed prototype's small-SRAM bug); without it y[0,0] gets its own slot (16 KiB).
inline Builder prefetch_two_rows(bool seed_bug) {
  Builder b((seed_bug ? 3 : 4) * kTileBytes, "two_rows");
  const auto x = b.tensor("x", TensorRole::Input, 64, 32);
  const auto w = b.tensor("w", TensorRole::Param, 32, 32);
  const auto y = b.tensor("y", TensorRole::Output, 64, 32);
  const std::uint32_t acc = seed_bug ? 0x2000 : 0x3000;
  b.load(T(x, 0, 0), 0x0000);                                                        // 0
  b.load(T(w, 0, 0), 0x1000);                                                        // 1
  b.load(T(x, 1, 0), 0x2000);                                                        // 2
  b.matmul({T(y, 0, 0), acc}, {T(x, 0, 0), 0x0000}, {T(w, 0, 0), 0x1000}, true, 2);  // 3
  b.store(T(y, 0, 0), acc, 3);                                                       // 4
  b.matmul({T(y, 1, 0), 0x0000}, {T(x, 1, 0), 0x2000}, {T(w, 0, 0), 0x1000}, true);  // 5
  b.store(T(y, 1, 0), 0x0000, 5);                                                    // 6
  return b;
}

}  // namespace tilesim::sched::testing
