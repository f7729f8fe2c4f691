// Row flattening: a matmul of a stack of short matrices by one shared matrix
// runs as one tall matmul, and an element-wise op on such a stack (a copy of a
// view is a Scale) as one on a tall matrix. A [.., r, k] @ B [k, n] with r not a multiple of
// 32 pads every matrix of the stack to whole tiles on its own: PyTorch's
// sequence-first transformers ([seq, batch, d] inputs) give 64 matrices of 2
// rows, 64 tile rows where 4 hold every row. The product's rows do not depend
// on which matrix they came from, so A is read as [batch·r, k] (a relayout
// view: the same elements in the same row-major order), the matmul makes
// [batch·r, n], and the original product becomes a relayout view of that.
//
// Contract. A live MatMul or FusedMatMul, or a unary element-wise op (an
// activation or Scale; A is then its input and "the product" its output), is
// rewritten when: a matmul's B is one matrix (batch 1, layout Matrix); A and the product are in layout Matrix with more
// than one matrix; the tall form has fewer tile rows (⌈batch·r/32⌉ <
// batch·⌈r/32⌉); the product is no graph output; A (and a fused residual) is
// stored or a relayout, permute or slice view (read as its own view in the
// tall shape); and every view reading the product is a Relayout, Permute or
// Slice, each then reading the tall product directly (a view's `from` reads
// its source's elements in row-major order, which the two forms share). The
// product itself stays, as a relayout view of the tall product, when an EXEC
// reads it. The bias (one row) and the activation are unchanged.
#pragma once

#include "compiler/passes/pass.h"

namespace tilesim::passes {

class FlattenRowsPass : public Pass {
 public:
  const char* name() const override { return "flatten-rows"; }
  void run(ir::Graph& graph) override;
};

}  // namespace tilesim::passes
