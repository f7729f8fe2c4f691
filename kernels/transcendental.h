// Internal to kernels/: the one algorithm for exp, sigmoid and tanh that every
// kernel set follows operation for operation, so all sets give the same bits
// (the reference in scalar C++, reference.cpp; AVX2 and AVX-512 through
// simd_elementwise.h). No FMA anywhere: the reference is compiled with
// -ffp-contract=off and so are the vector files, whose matmul uses explicit
// FMA intrinsics. The accuracy against double-precision math is measured by
// tests/kernels/test_transcendental.cpp and stated in docs/kernels.md.
//
//   exp(x), for x <= 20 (the callers never pass more):
//     x < kExpMin                         -> +0 (the exact value is below 2^-126)
//     n = (x * kLog2e + kRoundMagic) - kRoundMagic   (x / ln 2 rounded to nearest)
//     r = (x - n * kLn2Hi) - n * kLn2Lo              (|r| <= ln 2 / 2, Cody-Waite)
//     p = kExpPoly[0]; p = p * r + kExpPoly[i] for i = 1..5
//     exp = ((p * (r * r) + r) + 1) * 2^n            (2^n built in the exponent bits)
//   sigmoid(x): e = exp(-|x|), d = 1 + e; x < 0 ? e / d : 1 / d
//   tanh(x):    a = |x|;
//     a < kTanhSmall: z = x * x; p = kTanhPoly[0]; p = p * z + kTanhPoly[i], i = 1..4;
//                     tanh = (p * z) * x + x
//     otherwise:      e = exp(2 * min(a, kTanhClamp)); t = 1 - 2 / (e + 1);
//                     tanh = t with the sign of x
// NaN gives NaN in each. The polynomials are Cephes' expf and tanhf
// (S. L. Moshier, Cephes Math Library), the same minimax fits.
//
// Issue 14 (Exp, Erf, Gelu), the same rules:
//   exp_full(x), any x: x < kExpMin -> +0 (results below 2^-126 flush to 0,
//     so -inf gives exactly 0); x > kExpHuge -> +inf; otherwise as exp above
//     but 2^n applied as 2^min(n, 127) * 2^(n - min(n, 127)) so that n = 128
//     (x in (88.38, 88.8]) overflows to inf only when the value does.
//   erf(x): a = |x|;
//     a < 1:         z = x * x; p = kErfSmall[0]; p = p * z + kErfSmall[i], i = 1..6; erf = x * p
//     a < kErfOne:   q = kErfLarge[0]; q = q * a + kErfLarge[i], i = 1..8;
//                    erf = (1 - exp_full(q - a * a)) with the sign of x
//     otherwise:     erf = 1 with the sign of x (erfc(a) < 2^-25 rounds away)
//   gelu exact: (x * 0.5) * (1 + erf(x * kSqrtHalf))               (PyTorch's order)
//   gelu tanh:  (x * 0.5) * (1 + tanh(kGeluBeta * (x + kGeluKappa * ((x * x) * x))))
// The erf polynomials are least-squares fits on Chebyshev nodes made for
// tilesim (erf(x)/x in x^2 on [0, 1]; log(erfc(a)) + a^2 in a on [1, 3.92]).
#pragma once

namespace tilesim::kernels::detail {

constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f;      // ln 2 to 9 bits: n * kLn2Hi is exact
constexpr float kLn2Lo = -2.12194440e-4f;   // ln 2 - kLn2Hi
constexpr float kRoundMagic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
constexpr float kExpMin = -87.33654475f;    // ln(2^-126)
constexpr float kExpPoly[6] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                               4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
constexpr float kTanhSmall = 0.625f;
// tanh(a) rounds to 1 in float32 for every a >= 10 (1 - tanh(10) = 4e-9), so
// the exp never sees more than 20.
constexpr float kTanhClamp = 10.0f;
constexpr float kTanhPoly[5] = {-5.70498872745e-3f, 2.06390887954e-2f, -5.37397155531e-2f, 1.33314422036e-1f,
                                -3.33332819422e-1f};
// ---- issue 14 ----
constexpr float kExpHuge = 88.8f;  // above: exp overflows float32 (ln FLT_MAX = 88.7228)
constexpr float kErfOne = 3.92f;
constexpr float kErfSmall[7] = {7.847262895666063e-05f, -0.0008008193108253181f, 0.0051880995742976665f,
                                -0.026853691786527634f, 0.1128358244895935f,     -0.3761262595653534f,
                                1.1283791065216064f};
constexpr float kErfLarge[9] = {1.6449523627670715e-06f, -4.618071761797182e-05f, 0.0005975754465907812f,
                                -0.004761978983879089f,  0.02642449364066124f,    -0.11008015275001526f,
                                0.36816805601119995f,    -1.1302266120910645f,    0.0003176805330440402f};
constexpr float kSqrtHalf = 0.70710678118654752f;
constexpr float kGeluBeta = 0.79788456080286536f;  // sqrt(2 / pi)
constexpr float kGeluKappa = 0.044715f;
// HardSwish's fixed alpha and beta (ONNX HardSwish-14: 1/6 and 1/2).
constexpr float kHardSwishAlpha = 1.0f / 6.0f;
constexpr float kHardSwishBeta = 0.5f;

}  // namespace tilesim::kernels::detail
