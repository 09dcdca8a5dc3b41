// AVX-512 multi-buffer SHA-2 kernels: 8 SHA-512 lanes or 16 SHA-256 lanes per zmm register. Built with
// -mavx512f -mavx512bw -mavx512vl for this file only; hash_engine.cpp calls it only when the CPU and
// OS support AVX-512 (F, BW, VL).
#if defined(__x86_64__)
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 reports its own _mm*_undefined_* placeholders inside the intrinsic headers as "maybe
// uninitialized" (GCC bug 105593); the warning is about the header, not this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "compress.hpp"
#include "kernels.hpp"

namespace ccvm::hash_engine {
namespace {

// Lane addresses as gather indices from address 0: a lane may point anywhere (a page in the image, a
// padded tail buffer on the stack).
__m512i lane_addresses(const unsigned char* const* lanes, std::size_t first) {
    alignas(64) long long addr[8];
    for (std::size_t i = 0; i < 8; ++i)
        addr[i] = static_cast<long long>(reinterpret_cast<std::uintptr_t>(lanes[first + i]));
    return _mm512_load_si512(addr);
}

struct Ops64 {
    using Vec = __m512i;
    static constexpr std::size_t kLanes = 8;
    static Vec load_state(const std::uint64_t* p) { return _mm512_loadu_si512(p); }
    static void store_state(std::uint64_t* p, Vec v) { _mm512_storeu_si512(p, v); }
    static Vec add(Vec a, Vec b) { return _mm512_add_epi64(a, b); }
    static Vec xor3(Vec a, Vec b, Vec c) { return _mm512_ternarylogic_epi64(a, b, c, 0x96); }
    static Vec ch(Vec e, Vec f, Vec g) { return _mm512_ternarylogic_epi64(e, f, g, 0xCA); }   // (e&f)^(~e&g)
    static Vec maj(Vec a, Vec b, Vec c) { return _mm512_ternarylogic_epi64(a, b, c, 0xE8); }  // majority
    template <int N>
    static Vec ror(Vec x) {
        return _mm512_ror_epi64(x, N);
    }
    template <int N>
    static Vec shr(Vec x) {
        return _mm512_srli_epi64(x, N);
    }
    static Vec bcast(std::uint64_t k) { return _mm512_set1_epi64(static_cast<long long>(k)); }
    class LaneLoader {
    public:
        explicit LaneLoader(const unsigned char* const* lanes) : addr_(lane_addresses(lanes, 0)) {}
        Vec load(std::size_t off) const {
            const __m512i idx = _mm512_add_epi64(addr_, _mm512_set1_epi64(static_cast<long long>(off)));
            const __m512i v = _mm512_i64gather_epi64(idx, nullptr, 1);
            return _mm512_shuffle_epi8(v, bswap64());  // FIPS 180-4 §3.1: words are big-endian
        }

    private:
        static __m512i bswap64() {
            return _mm512_set_epi64(0x08090a0b0c0d0e0f, 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x0001020304050607,
                                    0x08090a0b0c0d0e0f, 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x0001020304050607);
        }
        __m512i addr_;
    };
};

struct Ops32 {
    using Vec = __m512i;
    static constexpr std::size_t kLanes = 16;
    static Vec load_state(const std::uint32_t* p) { return _mm512_loadu_si512(p); }
    static void store_state(std::uint32_t* p, Vec v) { _mm512_storeu_si512(p, v); }
    static Vec add(Vec a, Vec b) { return _mm512_add_epi32(a, b); }
    static Vec xor3(Vec a, Vec b, Vec c) { return _mm512_ternarylogic_epi32(a, b, c, 0x96); }
    static Vec ch(Vec e, Vec f, Vec g) { return _mm512_ternarylogic_epi32(e, f, g, 0xCA); }
    static Vec maj(Vec a, Vec b, Vec c) { return _mm512_ternarylogic_epi32(a, b, c, 0xE8); }
    template <int N>
    static Vec ror(Vec x) {
        return _mm512_ror_epi32(x, N);
    }
    template <int N>
    static Vec shr(Vec x) {
        return _mm512_srli_epi32(x, N);
    }
    static Vec bcast(std::uint32_t k) { return _mm512_set1_epi32(static_cast<int>(k)); }
    class LaneLoader {
    public:
        explicit LaneLoader(const unsigned char* const* lanes)
            : lo_(lane_addresses(lanes, 0)), hi_(lane_addresses(lanes, 8)) {}
        Vec load(std::size_t off) const {
            const __m512i o = _mm512_set1_epi64(static_cast<long long>(off));
            const __m256i lo = _mm512_i64gather_epi32(_mm512_add_epi64(lo_, o), nullptr, 1);
            const __m256i hi = _mm512_i64gather_epi32(_mm512_add_epi64(hi_, o), nullptr, 1);
            const __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
            return _mm512_shuffle_epi8(v, bswap32());
        }

    private:
        static __m512i bswap32() {
            return _mm512_set_epi64(0x0c0d0e0f08090a0b, 0x0405060700010203, 0x0c0d0e0f08090a0b, 0x0405060700010203,
                                    0x0c0d0e0f08090a0b, 0x0405060700010203, 0x0c0d0e0f08090a0b, 0x0405060700010203);
        }
        __m512i lo_, hi_;
    };
};

}  // namespace

void sha512_blocks_avx512(std::uint64_t* state, const unsigned char* const* lanes, std::size_t blocks) {
    compress<Ops64, Sha512Params>(state, lanes, blocks);
}

void sha256_blocks_avx512(std::uint32_t* state, const unsigned char* const* lanes, std::size_t blocks) {
    compress<Ops32, Sha256Params>(state, lanes, blocks);
}

}  // namespace ccvm::hash_engine
#endif
