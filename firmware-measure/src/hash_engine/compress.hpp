// The SHA-2 compression function written once over a SIMD "ops" type, for the per-ISA kernel files
// only (each includes it under its own -m flags). Everything here has internal linkage so no
// ISA-specific code can be merged into baseline code by the linker.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sha_constants.hpp"

namespace ccvm::hash_engine {
namespace {

// FIPS 180-4 §4.1.2 / §4.2.2 / §6.2 (SHA-256) parameters.
struct Sha256Params {
    using Word = std::uint32_t;
    static constexpr int kRounds = 64;
    static constexpr std::size_t kBlock = 64;
    static constexpr const Word* kK = kSha256K;
    static constexpr int kS0[3] = {2, 13, 22};   // Σ0: ROTR 2, 13, 22
    static constexpr int kS1[3] = {6, 11, 25};   // Σ1: ROTR 6, 11, 25
    static constexpr int ks0[3] = {7, 18, 3};    // σ0: ROTR 7, 18, SHR 3
    static constexpr int ks1[3] = {17, 19, 10};  // σ1: ROTR 17, 19, SHR 10
};

// FIPS 180-4 §4.1.3 / §4.2.3 / §6.4 (SHA-512; SHA-384 differs only in H(0) and truncation).
struct Sha512Params {
    using Word = std::uint64_t;
    static constexpr int kRounds = 80;
    static constexpr std::size_t kBlock = 128;
    static constexpr const Word* kK = kSha512K;
    static constexpr int kS0[3] = {28, 34, 39};
    static constexpr int kS1[3] = {14, 18, 41};
    static constexpr int ks0[3] = {1, 8, 7};
    static constexpr int ks1[3] = {19, 61, 6};
};

// Ops provides: Vec, kLanes, load_state/store_state, add, xor3, ror<N>, shr<N>, ch, maj, bcast(Word),
// and a LaneLoader built from the lane pointers whose load(offset) returns each lane's big-endian word
// at that byte offset.
template <class Ops, class P>
__attribute__((always_inline)) inline void compress(typename P::Word* state, const unsigned char* const* lanes,
                                                    std::size_t blocks) {
    using Vec = typename Ops::Vec;
    constexpr std::size_t L = Ops::kLanes;
    constexpr std::size_t W = sizeof(typename P::Word);
    const typename Ops::LaneLoader loader(lanes);
    Vec s[8];
    for (int i = 0; i < 8; ++i) s[i] = Ops::load_state(state + i * L);
    for (std::size_t blk = 0; blk < blocks; ++blk) {
        const std::size_t base = blk * P::kBlock;
        Vec w[16];
#pragma GCC unroll 16
        for (int i = 0; i < 16; ++i) w[i] = loader.load(base + static_cast<std::size_t>(i) * W);
        Vec a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
        for (int r = 0; r < P::kRounds; r += 16) {
#pragma GCC unroll 16
            for (int i = 0; i < 16; ++i) {
                if (r > 0) {
                    // FIPS 180-4 §6.2.2 / §6.4.2 step 1: W_t = σ1(W_t-2) + W_t-7 + σ0(W_t-15) + W_t-16.
                    const Vec w2 = w[(i + 14) & 15], w15 = w[(i + 1) & 15];
                    const Vec ss1 = Ops::xor3(Ops::template ror<P::ks1[0]>(w2), Ops::template ror<P::ks1[1]>(w2),
                                              Ops::template shr<P::ks1[2]>(w2));
                    const Vec ss0 = Ops::xor3(Ops::template ror<P::ks0[0]>(w15), Ops::template ror<P::ks0[1]>(w15),
                                              Ops::template shr<P::ks0[2]>(w15));
                    w[i] = Ops::add(Ops::add(w[i], w[(i + 9) & 15]), Ops::add(ss0, ss1));
                }
                // Step 3: T1 = h + Σ1(e) + Ch(e,f,g) + K_t + W_t; T2 = Σ0(a) + Maj(a,b,c).
                const Vec S1 = Ops::xor3(Ops::template ror<P::kS1[0]>(e), Ops::template ror<P::kS1[1]>(e),
                                         Ops::template ror<P::kS1[2]>(e));
                const Vec S0 = Ops::xor3(Ops::template ror<P::kS0[0]>(a), Ops::template ror<P::kS0[1]>(a),
                                         Ops::template ror<P::kS0[2]>(a));
                const Vec t1 =
                    Ops::add(Ops::add(Ops::add(h, S1), Ops::add(Ops::ch(e, f, g), w[i])), Ops::bcast(P::kK[r + i]));
                const Vec t2 = Ops::add(S0, Ops::maj(a, b, c));
                h = g;
                g = f;
                f = e;
                e = Ops::add(d, t1);
                d = c;
                c = b;
                b = a;
                a = Ops::add(t1, t2);
            }
        }
        // Step 4: H_i = working variable + H_(i-1).
        s[0] = Ops::add(s[0], a);
        s[1] = Ops::add(s[1], b);
        s[2] = Ops::add(s[2], c);
        s[3] = Ops::add(s[3], d);
        s[4] = Ops::add(s[4], e);
        s[5] = Ops::add(s[5], f);
        s[6] = Ops::add(s[6], g);
        s[7] = Ops::add(s[7], h);
    }
    for (int i = 0; i < 8; ++i) Ops::store_state(state + i * L, s[i]);
}

}  // namespace
}  // namespace ccvm::hash_engine
