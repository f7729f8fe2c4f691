// Internal to kernels/: the kernel sets dispatch.cpp chooses between. Each
// lives in its own translation unit, compiled with only the instruction-set
// flags it needs (see kernels/CMakeLists.txt), so nothing here may be called
// before dispatch.cpp has checked the CPU.
#pragma once

#include "kernels/kernel_set.h"

namespace tilesim::kernels::detail {

const KernelSet& avx2_kernels();  // kernels/avx2.cpp, -mavx2 -mfma
#ifdef TILESIM_HAVE_AVX512
const KernelSet& avx512_kernels();  // kernels/avx512.cpp, -mavx512f -mfma
#endif

}  // namespace tilesim::kernels::detail
