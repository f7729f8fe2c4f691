// Eight strided runs of floats copied as 8 x 8 blocks (issue 16): the DMA's
// gathers of an im2col tile from an nchw image, whose row runs step a whole
// channel (H * W floats) from one element to the next, and of a tile's column
// runs, which land 32 floats apart. Element by element, each float is a load
// from its own cache line and a store; eight neighbouring runs taken together
// are eight vector loads, a transpose in registers and eight vector stores.
// A convolution of stride 2 reads every other float: two loads a vector.
//
// Contract: copy_transposed(src, src_step, dst, dst_stride, n) sets, for q in
// [0, 8) and k in [0, n), dst[k * dst_stride + q] = src[q][k * src_step], with
// src_step 1 (src[q] points at n consecutive floats) or 2 (every other float
// from src[q] on); it reads no float of src[q] past the last of those. Any
// alignment. The bytes are moved, never computed: a NaN keeps its payload.
// Uses AVX2 where the CPU has it, else copy_transposed_plain (one float at a
// time): the same bytes either way. No source float may lie in what dst
// receives.
#pragma once

#include <cstddef>

namespace tilesim::sim {

inline constexpr int kTransposeBlock = 8;

void copy_transposed(const float* const src[kTransposeBlock], std::size_t src_step, float* dst, std::size_t dst_stride,
                     std::size_t n);
void copy_transposed_plain(const float* const src[kTransposeBlock], std::size_t src_step, float* dst,
                           std::size_t dst_stride, std::size_t n);

}  // namespace tilesim::sim
