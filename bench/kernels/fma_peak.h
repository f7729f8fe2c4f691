// The measured one-core FMA peak the kernels are compared with: loops of
// independent FMA chains, nothing else, one file per vector width (each
// compiled alone with its -m flags; call only on a CPU that has them).
#pragma once

namespace tilesim::bench {

// Run `iterations` rounds of kFmaPeakChains* independent FMAs; the return
// value depends on every chain, so the compiler must compute them all.
float fma_peak_avx2(long iterations);
float fma_peak_avx512(long iterations);

inline constexpr int kAvx2PeakChains = 12;    // ymm accumulators (>= 4-cycle latency x 2 ports)
inline constexpr int kAvx512PeakChains = 24;  // zmm accumulators
// Floating-point operations per iteration: chains x lanes x 2 (mul + add).
inline constexpr double kAvx2PeakFlopsPerIter = kAvx2PeakChains * 8 * 2;
inline constexpr double kAvx512PeakFlopsPerIter = kAvx512PeakChains * 16 * 2;

}  // namespace tilesim::bench
